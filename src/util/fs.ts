/**
 * Temporary paths and atomic writes. Every output is written to a temporary sibling
 * and renamed into place, so an interrupted run never leaves a half-written file;
 * temporary directories are removed when the process exits, even on Ctrl-C.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { rename, rm, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { randomBytes } from 'node:crypto';

const cleanups = new Set<string>();
let hooked = false;

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of cleanups) rmSync(p, { recursive: true, force: true });
  });
}

/** A fresh directory under the system temp dir, removed at exit. */
export function tempDir(prefix = 'goscratch-'): string {
  hookExit();
  const d = mkdtempSync(join(tmpdir(), prefix));
  cleanups.add(d);
  return d;
}

/** A temporary path next to `target` (same filesystem, so rename is atomic). */
export function siblingTemp(target: string): string {
  hookExit();
  const p = join(dirname(target), `.${basename(target)}.tmp-${randomBytes(4).toString('hex')}`);
  cleanups.add(p);
  return p;
}

/** Renames a finished temporary path into place and stops tracking it. */
export async function commitTemp(tmp: string, target: string): Promise<void> {
  await rename(tmp, target);
  cleanups.delete(tmp);
}

export async function discardTemp(tmp: string): Promise<void> {
  await rm(tmp, { recursive: true, force: true });
  cleanups.delete(tmp);
}

export async function writeFileAtomic(target: string, data: Buffer | string, mode?: number): Promise<void> {
  const tmp = siblingTemp(target);
  try {
    await writeFile(tmp, data, mode === undefined ? {} : { mode });
    await commitTemp(tmp, target);
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
}

/** Where goscratch keeps files between runs: $GOSCRATCH_CACHE, else $XDG_CACHE_HOME/goscratch, else ~/.cache/goscratch. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOSCRATCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'goscratch');
}
