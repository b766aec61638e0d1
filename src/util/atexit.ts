/**
 * Paths removed when the process exits (temporary files and directories, lock files),
 * unless forgotten first. Its own small module: the lock and the head start need it
 * before the rest of util/fs.ts (and the stream and net modules it loads) is wanted.
 */
import { rmSync } from 'node:fs';

const cleanups = new Set<string>();
let hooked = false;

/** Removes a tree at exit, when only synchronous calls run; `rm -rf` takes what rmSync cannot (very deep trees). */
function removeNow(p: string): void {
  try {
    rmSync(p, { recursive: true, force: true });
  } catch {
    // Loaded here only: child_process brings the net modules with it, at every start otherwise.
    process.getBuiltinModule('node:child_process').spawnSync('rm', ['-rf', '--', p], { stdio: 'ignore' });
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
