import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { setImmediate as tick } from 'node:timers/promises';
import { chunksOf } from '../../src/util/chunks.js';

/** A byte stream that holds `parts` before anyone reads it, as a socket's answer does. */
function holding(parts: string[], end = true): Readable {
  const r = new Readable({ read() {} });
  for (const p of parts) r.push(Buffer.from(p));
  if (end) r.push(null);
  return r;
}

test('hands on each chunk as it came, where the stream would join what it holds', async () => {
  const parts = ['alpha', 'beta', 'gamma'];
  const joined: string[] = [];
  for await (const c of holding(parts)) joined.push(String(c));
  assert.deepEqual(joined, ['alphabetagamma'], "a byte stream's own iterator joins them");
  const seen: string[] = [];
  for await (const c of chunksOf(holding(parts))) seen.push(String(c));
  assert.deepEqual(seen, parts);
});

test("passes on the stream's error after the chunks before it", async () => {
  const r = holding(['one'], false);
  const seen: string[] = [];
  await assert.rejects(async () => {
    for await (const c of chunksOf(r)) {
      seen.push(String(c));
      r.destroy(new Error('connection reset'));
    }
  }, /connection reset/);
  assert.deepEqual(seen, ['one']);
});

test('a stream closed before its end is an error, not a clean end', async () => {
  const r = holding(['one'], false);
  await assert.rejects(async () => {
    for await (const c of chunksOf(r)) if (c.length) r.destroy();
  }, { code: 'ERR_STREAM_PREMATURE_CLOSE' });
});

test('a consumer that stops early destroys the stream', async () => {
  const r = holding(['one', 'two', 'three'], false);
  for await (const c of chunksOf(r)) if (c.length) break;
  assert.equal(r.destroyed, true);
});

test('pauses the stream while `limit` chunks wait, and resumes it as they are taken', async () => {
  const r = holding(Array.from({ length: 20 }, (_, i) => `chunk ${i}`), false);
  const it = chunksOf(r, 4);
  await it.next();
  await tick();
  assert.equal(r.isPaused(), true);
  assert.ok(r.readableLength > 0, 'the rest waits in the stream');
  const rest: string[] = [];
  r.push(null);
  for (let n = await it.next(); !n.done; n = await it.next()) rest.push(String(n.value));
  assert.equal(rest.length, 19);
  assert.equal(rest.at(-1), 'chunk 19');
});
