import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText } from '../../src/lint/engine.js';
import { RULES } from '../../src/lint/rules/index.js';
import { df } from './rulecases.js';

const rootScratch = df('FROM scratch', 'COPY app /app', 'USER root', 'ENTRYPOINT ["/app"]');
const rules = (text: string, opts = {}): string[] => lintText(text, 'Dockerfile', opts).map((f) => `${f.rule}@${f.line}`);

test('a pragma silences the named rules on the next instruction only', () => {
  assert.ok(rules(rootScratch).includes('GS301@3'));
  const text = df('FROM scratch', 'COPY app /app', '# goscratch ignore=GS301', 'USER root', 'USER root');
  const got = rules(text);
  assert.ok(!got.includes('GS301@4'));
  assert.ok(got.includes('GS301@5'));
});

test('a global pragma silences a rule everywhere, before or after', () => {
  const got = rules(df('FROM scratch', 'USER root', '# goscratch global ignore=GS301,GS203'));
  assert.ok(!got.some((r) => r.startsWith('GS301') || r.startsWith('GS203')));
  assert.ok(got.some((r) => r.startsWith('GS206')));
});

test('config ignore list and severity overrides apply', () => {
  const all = lintText(rootScratch, 'Dockerfile');
  assert.ok(all.some((f) => f.rule === 'GS203' && f.severity === 'warning'));
  const tuned = lintText(rootScratch, 'Dockerfile', { ignore: ['gs301'], severity: { GS203: 'error' } });
  assert.ok(!tuned.some((f) => f.rule === 'GS301'));
  assert.ok(tuned.some((f) => f.rule === 'GS203' && f.severity === 'error'));
});

test('findings are sorted, 1-based, with ranges and the file name', () => {
  const found = lintText(rootScratch, 'sub/Dockerfile');
  for (const f of found) {
    assert.equal(f.file, 'sub/Dockerfile');
    assert.ok(f.line! >= 1 && f.column! >= 1 && f.endLine! >= f.line!);
  }
  const keys = found.map((f) => f.line! * 1000 + f.column!);
  assert.deepEqual(keys, [...keys].sort((a, b) => a - b));
});

test('every rule has a unique id, a title, help and documentation', () => {
  const ids = RULES.map((r) => r.info.id);
  assert.equal(new Set(ids).size, ids.length);
  for (const r of RULES) {
    assert.match(r.info.id, /^GS\d{3}$/);
    assert.ok(r.info.title && r.info.help && r.info.helpUri?.endsWith(`${r.info.id}.md`));
    assert.ok(r.doc.what && r.doc.why && r.doc.fix && r.doc.bad && r.doc.good);
  }
});

test('each rule documentation example: the bad one is reported, the good one is not', () => {
  const failures: string[] = [];
  for (const r of RULES) {
    const opts = r.info.id === 'GS306' ? { trustedRegistries: ['registry.example.com'] } : {};
    // Examples are excerpts; give them a builder stage and a final stage where they need one.
    const wrap = (s: string): string => (/^\s*(ARG|FROM)\b/m.test(s.split('\n')[0]!) || /^#/.test(s) ? s : `FROM golang:1.23 AS build\n${s}`) + '\n';
    const bad = lintText(wrap(r.doc.bad), 'Dockerfile', opts).filter((f) => f.rule === r.info.id);
    const good = lintText(wrap(r.doc.good), 'Dockerfile', opts).filter((f) => f.rule === r.info.id);
    if (bad.length === 0) failures.push(`${r.info.id}: bad example not reported`);
    if (good.length > 0) failures.push(`${r.info.id}: good example reported: ${good[0]!.message}`);
  }
  assert.deepEqual(failures, []);
});
