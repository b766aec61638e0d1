/**
 * `goscratch lint` of 1,000 generated Dockerfiles of ~40 lines in one run, as a whole
 * process (start-up included; target under 2 s), interleaved with hadolint on the same
 * files when it is installed. In-process rows for context: the linter alone, and the
 * dockerfile-ast parse alone (the floor any linter built on it pays).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DockerfileParser } from 'dockerfile-ast';
import { lintText } from '../src/lint/engine.js';
import { goscratch, skipReason, tool } from './lib/commands.js';
import { compared, printTable, timeAtMost, type Row } from './lib/report.js';
import { interleave, runCount, timeInProcess, type Contender } from './lib/timing.js';

const FILES = 1000;
const RUNS = runCount(5);

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

const dir = mkdtempSync(join(tmpdir(), 'goscratch-bench-lint-'));
try {
  const texts = Array.from({ length: FILES }, (_, i) => generate(i));
  const files = texts.map((t, i) => {
    const f = join(dir, `svc${String(i).padStart(4, '0')}.Dockerfile`);
    writeFileSync(f, t);
    return f;
  });
  const lines = texts.reduce((n, t) => n + t.split('\n').length, 0) / FILES;
  // Every third file has error findings: lint exits 1.
  const contenders: Contender[] = [{ name: 'goscratch', argv: goscratch('lint', dir, '--format', 'json'), okCodes: [1] }];
  const hadolint = tool('hadolint');
  if (hadolint) contenders.push({ name: 'hadolint', argv: [hadolint, '--no-fail', ...files] });
  const s = await interleave(contenders, RUNS);
  const gs = s.get('goscratch')!;

  let findings = 0;
  const lint = await timeInProcess(RUNS, () => {
    findings = 0;
    for (const t of texts) findings += lintText(t, 'Dockerfile').length;
  });
  const parse = await timeInProcess(RUNS, () => {
    for (const t of texts) for (const i of DockerfileParser.parse(t).getInstructions()) i.getArguments();
  });
  const rows: Row[] = [
    { label: `goscratch lint DIR, ${FILES} files (whole process)`, stats: gs, verdict: timeAtMost(gs, 2000, true) },
    hadolint ? { label: `hadolint, ${FILES} files (whole process)`, stats: s.get('hadolint')!, note: `goscratch: ${compared(gs, s.get('hadolint')!, 'hadolint')}` } : { label: 'hadolint', note: skipReason('hadolint')! },
    { label: 'in-process: lintText on every file', stats: lint, note: `${(FILES / lint.median * 1000).toFixed(0)} files/s` },
    { label: 'in-process: dockerfile-ast parse alone', stats: parse, note: `lint/parse ${(lint.median / parse.median).toFixed(2)}x` },
  ];
  printTable(`lint, ${FILES} Dockerfiles of ${lines.toFixed(0)} lines, ${findings} findings (median of ${RUNS} runs, min - max; whole processes interleaved)`, rows);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
