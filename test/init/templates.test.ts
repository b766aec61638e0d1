import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { configFile, dockerfile, makeFragment, makefile, type InitPlan } from '../../src/init/templates.js';
import { lintText } from '../../src/lint/engine.js';

const plan = (over: Partial<InitPlan> = {}): InitPlan => ({
  module: 'example.com/app',
  goVersion: '1.22',
  builderImage: 'golang:1.22-alpine',
  package: './cmd/api',
  packageFrom: '--main',
  binary: 'api',
  port: 8080,
  portFrom: '--port',
  hasGoSum: true,
  vendor: false,
  platforms: ['linux/amd64', 'linux/arm64'],
  user: 'appuser',
  uid: 10001,
  ...over,
});

const instructions = (df: string): string[] => df.split('\n').filter((l) => /^[A-Z]+ /.test(l));

test('Dockerfile: pinned ARG-able builder, modules before sources, static cross-build with tzdata, numeric user, exec form', () => {
  const df = dockerfile(plan());
  const ins = instructions(df);
  assert.equal(ins[0], 'ARG BUILDER_IMAGE=golang:1.22-alpine');
  assert.equal(ins[1], 'FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build');
  const at = (prefix: string): number => ins.findIndex((l) => l.startsWith(prefix));
  assert.ok(at('COPY go.mod go.sum ./') < at('RUN --mount=type=cache,target=/go/pkg/mod go mod download && go mod verify'));
  assert.ok(at('RUN --mount=type=cache,target=/go/pkg/mod go mod download') < at('COPY . .'));
  assert.match(df, /CGO_ENABLED=0 GOOS=\$TARGETOS GOARCH=\$TARGETARCH \\\n\s+go build -trimpath -ldflags="-s -w" -tags timetzdata -o \/out\/api \.\/cmd\/api\n/);
  assert.match(df, /--mount=type=cache,target=\/root\/\.cache\/go-build/);
  assert.match(df, /appuser:x:10001:10001:appuser:\/nonexistent:\/sbin\/nologin/);
  assert.deepEqual(ins.slice(at('FROM scratch')), [
    'FROM scratch',
    'COPY --from=build /out/etc/passwd /out/etc/group /etc/',
    'COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/',
    'COPY --from=build /out/api /usr/local/bin/api',
    'USER 10001:10001',
    'EXPOSE 8080',
    'ENTRYPOINT ["/usr/local/bin/api"]',
  ]);
  // Every instruction that is a choice has a comment line above it.
  const lines = df.split('\n');
  for (const i of ['ARG BUILDER_IMAGE', 'FROM --platform', 'ENV ', 'USER ', 'EXPOSE ', 'ENTRYPOINT ']) {
    const n = lines.findIndex((l) => l.startsWith(i));
    assert.match(lines[n - 1]!, /^# /, `comment above ${i}`);
  }
});

test('Dockerfile: go.mod alone without go.sum, no EXPOSE without a port', () => {
  const df = dockerfile(plan({ hasGoSum: false, port: undefined }));
  assert.match(df, /^COPY go\.mod \.\/$/m);
  assert.doesNotMatch(df, /EXPOSE/);
});

test('Dockerfile for a vendored module: no module download, -mod=vendor, sources (vendor/ included) copied', () => {
  const df = dockerfile(plan({ vendor: true }));
  assert.doesNotMatch(df, /go mod download|go mod verify|COPY go\.mod/);
  assert.match(df, /^# vendor\/ comes with the sources.*\nCOPY \. \.$/m);
  assert.match(df, /^RUN --mount=type=cache,target=\/go\/pkg\/mod --mount=type=cache,target=\/root\/\.cache\/go-build \\\n.*\n\s+go build -mod=vendor -trimpath -ldflags="-s -w" -tags timetzdata -o \/out\/api \.\/cmd\/api$/m);
});

test('every generated Dockerfile variant lints with zero findings; a port below 1024 gets exactly GS303', () => {
  for (const p of [plan(), plan({ hasGoSum: false }), plan({ vendor: true }), plan({ package: '.', binary: 'app', port: undefined }), plan({ builderImage: 'registry.example.com/go:1.23' })]) {
    assert.deepEqual(lintText(dockerfile(p), 'Dockerfile'), [], dockerfile(p));
  }
  const low = dockerfile(plan({ port: 80 }));
  assert.match(low, /^# The app's default port; below 1024.*\nEXPOSE 80$/m);
  assert.deepEqual(lintText(low, 'Dockerfile').map((f) => f.rule), ['GS303']);
});

test('goscratch.mk: GOSCRATCH_ variables, image targets only, goscratch through a variable and never npx', () => {
  const mk = makeFragment(plan());
  for (const v of ['GOSCRATCH ?= goscratch', 'GOSCRATCH_MAIN ?= ./cmd/api', 'GOSCRATCH_IMAGE ?= api', 'GOSCRATCH_TAG ?= latest', 'GOSCRATCH_PLATFORMS ?= linux/amd64,linux/arm64', 'DOCKER ?= docker']) {
    assert.ok(mk.includes(`\n${v}\n`), v);
  }
  assert.deepEqual([...mk.matchAll(/^([\w-]+):$/gm)].map((m) => m[1]), ['image', 'image-push', 'image-docker', 'image-lint']);
  assert.match(mk, /^\.PHONY: image image-push image-docker image-lint$/m);
  assert.match(mk, /^\t\$\(GOSCRATCH\) build \$\(GOSCRATCH_MAIN\) --platform \$\(GOSCRATCH_PLATFORMS\) --push \$\(GOSCRATCH_IMAGE\):\$\(GOSCRATCH_TAG\)$/m);
  assert.doesNotMatch(mk.split('\n').filter((l) => !l.startsWith('#')).join('\n'), /npx/);
  const recipes = mk.split('\n').filter((l) => /^\s/.test(l));
  assert.ok(recipes.length >= 5 && recipes.every((l) => l.startsWith('\t')));
});

test('Makefile for a project without one: includes goscratch.mk, builds like the image, tabs only', () => {
  const mk = makefile(plan());
  assert.match(mk, /^include goscratch\.mk$/m);
  for (const target of ['build', 'lint', 'test', 'clean']) assert.match(mk, new RegExp(`^${target}:`, 'm'));
  assert.match(mk, /^lint: image-lint$/m);
  assert.match(mk, /^\tCGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -tags timetzdata -o bin\/api \$\(GOSCRATCH_MAIN\)$/m);
  assert.match(makefile(plan({ vendor: true })), /^\tCGO_ENABLED=0 go build -mod=vendor -trimpath /m);
  assert.ok(mk.split('\n').filter((l) => /^\s/.test(l)).every((l) => l.startsWith('\t')));
});

test('goscratch.yaml is valid against the build config schema', () => {
  const cfg = parseConfig(configFile(plan()), 'goscratch.yaml');
  assert.deepEqual(cfg, { main: './cmd/api', platforms: ['linux/amd64', 'linux/arm64'], image: { user: 'appuser', uid: 10001, ports: [8080] } });
});
