/**
 * The bench's tables: per row the median, the spread (min-max) and, when the row has
 * one, its figure next to its target with "met" or "NOT MET". A peer tool that is not
 * installed is a row saying so, not a failure.
 */
import type { Stats } from './timing.js';

export interface Verdict {
  /** What was measured against the target, e.g. "1.21x node -e 0". */
  figure: string;
  /** e.g. "<= 1.3x". */
  target: string;
  met: boolean;
}

export interface Row {
  label: string;
  stats?: Stats;
  /** Why the row has no figure (a missing tool), or a remark after the figure. */
  note?: string;
  verdict?: Verdict;
}

export function ms(x: number): string {
  return Math.abs(x) >= 1000 ? `${(x / 1000).toFixed(2)} s` : `${x.toFixed(Math.abs(x) >= 100 ? 0 : 1)} ms`;
}

/** Median of `a` at most `max` times the median of `b`. */
export function ratioAtMost(a: Stats, b: Stats, peer: string, max: number): Verdict {
  const r = a.median / b.median;
  return { figure: `${r.toFixed(2)}x ${peer}`, target: `<= ${max}x`, met: r <= max };
}

/** Median of `a` at most `maxMs` more than the median of `b`. */
export function differenceAtMost(a: Stats, b: Stats, peer: string, maxMs: number): Verdict {
  const d = a.median - b.median;
  return { figure: `${d >= 0 ? '+' : '-'}${ms(Math.abs(d))} vs ${peer}`, target: `<= +${ms(maxMs)}`, met: d <= maxMs };
}

/** Median of `a` at most (or, `strict`, under) `maxMs`. */
export function timeAtMost(a: Stats, maxMs: number, strict = false): Verdict {
  return { figure: ms(a.median), target: `${strict ? '<' : '<='} ${ms(maxMs)}`, met: strict ? a.median < maxMs : a.median <= maxMs };
}

/** Median of `a` against `b`, with no target (for context). */
export function compared(a: Stats, b: Stats, peer: string): string {
  const d = a.median - b.median;
  return `${(a.median / b.median).toFixed(2)}x ${peer}, ${d >= 0 ? '+' : '-'}${ms(Math.abs(d))}`;
}

export function printTable(title: string, rows: readonly Row[]): void {
  console.log(`\n${title}`);
  const w = Math.max(...rows.map((r) => r.label.length));
  const cells = rows.map((r) => (r.stats ? [ms(r.stats.median), `(${ms(r.stats.min)} - ${ms(r.stats.max)})`] : ['n/a', '']));
  const w1 = Math.max(...cells.map((c) => c[0]!.length));
  const w2 = Math.max(...cells.map((c) => c[1]!.length));
  const wf = Math.max(0, ...rows.map((r) => r.verdict?.figure.length ?? 0));
  rows.forEach((r, i) => {
    const [med, spread] = cells[i]!;
    let line = `  ${r.label.padEnd(w)}  ${med!.padStart(w1)}  ${spread!.padEnd(w2)}`;
    if (r.verdict) line += `  ${r.verdict.figure.padEnd(wf)}  target ${r.verdict.target}: ${r.verdict.met ? 'met' : 'NOT MET'}`;
    if (r.note) line += `  ${r.note}`;
    console.log(line.trimEnd());
  });
}
