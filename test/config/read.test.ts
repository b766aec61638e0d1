import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { readBoundedStream } from '../../src/config/read.js';
import { UsageError } from '../../src/util/errors.js';

test('a stream (standard input) is read up to its bound and no further', async () => {
  const chunks = function* (n: number) {
    for (let i = 0; i < n; i++) yield Buffer.alloc(1024, 'a');
  };
  assert.equal((await readBoundedStream(Readable.from(chunks(4)), 4096, 'standard input')).length, 4096);
  let pulled = 0;
  const endless = Readable.from((function* () {
    for (;;) {
      pulled++;
      yield Buffer.alloc(1024, 'a');
    }
  })());
  await assert.rejects(readBoundedStream(endless, 4096, 'standard input'), (e: unknown) => e instanceof UsageError && /standard input is larger than/.test(e.message));
  assert.ok(pulled < 64, `stopped after ${pulled} chunks`);
});
