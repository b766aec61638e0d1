/**
 * Table-driven rule specs: each case is a Dockerfile the rule must report (with the
 * 1-based line of the finding when given) or must not report.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lintText, type LintOptions } from '../../src/lint/engine.js';

export interface Catch {
  name: string;
  dockerfile: string;
  /** Lines the rule must report (each at least once). */
  lines?: number[];
  /** What one of the rule's messages must say. */
  message?: RegExp;
  /** What the fix of that finding must say. */
  fix?: RegExp;
}

export interface Pass {
  name: string;
  dockerfile: string;
}

export function ruleCases(id: string, cases: { catches: Catch[]; passes: Pass[]; options?: LintOptions }): void {
  for (const c of cases.catches) {
    test(`${id} catches: ${c.name}`, () => {
      const found = lintText(c.dockerfile, 'Dockerfile', cases.options).filter((f) => f.rule === id);
      assert.ok(found.length > 0, `expected ${id} in:\n${c.dockerfile}`);
      for (const line of c.lines ?? []) assert.ok(found.some((f) => f.line === line), `expected ${id} at line ${line}, got lines ${found.map((f) => f.line).join(',')}`);
      if (c.message) assert.ok(found.some((f) => c.message!.test(f.message)), `expected a ${id} message matching ${c.message}, got: ${found.map((f) => f.message).join(' | ')}`);
      if (c.fix) assert.ok(found.some((f) => c.fix!.test(f.fix ?? '')), `expected a ${id} fix matching ${c.fix}, got: ${found.map((f) => f.fix).join(' | ')}`);
    });
  }
  for (const p of cases.passes) {
    test(`${id} catches not: ${p.name}`, () => {
      const found = lintText(p.dockerfile, 'Dockerfile', cases.options).filter((f) => f.rule === id);
      assert.deepEqual(found.map((f) => `${f.line}: ${f.message}`), []);
    });
  }
}

/** Joins lines into a Dockerfile. */
export const df = (...lines: string[]): string => lines.join('\n') + '\n';
