/**
 * docs/rules/GSnnn.md are generated from the rules' own documentation; this test
 * fails when they drift. Regenerate with: GOSCRATCH_WRITE_RULE_DOCS=1 node scripts/test.mjs test/lint/docs.test.ts
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { renderRuleDoc } from '../../src/lint/docs.js';
import { RULES } from '../../src/lint/rules/index.js';

const page = (id: string): URL => new URL(`../../docs/rules/${id}.md`, import.meta.url);

function index(): string {
  const rows = RULES.map((r) => `| [${r.info.id}](${r.info.id}.md) | ${r.info.severity} | ${r.info.title.replace(/\|/g, '\\|')} |`);
  return ['# goscratch lint rules', '', '| Rule | Severity | Title |', '| --- | --- | --- |', ...rows, ''].join('\n');
}

test('every rule has its documentation page, up to date', () => {
  const expected = new Map([...RULES.map((r) => [r.info.id, renderRuleDoc(r)] as const), ['README', index()] as const]);
  for (const [id, text] of expected) {
    if (process.env.GOSCRATCH_WRITE_RULE_DOCS === '1') writeFileSync(page(id), text);
    assert.equal(readFileSync(page(id), 'utf8'), text, `docs/rules/${id}.md is out of date`);
  }
});
