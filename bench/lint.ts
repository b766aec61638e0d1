/**
 * Lints 1,000 generated Dockerfiles of ~40 lines: files/s and per-file cost in one
 * process, against the parse alone (dockerfile-ast, the floor any linter built on it
 * pays), and the whole CLI including process start (target: under 2 s). hadolint is
 * timed too when it is on PATH.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DockerfileParser } from 'dockerfile-ast';
import { lintText } from '../src/lint/engine.js';

const FILES = 1000;
const root = fileURLToPath(new URL('..', import.meta.url));

function generate(i: number): string {
  const bad = i % 3 === 0;
  return [
    '# syntax=docker/dockerfile:1',
    `ARG BUILDER_IMAGE=golang:1.${20 + (i % 4)}-alpine`,
    '',
    `FROM --platform=$BUILDPLATFORM \${BUILDER_IMAGE} AS build${i % 2 ? '' : '-stage'}`,
    'ARG TARGETOS',
    'ARG TARGETARCH',
    'ENV GOMODCACHE=/go/pkg/mod GOCACHE=/root/.cache/go-build',
    'WORKDIR /src',
    bad ? 'COPY . .' : 'COPY go.mod go.sum ./',
    'RUN --mount=type=cache,target=/go/pkg/mod go mod download && go mod verify',
    '',
    '# The user, written as text.',
    'RUN mkdir -p /out/etc \\',
    ` && printf 'root:x:0:0::/:/sbin/nologin\\napp${i}:x:10001:10001::/:/sbin/nologin\\n' > /out/etc/passwd \\`,
    " && printf 'root:x:0:\\napp:x:10001:\\n' > /out/etc/group",
    '',
    'COPY . .',
    'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\',
    `    ${bad ? '' : 'CGO_ENABLED=0 '}GOOS=$TARGETOS GOARCH=${bad ? 'amd64' : '$TARGETARCH'} \\`,
    `    go build -trimpath -ldflags="-s -w -X main.version=1.${i}" -tags timetzdata -o /out/svc${i} ./cmd/svc`,
    '',
    'FROM alpine:3.20 AS certs',
    'RUN apk add --no-cache ca-certificates tzdata',
    '',
    '# Final image.',
    'FROM scratch',
    'COPY --from=certs /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/',
    `COPY --from=build${i % 2 ? '' : '-stage'} /out/etc/passwd /out/etc/group /etc/`,
    `COPY --from=build${i % 2 ? '' : '-stage'} /out/svc${i} /svc`,
    'LABEL org.opencontainers.image.source="https://example.com/repo" \\',
    `      org.opencontainers.image.version="1.${i}"`,
    bad ? 'USER app' : 'USER 10001:10001',
    `EXPOSE ${bad ? 80 : 8000 + (i % 1000)}`,
    'HEALTHCHECK --interval=30s CMD ["/svc", "-health"]',
    bad ? 'ENTRYPOINT /svc' : 'ENTRYPOINT ["/svc"]',
    'CMD ["--serve"]',
    '',
  ].join('\n');
}

/** GOSCRATCH_CLI names a built cli.js; else dist/cli.js when it is newer than the linter's source; else tsx. */
function cliCommand(): string[] {
  const given = process.env.GOSCRATCH_CLI;
  if (given) return [given];
  const dist = join(root, 'dist/cli.js');
  const built = join(root, 'dist/lint/engine.js');
  if (existsSync(dist) && existsSync(built) && statSync(built).mtimeMs >= statSync(join(root, 'src/lint/engine.ts')).mtimeMs) return [dist];
  return ['--import', 'tsx', join(root, 'src/cli.ts')];
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function time(runs: number, fn: () => void): number {
  const t: number[] = [];
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    fn();
    t.push(performance.now() - start);
  }
  return median(t);
}

const dir = mkdtempSync(join(tmpdir(), 'goscratch-bench-lint-'));
try {
  const texts = Array.from({ length: FILES }, (_, i) => generate(i));
  texts.forEach((t, i) => writeFileSync(join(dir, `svc${String(i).padStart(4, '0')}.Dockerfile`), t));
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0) / FILES;
  let findings = 0;
  const lint = time(5, () => {
    findings = 0;
    for (const t of texts) findings += lintText(t, 'Dockerfile').length;
  });
  const parse = time(5, () => {
    for (const t of texts) for (const i of DockerfileParser.parse(t).getInstructions()) i.getArguments();
  });
  console.log(`${FILES} files, ${lines.toFixed(0)} lines each, ${findings} findings`);
  console.log(`in process: lint ${lint.toFixed(0)} ms median (${(FILES / lint * 1000).toFixed(0)} files/s, ${(lint / FILES * 1000).toFixed(0)} µs/file)`);
  console.log(`in process: dockerfile-ast parse alone ${parse.toFixed(0)} ms median; lint/parse ratio ${(lint / parse).toFixed(2)}`);

  const cli = cliCommand();
  const cliMs = time(3, () => {
    const r = spawnSync(process.execPath, [...cli, 'lint', dir, '--format', 'json'], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 1) throw new Error(`lint exited ${r.status}: ${r.stderr}`);
  });
  const startMs = time(3, () => void spawnSync(process.execPath, [...cli, '--version'], { cwd: root }));
  console.log(`whole CLI (${cli.join(' ').replace(root, '')}), ${FILES} files including process start: ${cliMs.toFixed(0)} ms median (target < 2000 ms); process start alone ${startMs.toFixed(0)} ms`);

  const hadolint = spawnSync('hadolint', ['--version'], { encoding: 'utf8' });
  if (hadolint.status === 0) {
    const files = texts.map((_, i) => join(dir, `svc${String(i).padStart(4, '0')}.Dockerfile`));
    const h = time(3, () => void spawnSync('hadolint', ['--no-fail', ...files], { maxBuffer: 1 << 28 }));
    console.log(`hadolint ${hadolint.stdout.trim()}: ${h.toFixed(0)} ms median; goscratch CLI / hadolint ratio ${(cliMs / h).toFixed(2)}`);
  } else {
    console.log('hadolint: not on PATH, not compared');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
