/**
 * Temporary directories for runtimes. Daemons (dockerd, podman) mount things under
 * their state directories (netns files, shm), so removal unmounts those first.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exec } from './exec.js';

export function makeTempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `goscratch-test-${prefix}-`));
}

/** Mount points at or below `dir`, deepest first. */
async function mountsUnder(dir: string): Promise<string[]> {
  const info = await readFile('/proc/self/mountinfo', 'utf8');
  // Field 5 is the mount point, with spaces and other specials escaped as \ooo.
  const points = info
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => Boolean(p))
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))));
  return [...new Set(points.filter((p) => p === dir || p.startsWith(dir + '/')))].sort((a, b) => b.length - a.length);
}

/** Unmounts everything below `dir` (lazily if busy) and removes it. */
export async function removeTree(dir: string): Promise<void> {
  for (const m of await mountsUnder(dir)) {
    const r = await exec('umount', [m]);
    if (r.code !== 0) await exec('umount', ['-l', m]);
  }
  await rm(dir, { recursive: true, force: true, maxRetries: 3 });
}
