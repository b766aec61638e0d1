/**
 * Memory, disk and time of a child process, measured from the outside while it runs:
 * peak RSS from /proc/PID/status (VmHWM), peak bytes under a directory, wall time.
 * A child past a limit is killed at once (so a test of an unbounded read cannot take
 * the machine down) and the measurement says which limit it crossed.
 */
import { readFileSync } from 'node:fs';
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { ExecResult, Running } from './exec.js';

export interface Limits {
  /** Kill the child when its resident memory exceeds this many bytes. */
  rssBytes: number;
  /** Kill the child when the files under `dir` exceed this many bytes. */
  diskBytes?: number;
  dir?: string;
  /** Kill the child after this long. */
  ms: number;
}

export interface Measured {
  result: ExecResult;
  peakRssBytes: number;
  peakDiskBytes: number;
  ms: number;
  /** The limit the child crossed (and was killed for), if any. */
  exceeded?: 'rss' | 'disk' | 'time';
}

function peakRss(pid: number): number {
  try {
    const kb = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

async function bytesUnder(dir: string): Promise<number> {
  let total = 0;
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const p = join(dir, e.name);
    if (e.isDirectory()) total += await bytesUnder(p);
    else total += await lstat(p).then((s) => s.size, () => 0);
  }
  return total;
}

/** Samples the child every 25 ms until it exits. */
export async function measure(run: Running, limits: Limits): Promise<Measured> {
  const pid = run.child.pid!;
  const started = Date.now();
  let peakRssBytes = 0;
  let peakDiskBytes = 0;
  let exceeded: Measured['exceeded'];
  let exited = false;
  const done = run.done.finally(() => (exited = true));
  const kill = (why: NonNullable<Measured['exceeded']>): void => {
    exceeded ??= why;
    run.child.kill('SIGKILL');
  };
  while (!exited) {
    peakRssBytes = Math.max(peakRssBytes, peakRss(pid));
    if (limits.dir) peakDiskBytes = Math.max(peakDiskBytes, await bytesUnder(limits.dir));
    if (peakRssBytes > limits.rssBytes) kill('rss');
    if (limits.diskBytes !== undefined && peakDiskBytes > limits.diskBytes) kill('disk');
    if (Date.now() - started > limits.ms) kill('time');
    await Promise.race([done, new Promise((r) => setTimeout(r, 25))]);
  }
  const result = await done;
  return { result, peakRssBytes, peakDiskBytes, ms: Date.now() - started, ...(exceeded ? { exceeded } : {}) };
}
