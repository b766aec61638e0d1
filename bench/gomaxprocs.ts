/**
 * What GOMAXPROCS tuning buys under a CPU quota. examples/hello is built twice with
 * goscratch (by default, and with `--cpus 0.5`, which bakes GOMAXPROCS=1), each run
 * under runc with a 0.5-CPU CFS quota on this machine, and loaded with
 * `wrk -t1 -c4 -d10s --latency` against its CPU-bound `/work?ms=N` handler on
 * 127.0.0.1. Reported per variant (median over ROUNDS alternating rounds): the
 * cgroup's nr_throttled and throttled_time during the load, p50/p99 latency and
 * requests/s; then tuned/default ratios.
 *
 *   npm run bench -- gomaxprocs     (ROUNDS, else GOSCRATCH_BENCH_RUNS, else 3; WORK_MS=10 DURATION=10s by default)
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { freePort, waitForHttp } from '../test/helpers/http.js';
import { runImage } from '../test/helpers/runc.js';
import { missingTools } from '../test/helpers/tools.js';
import { runCount, stats } from './lib/timing.js';

const ROUNDS = process.env.ROUNDS ? Number(process.env.ROUNDS) : runCount(3);
const WORK_MS = Number(process.env.WORK_MS ?? 10);
const DURATION = process.env.DURATION ?? '10s';
const QUOTA = { quota: 50_000, period: 100_000 };
const root = new URL('..', import.meta.url).pathname;

interface Sample {
  gomaxprocs: number;
  nrThrottled: number;
  throttledSec: number;
  p50: number;
  p99: number;
  rps: number;
}

/** wrk's latency figures ("12.34ms", "850.00us", "1.02s") in milliseconds. */
function wrkMs(v: string): number {
  const m = /^([\d.]+)(us|ms|s)$/.exec(v);
  if (!m) throw new Error(`unreadable wrk latency ${JSON.stringify(v)}`);
  return Number(m[1]) * { us: 1e-3, ms: 1, s: 1e3 }[m[2] as 'us' | 'ms' | 's'];
}

function parseWrk(out: string): { p50: number; p99: number; rps: number } {
  const pct = (p: string): number => {
    const m = new RegExp(`^\\s*${p}%\\s+(\\S+)`, 'm').exec(out);
    if (!m) throw new Error(`wrk printed no ${p}% latency:\n${out}`);
    return wrkMs(m[1]!);
  };
  const rps = /^Requests\/sec:\s+([\d.]+)/m.exec(out);
  return { p50: pct('50'), p99: pct('99'), rps: Number(rps?.[1] ?? NaN) };
}

function build(layout: string, tag: string, extra: string[]): void {
  execFileSync(process.execPath, ['--import', 'tsx', join(root, 'src/cli.ts'), 'build', join(root, 'examples/hello'), '--oci-layout', layout, '--tag', tag, '-q', ...extra], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

async function measure(layout: string, tag: string): Promise<Sample> {
  const port = await freePort();
  const c = await runImage(layout, tag, { env: [`ADDR=127.0.0.1:${port}`], cpu: QUOTA });
  try {
    await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited });
    await sleep(500);
    const before = await c.cpuStat();
    const out = execFileSync('wrk', ['-t1', '-c4', `-d${DURATION}`, '--latency', `http://127.0.0.1:${port}/work?ms=${WORK_MS}`], { encoding: 'utf8' });
    const after = await c.cpuStat();
    const gomaxprocs = Number(/GOMAXPROCS=(\d+)/.exec(await c.stdout())?.[1] ?? NaN);
    return {
      gomaxprocs,
      nrThrottled: (after.nr_throttled ?? 0) - (before.nr_throttled ?? 0),
      // throttled_time is in nanoseconds.
      throttledSec: ((after.throttled_time ?? 0) - (before.throttled_time ?? 0)) / 1e9,
      ...parseWrk(out),
    };
  } finally {
    await c.stop();
  }
}

async function main(): Promise<void> {
  const missing = missingTools(['runc', 'umoci', 'wrk', 'go']);
  if (missing) {
    console.log(`skipped: ${missing}`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'gs-bench-gomaxprocs-'));
  try {
    const plain = join(work, 'default');
    const tuned = join(work, 'tuned');
    build(plain, 'hello:default', []);
    build(tuned, 'hello:tuned', ['--cpus', '0.5']);
    const runs: Record<'default' | 'tuned', Sample[]> = { default: [], tuned: [] };
    for (let i = 0; i < ROUNDS; i++) {
      runs.default.push(await measure(plain, 'default'));
      runs.tuned.push(await measure(tuned, 'tuned'));
    }
    const med = (v: 'default' | 'tuned', k: keyof Sample): number => stats(runs[v].map((s) => s[k])).median;
    const row = (label: string, k: keyof Sample, fmt: (x: number) => string): [string, string, string] => [
      label,
      fmt(med('default', k)),
      `${fmt(med('tuned', k))}   ratio ${(med('tuned', k) / med('default', k)).toFixed(2)}`,
    ];
    const rows: Array<[string, string, string]> = [
      ['', 'default', 'tuned (--cpus 0.5)'],
      row('GOMAXPROCS', 'gomaxprocs', (x) => String(x)),
      row('nr_throttled', 'nrThrottled', (x) => x.toFixed(0)),
      row('throttled_time', 'throttledSec', (x) => `${x.toFixed(2)} s`),
      row('p50 latency', 'p50', (x) => `${x.toFixed(1)} ms`),
      row('p99 latency', 'p99', (x) => `${x.toFixed(1)} ms`),
      row('requests/s', 'rps', (x) => x.toFixed(1)),
    ];
    console.log(`\nexamples/hello under a 0.5-CPU quota, wrk -t1 -c4 -d${DURATION} /work?ms=${WORK_MS}, median of ${ROUNDS} rounds: default vs --cpus 0.5`);
    for (const [a, b, c] of rows) console.log(`  ${a.padEnd(16)}  ${b.padStart(10)}  ${c}`);
    const cut = 1 - med('tuned', 'throttledSec') / med('default', 'throttledSec');
    console.log(`\n  throttled time ${(cut * 100).toFixed(0)}% lower with the tuning (target: at least 40%); p99 ${med('tuned', 'p99') < med('default', 'p99') ? 'lower' : 'NOT lower'} with the tuning`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
