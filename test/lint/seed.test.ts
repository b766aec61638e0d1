import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { lintText } from '../../src/lint/engine.js';
import { dockerfile } from '../../src/init/templates.js';

const fixture = (name: string): string => readFileSync(new URL(`../fixtures/${name}`, import.meta.url), 'utf8');

test('the seed Dockerfile: every mistake the lecture note makes is reported where it is', () => {
  const found = lintText(fixture('seed.Dockerfile'), 'seed.Dockerfile');
  const at = (rule: string, line: number): boolean => found.some((f) => f.rule === rule && f.line === line);
  assert.ok(at('GS401', 10), 'GS401 at the RUN on line 10');
  const swallow = found.find((f) => f.rule === 'GS401')!;
  assert.equal(swallow.endLine, 17, 'the GS401 range ends on line 17, where WORKDIR is swallowed');
  assert.match(swallow.message, /WORKDIR/);
  assert.ok(at('GS304', 2), 'GS304 on line 2');
  assert.ok(at('GS106', 20), 'GS106 on line 20');
  assert.ok(at('GS101', 25), 'GS101 on line 25');
  assert.ok(at('GS102', 25), 'GS102 on line 25');
  assert.ok(at('GS302', 36), 'GS302 on line 36');
  assert.ok(at('GS203', 28), 'GS203 on the scratch stage, line 28');
});

test('the fixture in the style goscratch init generates has zero findings', () => {
  assert.deepEqual(lintText(fixture('good.Dockerfile'), 'good.Dockerfile'), []);
});

test('the Dockerfiles goscratch init generates have zero findings', () => {
  const base = { module: 'example.com/hello', goVersion: '1.23', builderImage: 'golang:1.23-alpine', package: '.', binary: 'hello', port: 9292, hasGoSum: true, platforms: ['linux/amd64', 'linux/arm64'], user: 'appuser', uid: 10001 };
  for (const plan of [base, { ...base, port: undefined, hasGoSum: false, package: './cmd/api', binary: 'api', uid: 65532 }]) {
    assert.deepEqual(lintText(dockerfile(plan), 'Dockerfile'), []);
  }
});
