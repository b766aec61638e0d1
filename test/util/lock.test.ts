import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { start, type Running } from '../helpers/exec.js';
import { acquireLock, withLock } from '../../src/util/lock.js';
import { GoscratchError } from '../../src/util/errors.js';

const HOLDER = fileURLToPath(new URL('./fixtures/hold-lock.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gs-lock-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** Starts a process that takes the lock, resolved once it holds it. */
async function holder(path: string, ms?: number): Promise<Running> {
  const run = start(process.execPath, ['--import', TSX, HOLDER, path, ...(ms ? [String(ms)] : [])], { timeoutMs: 120_000 });
  for (let i = 0; i < 600 && !run.stdout().includes('locked'); i++) await sleep(100);
  assert.ok(run.stdout().includes('locked'), `holder took the lock: ${run.stderr()}`);
  return run;
}

test('tasks of one process take the lock in turn', async () => {
  const path = join(tmp(), 'x.lock');
  let inside = 0;
  let most = 0;
  await Promise.all(Array.from({ length: 20 }, () => withLock(path, { what: 'x' }, async () => {
    most = Math.max(most, ++inside);
    await sleep(2);
    inside--;
  })));
  assert.equal(most, 1);
  assert.ok(!existsSync(path), 'released');
});

test('a live holder is waited for (or refused with tryOnly); a holder killed with SIGKILL is taken over', async (t) => {
  const path = join(tmp(), 'y.lock');
  const live = await holder(path, 3000);
  t.after(() => live.child.kill('SIGKILL'));
  await assert.rejects(acquireLock(path, { what: 'the test lock', tryOnly: true }), (e: unknown) => e instanceof GoscratchError && /in use/.test(e.message));
  const waited = Date.now();
  await (await acquireLock(path, { what: 'the test lock' })).release();
  assert.ok(Date.now() - waited >= 500, 'waited for the holder to release');
  await live.done;

  const dead = await holder(path);
  dead.child.kill('SIGKILL');
  await dead.done;
  assert.ok(existsSync(path), 'the killed holder left its lock file');
  const took = Date.now();
  await (await acquireLock(path, { what: 'the test lock' })).release();
  assert.ok(Date.now() - took < 10_000, 'taken over within 10 s');
});
