import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { formatReport } from '../../src/findings/report/index.js';
import type { Finding, RuleInfo } from '../../src/findings/model.js';
import { lintText } from '../../src/lint/engine.js';
import { RULES } from '../../src/lint/rules/index.js';

const seed = readFileSync(new URL('../fixtures/seed.Dockerfile', import.meta.url), 'utf8');
const findings = lintText(seed, 'test/fixtures/seed.Dockerfile');
const infos = RULES.map((r) => r.info);
/** A finding about a whole image (no position), as `inspect` reports them. */
const imageFinding: Finding = { rule: 'GS501', severity: 'warning', message: 'runs as root, 100%: bad', file: 'registry.example.com/app:1' };
const imageRule: RuleInfo = { id: 'GS501', severity: 'warning', title: 'Image runs as root' };

test('json: an array of findings with the contract fields, 1-based', () => {
  const rows = JSON.parse(formatReport('json', findings, infos)) as Record<string, unknown>[];
  assert.equal(rows.length, findings.length);
  const r = rows.find((x) => x.rule === 'GS401')!;
  assert.deepEqual(Object.keys(r), ['file', 'line', 'column', 'endLine', 'endColumn', 'rule', 'severity', 'message', 'fix']);
  assert.equal(r.line, 10);
  assert.equal(r.endLine, 17);
  assert.equal(r.file, 'test/fixtures/seed.Dockerfile');
  assert.deepEqual(JSON.parse(formatReport('json', [], infos)), []);
});

test('github: one workflow command per finding, properties escaped', () => {
  const out = formatReport('github', [...findings, imageFinding], [...infos, imageRule]);
  const lines = out.trimEnd().split('\n');
  assert.equal(lines.length, findings.length + 1);
  assert.ok(lines.some((l) => l.startsWith('::error file=test/fixtures/seed.Dockerfile,line=10,col=1,endLine=17,title=GS401::')));
  assert.ok(lines.some((l) => l.startsWith('::notice file=test/fixtures/seed.Dockerfile,line=25,')));
  assert.ok(lines.includes('::warning file=registry.example.com/app%3A1,title=GS501::GS501: runs as root, 100%25: bad'));
});

test('text: location, rule, severity, message, the source line with a marker, and a summary', () => {
  const out = formatReport('text', findings, infos, { sourceLines: () => seed.split('\n') });
  assert.match(out, /^test\/fixtures\/seed\.Dockerfile:2:6 GS304 warning base image golang:alpine/m);
  assert.match(out, /^ {2}2 \| FROM golang:alpine AS builder\n {4}\| {6}\^~{12}$/m);
  assert.match(out, /^ {2}17 \| "\$\{USER\}"WORKDIR/m);
  assert.match(out, /^11 findings \(5 warnings, 3 info, 3 errors\) in 1 file$/m);
  assert.equal(formatReport('text', [], infos), '');
  assert.doesNotMatch(out, /\u001b\[/, 'no colour unless asked');
});

const schemaPath = new URL('../schemas/sarif-schema-2.1.0.json', import.meta.url);

test('sarif: validates against the official SARIF 2.1.0 schema and carries rule help', () => {
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>;
  const ajv = new Ajv.default({ strict: false, allErrors: true });
  addFormats.default(ajv);
  const validate = ajv.compile(schema);
  for (const [list, rules] of [[findings, infos], [[imageFinding], [imageRule]], [[], infos]] as const) {
    const log = JSON.parse(formatReport('sarif', list, rules, { toolVersion: '1.2.3' }));
    assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  }
  const log = JSON.parse(formatReport('sarif', findings, infos, { toolVersion: '1.2.3' }));
  const broken = structuredClone(log);
  broken.runs[0].results[0].level = 'info';
  assert.equal(validate(broken), false, 'the schema rejects a level SARIF does not define');
  const run = log.runs[0];
  assert.equal(log.version, '2.1.0');
  assert.equal(run.tool.driver.rules.length, infos.length);
  for (const r of run.tool.driver.rules) assert.ok(r.help.text && r.helpUri && r.shortDescription.text);
  const swallowed = run.results.find((r: { ruleId: string }) => r.ruleId === 'GS401');
  assert.deepEqual(swallowed.locations[0].physicalLocation.region, { startLine: 10, startColumn: 1, endLine: 17, endColumn: 17 });
  assert.equal(swallowed.level, 'error');
  assert.equal(run.tool.driver.rules[swallowed.ruleIndex].id, 'GS401');
  assert.equal(run.results.find((r: { ruleId: string }) => r.ruleId === 'GS104').level, 'note');
});
