import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import fc from 'fast-check';
import { analyzeSource } from '../../src/binary/analyze.js';
import { bufferSource } from '../../src/binary/bytes.js';
import { requireTool } from '../helpers/tools.js';
import { HELLO, buildGo, goMod } from './gobuild.js';

/** The only failure analyzeSource may report: a clear "not a valid ELF file" error. */
function expectCleanResult(bytes: Buffer): void {
  try {
    const a = analyzeSource(bufferSource(bytes));
    assert.ok(['go', 'go-without-buildinfo', 'invalid-buildinfo', 'not-go'].includes(a.goStatus));
  } catch (e) {
    assert.ok(e instanceof Error && /^not a valid ELF file: /.test(e.message), `unexpected ${String(e)}`);
  }
}

test('property: mutated Go binaries give a result or a clear error, never a crash', async (t) => {
  if (!requireTool(t, 'go')) return;
  const original = await readFile(await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] }));
  // Offsets that matter: the ELF header, program headers, and the build info blob.
  const info = original.indexOf(Buffer.from('\xff Go buildinf:', 'latin1'));
  const hot = fc.oneof(fc.integer({ min: 0, max: 511 }), fc.integer({ min: info, max: info + 255 }), fc.integer({ min: 0, max: original.length - 1 }));
  fc.assert(fc.property(fc.array(fc.tuple(hot, fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }), (flips) => {
    const bytes = Buffer.from(original);
    for (const [at, v] of flips) bytes[at] = v;
    expectCleanResult(bytes);
  }), { numRuns: 300 });
  fc.assert(fc.property(fc.integer({ min: 0, max: original.length }), (n) => expectCleanResult(original.subarray(0, n))), { numRuns: 100 });
});

test('hand-made hostile ELF headers', () => {
  const h = Buffer.alloc(64);
  h.write('\x7fELF', 0, 'latin1');
  h[4] = 2;
  h[5] = 1;
  // A program header table far past the end.
  h.writeBigUInt64LE(0xffffffffn, 32);
  h.writeUInt16LE(56, 54);
  h.writeUInt16LE(3, 56);
  assert.throws(() => analyzeSource(bufferSource(h)), /program header table .* lies past the end of the file/);
  // An absurd 64-bit offset.
  h.writeBigUInt64LE(0xffffffffffffffffn, 32);
  assert.throws(() => analyzeSource(bufferSource(h)), /out of range/);
  // A zero-entry table with a tiny entry size is fine: nothing to read.
  h.writeBigUInt64LE(0n, 32);
  h.writeUInt16LE(0, 56);
  assert.equal(analyzeSource(bufferSource(h)).goStatus, 'not-go');
});
