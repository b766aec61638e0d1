import type { Finding } from '../model.js';

/** An array of findings with a fixed key order; absent positions and fixes are left out. */
export function jsonReport(findings: readonly Finding[]): string {
  const rows = findings.map((f) => ({
    file: f.file,
    line: f.line,
    column: f.column,
    endLine: f.endLine,
    endColumn: f.endColumn,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
    fix: f.fix,
  }));
  return JSON.stringify(rows, null, 2) + '\n';
}
