import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chain, parseDockerfile, stageByRef, varsAt, workdirAt } from '../../src/lint/model.js';
import { shellCommands } from '../../src/lint/shell.js';
import { df } from './rulecases.js';

test('stages: names, indexes, parents, scratch descent, final stage', () => {
  const m = parseDockerfile(df('ARG BASE=golang:1.23', 'FROM ${BASE} AS Build', 'FROM scratch AS base', 'FROM base AS final', 'COPY --from=build /a /a'));
  assert.deepEqual(m.stages.map((s) => [s.index, s.name, s.image, s.scratch]), [[0, 'build', 'golang:1.23', false], [1, 'base', 'scratch', true], [2, 'final', 'base', true]]);
  assert.equal(m.final, m.stages[2]);
  assert.deepEqual(chain(m.final!).map((s) => s.name), ['base', 'final']);
  assert.equal(stageByRef(m, 'BUILD'), m.stages[0]);
  assert.equal(stageByRef(m, '1'), m.stages[1]);
  assert.equal(stageByRef(m, 'nginx'), undefined);
});

test('ARG and ENV scoping: global defaults, redeclaration, ENV inheritance, automatic platform args', () => {
  const m = parseDockerfile(df('ARG V=1 TARGETARCH', 'FROM golang:1.23 AS a', 'ARG V', 'ENV E=$V', 'RUN echo', 'FROM a', 'RUN echo'));
  const [, , , , run1, , run2] = m.instrs;
  const v1 = varsAt(m, run1!);
  assert.equal(v1.get('V'), '1');
  assert.equal(v1.get('E'), '1');
  assert.equal(v1.has('TARGETARCH'), false, 'platform ARGs exist in a stage only when declared there');
  const v2 = varsAt(m, run2!);
  assert.equal(v2.get('E'), '1', 'ENV carries into a stage built on the stage');
  assert.equal(v2.has('V'), false, 'ARG does not');
});

test('exec and shell form, single-quoted JSON, HEALTHCHECK CMD', () => {
  const m = parseDockerfile(df('FROM scratch', 'ENTRYPOINT ["/app", "a b"]', "CMD ['/app']", 'HEALTHCHECK --interval=5s CMD ["/app", "-h"]', 'RUN echo hi'));
  const [, entry, cmd, hc, run] = m.instrs;
  assert.deepEqual(entry!.exec, ['/app', 'a b']);
  assert.equal(cmd!.exec, null);
  assert.equal(cmd!.brokenJson, true);
  assert.deepEqual(hc!.exec, ['/app', '-h']);
  assert.equal(run!.exec, null);
  assert.equal(run!.brokenJson, false);
});

test('continuations, comments inside them, escape directive, heredocs', () => {
  const m = parseDockerfile(df('# escape=`', 'FROM golang:1.23', 'RUN go build `', '  # a comment', '  -o /out/app .', 'RUN <<EOF', 'go vet ./...', 'EOF', 'WORKDIR src', 'RUN go build -o bin/x .'));
  assert.equal(m.escape, '`');
  const [, build, heredoc, , last] = m.instrs;
  assert.equal(build!.text, 'go build -o /out/app .');
  assert.equal(heredoc!.text.trim(), 'go vet ./...');
  assert.ok(heredoc!.heredocLines.has(6));
  assert.equal(workdirAt(m, last!), '/src');
});

test('shell commands: quotes, prefixes, env, separators', () => {
  const cmds = shellCommands(`CGO_ENABLED=0 go build -ldflags="-s -w" -o '/out/a b' . && env GOOS=linux go vet; echo "x"WORKDIR | cat # note`);
  assert.deepEqual(cmds.map((c) => [Object.fromEntries(c.assigns), c.words]), [
    [{ CGO_ENABLED: '0' }, ['go', 'build', '-ldflags=-s -w', '-o', '/out/a b', '.']],
    [{ GOOS: 'linux' }, ['go', 'vet']],
    [{}, ['echo', 'xWORKDIR']],
    [{}, ['cat']],
  ]);
});
