import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../../src/util/fs.js';
import { InputError } from '../../src/util/errors.js';
import { inOrderAhead } from '../../src/util/pool.js';

test('readBounded: a file up to its bound whole, one byte over refused, a /proc file (size 0) read to its end', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'goscratch-fs-'));
  try {
    const f = join(dir, 'f');
    for (const n of [1, 4095, 4096, 200_000]) {
      writeFileSync(f, Buffer.alloc(n, 'x'));
      assert.equal((await readBounded(f, 200_000, 'f')).length, n);
    }
    writeFileSync(f, Buffer.alloc(200_001, 'x'));
    await assert.rejects(readBounded(f, 200_000, 'f'), (e: unknown) => e instanceof InputError && /larger than/.test(e.message));
    await assert.rejects(readBounded('/proc/self/maps', 10, 'maps'), /larger than/);
    const maps = (await readBounded('/proc/self/maps', 1 << 24, 'maps')).toString('utf8');
    assert.match(maps, /\n$/);
    assert.ok(maps.length > 4096, `read ${maps.length} bytes of /proc/self/maps`);
    assert.equal(readFileSync(f).length, 200_001);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('inOrderAhead: results in order with at most `ahead` started, a failure at its turn', async () => {
  let running = 0;
  let most = 0;
  const slow = async (n: number): Promise<number> => {
    running++;
    most = Math.max(most, running);
    await new Promise((r) => setTimeout(r, (10 - n) * 2));
    running--;
    if (n === 7) throw new Error('seven');
    return n * 10;
  };
  const seen: number[] = [];
  await assert.rejects(async () => {
    for await (const r of inOrderAhead([0, 1, 2, 3, 4, 5, 6, 7, 8, 9], 3, slow)) seen.push(r);
  }, /seven/);
  assert.deepEqual(seen, [0, 10, 20, 30, 40, 50, 60]);
  assert.ok(most <= 3, `${most} at once`);
});
