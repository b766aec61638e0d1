/**
 * Advisory locks between goscratch processes (and between tasks of one process): a
 * lock file created with O_EXCL that records its holder (pid, host, process start
 * time). A holder that has died (kill -9, a crash) is detected and its lock taken
 * over, so an interrupted run never blocks the next one; a live holder is waited for.
 */
import { hostname } from 'node:os';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { GoscratchError } from './errors.js';
import { forget, removeAtExit } from './atexit.js';
import { fsError } from './fserror.js';

export interface Lock {
  release(): Promise<void>;
}

export interface LockOptions {
  /** What the lock protects, for messages (`the OCI layout out/`). */
  what: string;
  /** Give up after this long (default 10 minutes). */
  timeoutMs?: number;
  /** Fail at once instead of waiting when a live process holds the lock. */
  tryOnly?: boolean;
}

/** Start time of a process in clock ticks since boot (Linux), to tell a reused pid from the holder. */
function startTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

const ME = `${process.pid} ${hostname()} ${startTime(process.pid) ?? '-'}`;

/** True when the holder line names a process on this host that no longer runs. */
function holderGone(holder: string): boolean {
  const [pid, host, started] = holder.trim().split(' ');
  if (!pid || host !== hostname() || !/^\d+$/.test(pid)) return false;
  try {
    process.kill(Number(pid), 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
  const now = startTime(Number(pid));
  return started !== '-' && now !== undefined && now !== started;
}

/** Moves a dead holder's lock aside; only the process that moved it removes it. */
async function breakStale(path: string, holder: string): Promise<void> {
  const { randomBytes } = await import('node:crypto'); // only here: crypto is not loaded to take a lock
  const aside = `${path}.stale-${randomBytes(4).toString('hex')}`;
  if (!(await rename(path, aside).then(() => true, () => false))) return;
  const moved = await readFile(aside, 'utf8').catch(() => '');
  // Another process broke it and took it in between: put the live lock back.
  if (moved !== holder) await link(aside, path).catch(() => undefined);
  await unlink(aside).catch(() => undefined);
}

export async function acquireLock(path: string, o: LockOptions): Promise<Lock> {
  const deadline = Date.now() + (o.timeoutMs ?? 10 * 60_000);
  let wait = 5;
  for (;;) {
    try {
      const fh = await open(path, 'wx', 0o644);
      removeAtExit(path);
      await fh.writeFile(ME + '\n').finally(() => fh.close());
      return {
        release: async () => {
          forget(path);
          await unlink(path).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw fsError(e, path, 'create the lock file');
    }
    const holder = await readFile(path, 'utf8').catch(() => undefined);
    if (holder === undefined) continue; // released in between
    // A holder line is written right after the file is made; a file without one that
    // is 30 s old was left by a process killed in between.
    const unfinished = !holder.endsWith('\n') && (await stat(path).then((s) => Date.now() - s.mtimeMs > 30_000, () => false));
    if (unfinished || (holder.endsWith('\n') && holderGone(holder))) {
      await breakStale(path, holder);
      continue;
    }
    if (o.tryOnly) throw new GoscratchError(`${o.what} is in use by another goscratch process (${holder.trim() || 'starting'})`, { input: path });
    if (Date.now() > deadline) {
      throw new GoscratchError(`timed out waiting for ${o.what}: another goscratch process (${holder.trim() || 'unknown'}) holds ${path}`, {
        input: path,
        hint: `if no goscratch process is running, remove ${path}`,
      });
    }
    await sleep(wait);
    wait = Math.min(wait * 2, 200);
  }
}

export async function withLock<T>(path: string, o: LockOptions, fn: () => Promise<T>): Promise<T> {
  const lock = await acquireLock(path, o);
  try {
    return await fn();
  } finally {
    await lock.release();
  }
}
