/**
 * Whole processes timed against whole processes, interleaved: each round runs every
 * contender once, in the same order (A, B, C, A, B, C, ...), so a busy moment on the
 * machine lands on all of them alike. Set-up and clean-up around a run (a fresh cache,
 * a fresh registry, removing a destination) are not timed.
 */
import { start } from '../../test/helpers/exec.js';

export interface Contender {
  name: string;
  /** argv, program first; a function when it depends on what `before` prepared. */
  argv: readonly string[] | (() => readonly string[]);
  cwd?: string;
  /** Added to the current environment; a function when it depends on what `before` prepared. */
  env?: Record<string, string | undefined> | (() => Record<string, string | undefined>);
  /** Exit codes that mean success (default [0]; lint exits 1 when it finds errors). */
  okCodes?: readonly number[];
  /** Untimed, before every run, warm-up included. */
  before?: () => Promise<void> | void;
  /** Untimed, after every run, with the run's standard output (to check what it did). */
  after?: (stdout: string) => Promise<void> | void;
}

export interface Stats {
  n: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
}

/** GOSCRATCH_BENCH_RUNS (1-1000) when set, else the suite's own default. */
export function runCount(fallback: number): number {
  const v = process.env.GOSCRATCH_BENCH_RUNS;
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new Error(`GOSCRATCH_BENCH_RUNS=${v}: give a whole number from 1 to 1000`);
  return n;
}

/** The q-quantile of sorted values, interpolated between neighbours. */
function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function stats(xs: readonly number[]): Stats {
  if (xs.length === 0) throw new Error('no samples');
  const s = [...xs].sort((a, b) => a - b);
  return { n: s.length, median: quantile(s, 0.5), min: s[0]!, max: s[s.length - 1]!, q1: quantile(s, 0.25), q3: quantile(s, 0.75) };
}

/** Runs one contender once; milliseconds from spawn to exit with its output read. */
export async function timeOnce(c: Contender): Promise<number> {
  await c.before?.();
  const argv = typeof c.argv === 'function' ? c.argv() : c.argv;
  const [cmd, ...args] = argv;
  const env = typeof c.env === 'function' ? c.env() : c.env;
  const t = performance.now();
  const r = await start(cmd!, args, { ...(c.cwd ? { cwd: c.cwd } : {}), ...(env ? { env } : {}), timeoutMs: 10 * 60_000 }).done;
  const elapsed = performance.now() - t;
  if (r.code === null || !(c.okCodes ?? [0]).includes(r.code)) {
    throw new Error(`${c.name}: \`${argv.join(' ')}\` exited ${r.code ?? r.signal}\n${r.stderr.slice(-2000)}`);
  }
  await c.after?.(r.stdout);
  return elapsed;
}

/**
 * `warmup` untimed rounds, then `runs` timed rounds of every contender in turn;
 * the statistics per contender name.
 */
export async function interleave(contenders: readonly Contender[], runs: number, warmup = 1): Promise<Map<string, Stats>> {
  const samples = new Map<string, number[]>(contenders.map((c) => [c.name, []]));
  for (let round = 0; round < warmup + runs; round++) {
    for (const c of contenders) {
      const ms = await timeOnce(c);
      if (round >= warmup) samples.get(c.name)!.push(ms);
    }
  }
  return new Map([...samples].map(([name, xs]) => [name, stats(xs)]));
}

/** Milliseconds of `fn` in this process, `runs` times after one warm-up (for the in-process rows). */
export async function timeInProcess(runs: number, fn: () => unknown): Promise<Stats> {
  await fn();
  const xs: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await fn();
    xs.push(performance.now() - t);
  }
  return stats(xs);
}
