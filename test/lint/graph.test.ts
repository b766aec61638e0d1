import { test } from 'node:test';
import assert from 'node:assert/strict';
import { baseFacts } from '../../src/lint/bases.js';
import { goBuilds } from '../../src/lint/gocmd.js';
import { buildGraph, carry, landings } from '../../src/lint/graph.js';
import { parseDockerfile } from '../../src/lint/model.js';
import { shellCommands } from '../../src/lint/shell.js';
import { df } from './rulecases.js';

test('a binary is followed through intermediate stages, stages built on its stage, and mv', () => {
  const m = parseDockerfile(df(
    'FROM golang:1.23 AS build', 'WORKDIR /src', 'RUN go build -o app ./cmd/app && mv app /out/',
    'FROM build AS more', 'RUN go build -o /tool ./tools',
    'FROM alpine:3.20 AS pack', 'COPY --from=more /out/app /usr/local/bin/',
    'FROM scratch', 'COPY --from=pack /usr/local/bin/app /app',
  ));
  const [app, tool] = goBuilds(m);
  assert.deepEqual(landings(m, app!).map((l) => [l.stage.index, l.path]), [[3, '/app']]);
  assert.deepEqual(landings(m, tool!), [], 'the tool is never copied out');
  assert.deepEqual([...buildGraph(m).targets].map((s) => s.index), [3]);
});

test('go install writes to GOBIN or GOPATH/bin; go build of several packages writes nothing', () => {
  const m = parseDockerfile(df('FROM golang:1.23', 'ENV GOBIN=/bin2', 'RUN go install ./cmd/a example.com/x/cmd/b@v1.0.0 && go build ./... && go build -o /dev/null .'));
  assert.deepEqual(goBuilds(m).map((b) => b.outputs), [['/bin2/a', '/bin2/b'], [], []]);
  assert.equal(goBuilds(m)[0]!.tool, false, 'one local package makes it the project build');
});

test('carry: files, directories, globs and unknown names', () => {
  assert.equal(carry('/out/app', '/out/app', '/app', false, false), '/app');
  assert.equal(carry('/out/app', '/out/app', '/usr/bin', true, false), '/usr/bin/app');
  assert.equal(carry('/out/app', '/out', '/dist', false, false), '/dist/app');
  assert.equal(carry('/go/bin/app', '/go/bin/*', '/usr/local/bin', true, false), '/usr/local/bin/app');
  assert.equal(carry('/src/*', '/src/server', '/server', false, false), '/server');
  assert.equal(carry('/out/app', '/out/other', '/x', false, false), undefined);
  assert.equal(carry('/go/bin/tool', '/go/bin/*', '/bin', true, true), undefined, 'a tool goes only where a COPY names it');
});

test('the shell model: separators, subshells, branches, sh -c, wrappers', () => {
  const cmds = shellCommands(`A=1; (export B=2) && if [ x ]; then export C=3; fi || D=4 env E=5 go build; sh -c 'F=6 go vet'`);
  assert.deepEqual(cmds.map((c) => [c.words[0] ?? '', [...c.assigns.keys()].join(''), c.subshell, c.conditional]), [
    ['', 'A', 0, false], ['export', '', 1, false], ['[', '', 0, true], ['export', '', 0, true], ['go', 'DE', 0, true], ['go', 'F', 1, false],
  ]);
});

test('empty bases: the documented list, tags and digests', () => {
  assert.equal(baseFacts('scratch')?.libc, false);
  assert.equal(baseFacts('gcr.io/distroless/static-debian12:nonroot')?.defaultUser, '65532');
  assert.equal(baseFacts('gcr.io/distroless/static:latest-arm64@sha256:' + 'a'.repeat(64))?.shell, false);
  assert.equal(baseFacts('gcr.io/distroless/base-nossl-debian12')?.libc, true);
  assert.equal(baseFacts('cgr.dev/chainguard/static')?.defaultUser, '65532');
  assert.equal(baseFacts('gcr.io/distroless/static:debug'), undefined, ':debug has a busybox shell');
  assert.equal(baseFacts('alpine:3.20'), undefined);
});
