import pc from 'picocolors';
import type { Finding, Severity } from '../model.js';
import type { ReportOptions } from './index.js';

const TAB = /\t/g;

/**
 * `file:line:col RULE severity message`, then the source line with a marker under
 * the reported range, then the fix; a summary line when there are findings.
 */
export function textReport(findings: readonly Finding[], opts: ReportOptions): string {
  const c = pc.createColors(Boolean(opts.color));
  const paint: Record<Severity, (s: string) => string> = { error: c.red, warning: c.yellow, info: c.blue, style: c.dim };
  const out: string[] = [];
  for (const f of findings) {
    const where = [f.file, f.line, f.column].filter((x) => x !== undefined).join(':');
    out.push(`${c.bold(where)} ${f.rule} ${paint[f.severity](f.severity)} ${f.message}`);
    const src = f.line === undefined ? undefined : opts.sourceLines?.(f.file)?.[f.line - 1];
    if (src !== undefined) {
      const shown = src.replace(TAB, ' ').slice(0, 200);
      const start = Math.max(0, (f.column ?? 1) - 1);
      const end = f.endLine === f.line && f.endColumn !== undefined ? f.endColumn - 1 : shown.length;
      const width = Math.max(1, Math.min(end, shown.length) - start);
      out.push(`  ${f.line} | ${shown}`);
      out.push(`  ${' '.repeat(String(f.line).length)} | ${' '.repeat(Math.min(start, shown.length))}${paint[f.severity]('^' + '~'.repeat(width - 1))}`);
    }
    if (f.fix) out.push(`  ${c.dim('fix:')} ${f.fix}`);
  }
  if (findings.length > 0) out.push(summary(findings));
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

function summary(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'info' || s === 'style' ? '' : 's'}`);
  const files = new Set(findings.map((f) => f.file)).size;
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} (${parts.join(', ')}) in ${files} file${files === 1 ? '' : 's'}`;
}
