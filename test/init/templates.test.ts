import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../../src/config/load.js';
import { initProject, planInit } from '../../src/init/init.js';
import { configFile, dockerfile, makefile, type InitPlan } from '../../src/init/templates.js';
import { lintText } from '../../src/lint/engine.js';
import { GoscratchError } from '../../src/util/errors.js';

const plan = (over: Partial<InitPlan> = {}): InitPlan => ({
  module: 'example.com/app',
  goVersion: '1.22',
  builderImage: 'golang:1.22-alpine',
  package: './cmd/api',
  binary: 'api',
  port: 8080,
  hasGoSum: true,
  platforms: ['linux/amd64', 'linux/arm64'],
  user: 'appuser',
  uid: 10001,
  ...over,
});

const instructions = (df: string): string[] => df.split('\n').filter((l) => /^[A-Z]+ /.test(l));

test('Dockerfile: pinned ARG-able builder, modules before sources, static cross-build, numeric user, exec form', () => {
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

test('every generated Dockerfile variant lints with zero findings', () => {
  for (const p of [plan(), plan({ hasGoSum: false }), plan({ package: '.', binary: 'app', port: undefined }), plan({ builderImage: 'registry.example.com/go:1.23' })]) {
    assert.deepEqual(lintText(dockerfile(p), 'Dockerfile'), [], dockerfile(p));
  }
});

test('Makefile: every target, recipes indented with tabs, overridable variables', () => {
  const mk = makefile(plan());
  for (const target of ['build', 'image', 'docker', 'push', 'lint', 'test', 'clean']) assert.match(mk, new RegExp(`^${target}:$`, 'm'));
  assert.match(mk, /^\.PHONY: build image docker push lint test clean$/m);
  for (const v of ['NAME ?= api', 'IMAGE ?= $(NAME)', 'TAG ?= latest', 'PLATFORMS ?= linux/amd64,linux/arm64', 'PKG ?= ./cmd/api']) assert.ok(mk.includes(`\n${v}\n`), v);
  const recipes = mk.split('\n').filter((l) => /^\s/.test(l));
  assert.ok(recipes.length >= 8 && recipes.every((l) => l.startsWith('\t')));
  assert.match(mk, /^\tCGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o bin\/\$\(NAME\) \$\(PKG\)$/m);
  assert.match(mk, /^\t\$\(GOSCRATCH\) build \$\(PKG\) --platform \$\(PLATFORMS\) --push \$\(IMAGE\):\$\(TAG\)$/m);
});

test('goscratch.yaml is valid against the build config schema', () => {
  const cfg = parseConfig(configFile(plan()), 'goscratch.yaml');
  assert.deepEqual(cfg, { main: './cmd/api', platforms: ['linux/amd64', 'linux/arm64'], image: { user: 'appuser', uid: 10001, ports: [8080] } });
});

test('initProject chooses the package, refuses to overwrite, and writes nothing on refusal', async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'goscratch-init-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  await writeFile(join(root, 'go.mod'), 'module example.com/app\n\ngo 1.21\ntoolchain go1.23.2\n');
  for (const d of ['cmd/api', 'cmd/worker']) {
    await mkdir(join(root, d), { recursive: true });
    await writeFile(join(root, d, 'main.go'), 'package main\nfunc main() { _ = ":7000" }\n');
  }
  await assert.rejects(planInit(root), (e: unknown) => e instanceof GoscratchError && /several main packages \(\.\/cmd\/api, \.\/cmd\/worker\): choose one with --package/.test(e.message));
  const p = await planInit(root, { package: 'cmd/worker/' });
  assert.deepEqual([p.package, p.binary, p.goVersion, p.builderImage, p.port, p.hasGoSum], ['./cmd/worker', 'worker', '1.23', 'golang:1.23-alpine', 7000, false]);

  await writeFile(join(root, 'Makefile'), 'keep me\n');
  await assert.rejects(initProject(root, { package: './cmd/api' }), /Makefile already exists .*nothing was written; use --force/);
  await assert.rejects(readFile(join(root, 'Dockerfile')));
  assert.equal(await readFile(join(root, 'Makefile'), 'utf8'), 'keep me\n');
  const r = await initProject(root, { package: './cmd/api', force: true });
  assert.equal(r.files.length, 4);
  assert.match(await readFile(join(root, 'Makefile'), 'utf8'), /^NAME \?= api$/m);

  const empty = await mkdtemp(join(tmpdir(), 'goscratch-init-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  await assert.rejects(planInit(empty), /no go\.mod in .*go mod init/);
  await writeFile(join(empty, 'go.mod'), 'module example.com/lib\n');
  await assert.rejects(planInit(empty), /no main package/);
});
