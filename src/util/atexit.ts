/**
 * Paths removed when the process exits (temporary files and directories, lock files),
 * unless forgotten first. Its own small module: the lock and the head start need it
 * before the rest of util/fs.ts (and the stream and net modules it loads) is wanted.
 */
import { rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

const cleanups = new Set<string>();
let hooked = false;

/** Removes a tree at exit, when only synchronous calls run; `rm -rf` takes what rmSync cannot (very deep trees). */
function removeNow(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    spawnSync('rm', ['-rf', '--', p], { stdio: 'ignore' });
  }
}

function hookExit(): void {
  if (hooked) return;
  hooked = true;
  process.on('exit', () => {
    for (const p of cleanups) removeNow(p);
  });
}

/** Removes `p` at exit unless `forget` is called first (lock files, temporary paths). */
export function removeAtExit(p: string): void {
  hookExit();
  cleanups.add(p);
}

export function forget(p: string): void {
  cleanups.delete(p);
}
