import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../../src/util/fs.js';
import { InputError } from '../../src/util/errors.js';

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
