import pc from 'picocolors';
import type { Finding, Severity } from '../model.js';
import type { ReportOptions } from './index.js';

/** Tabs become spaces and control characters `?`, so the marker lines up and the terminal stays sane. */
const UNPRINTABLE = /[\x00-\x1f\x7f]/g;

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
    out.push(`${c.bold(where)} ${f.rule} ${paint[f.severity](f.severity)} ${f.message.replace(UNPRINTABLE, '?')}`);
    const lines = f.line === undefined ? undefined : opts.sourceLines?.(f.file);
    if (lines && f.line !== undefined) out.push(...excerpt(lines, f, paint[f.severity]));
    if (f.fix) out.push(`  ${c.dim('fix:')} ${f.fix}`);
  }
  if (findings.length > 0) out.push(summary(findings));
  return out.length > 0 ? out.join('\n') + '\n' : '';
}

/** The first line of the range with a marker, and its last line when the range spans several. */
function excerpt(lines: readonly string[], f: Finding, paint: (s: string) => string): string[] {
  const first = f.line!;
  const last = f.endLine !== undefined && f.endLine > first && f.endLine <= lines.length ? f.endLine : first;
  const pad = String(last).length;
  const show = (n: number, from: number, to: number | undefined): string[] => {
    const src = lines[n - 1];
    if (src === undefined) return [];
    const text = src.slice(0, 200).replace(UNPRINTABLE, (c) => (c === '\t' ? ' ' : '?'));
    const start = Math.min(from, text.length);
    const end = Math.min(to ?? text.length, text.length);
    return [
      `  ${String(n).padStart(pad)} | ${text}`,
      `  ${' '.repeat(pad)} | ${' '.repeat(start)}${paint('^' + '~'.repeat(Math.max(0, end - start - 1)))}`,
    ];
  };
  const col = Math.max(0, (f.column ?? 1) - 1);
  const endCol = f.endColumn === undefined ? undefined : f.endColumn - 1;
  if (last === first) return show(first, col, f.endLine === first ? endCol : undefined);
  return [...show(first, col, undefined), ...(last > first + 1 ? [`  ${' '.repeat(pad)} | ...`] : []), ...show(last, 0, endCol)];
}

function summary(findings: readonly Finding[]): string {
  const counts = new Map<Severity, number>();
  for (const f of findings) counts.set(f.severity, (counts.get(f.severity) ?? 0) + 1);
  const parts = [...counts].map(([s, n]) => `${n} ${s}${n === 1 ? '' : s === 'info' || s === 'style' ? '' : 's'}`);
  const files = new Set(findings.map((f) => f.file)).size;
  return `${findings.length} finding${findings.length === 1 ? '' : 's'} (${parts.join(', ')}) in ${files} file${files === 1 ? '' : 's'}`;
}
