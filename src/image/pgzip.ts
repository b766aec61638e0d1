/**
 * Parallel gzip, the way pigz does it: the input is cut into fixed-size blocks, each
 * compressed as raw deflate on libuv's thread pool with the previous 32 KiB as its
 * dictionary and ended with a sync flush, then joined into ONE gzip member with our
 * own header and CRC. The output is a standard single-member gzip stream, and since
 * block size, level and header are fixed it is the same bytes on every run.
 */
import { availableParallelism } from 'node:os';
import { Transform } from 'node:stream';
import { constants as zc, deflateRaw } from 'node:zlib';
import { promisify } from 'node:util';

const deflateRawAsync = promisify(deflateRaw) as (buf: Buffer, opts: object) => Promise<Buffer>;

export const BLOCK_SIZE = 512 * 1024;
const DICT_SIZE = 32 * 1024;

// gzip header: magic, CM=deflate, no flags, MTIME=0, XFL=0, OS=255 (unknown), so
// nothing about the build machine is recorded.
const HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]);

const CRC_TABLE = (() => {
  const t = new Int32Array(256 * 8);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c;
  }
  for (let n = 0; n < 256; n++) {
    for (let k = 1; k < 8; k++) t[k * 256 + n] = (t[(k - 1) * 256 + n]! >>> 8) ^ t[t[(k - 1) * 256 + n]! & 0xff]!;
  }
  return t;
})();

/** CRC-32 (IEEE), slicing-by-8. */
export function crc32(buf: Uint8Array, crc = 0): number {
  const t = CRC_TABLE;
  let c = ~crc;
  let i = 0;
  const end8 = buf.length - (buf.length % 8);
  for (; i < end8; i += 8) {
    const a = (c ^ (buf[i]! | (buf[i + 1]! << 8) | (buf[i + 2]! << 16) | (buf[i + 3]! << 24))) >>> 0;
    c =
      t[7 * 256 + (a & 0xff)]! ^ t[6 * 256 + ((a >>> 8) & 0xff)]! ^ t[5 * 256 + ((a >>> 16) & 0xff)]! ^ t[4 * 256 + (a >>> 24)]! ^
      t[3 * 256 + buf[i + 4]!]! ^ t[2 * 256 + buf[i + 5]!]! ^ t[256 + buf[i + 6]!]! ^ t[buf[i + 7]!]!;
  }
  for (; i < buf.length; i++) c = t[(c ^ buf[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
}

/** One block as raw deflate, with the 32 KiB before it as dictionary; the last block ends the stream. */
function deflateBlock(block: Buffer, dictionary: Buffer | undefined, last: boolean, level: number): Promise<Buffer> {
  const opts: Record<string, unknown> = { level, finishFlush: last ? zc.Z_FINISH : zc.Z_SYNC_FLUSH };
  if (dictionary) opts.dictionary = dictionary;
  return deflateRawAsync(block, opts);
}

function trailer(crc: number, length: number): Buffer {
  const t = Buffer.alloc(8);
  t.writeUInt32LE(crc, 0);
  t.writeUInt32LE(length >>> 0, 4);
  return t;
}

export async function gzipParallel(input: Buffer, level: number = zc.Z_BEST_SPEED): Promise<Buffer> {
  const blocks: Array<Promise<Buffer>> = [];
  for (let off = 0; off < input.length || off === 0; off += BLOCK_SIZE) {
    const block = input.subarray(off, Math.min(off + BLOCK_SIZE, input.length));
    const dictionary = off > 0 ? input.subarray(Math.max(0, off - DICT_SIZE), off) : undefined;
    blocks.push(deflateBlock(block, dictionary, off + BLOCK_SIZE >= input.length, level));
    if (input.length === 0) break;
  }
  return Buffer.concat([HEADER, ...(await Promise.all(blocks)), trailer(crc32(input), input.length)]);
}

/**
 * The same gzip as a stream, for input too large to hold (a layer on push): the very
 * bytes gzipParallel gives for the whole input, with at most a few blocks in flight.
 */
export function gzipStream(level: number = zc.Z_BEST_SPEED): Transform {
  const inFlight = Math.max(2, availableParallelism());
  let parts: Buffer[] = [];
  let buffered = 0;
  let dictionary: Buffer | undefined;
  let crc = 0;
  let length = 0;
  const queue: Array<Promise<Buffer>> = [];
  const out = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      crc = crc32(chunk, crc);
      length += chunk.length;
      parts.push(chunk);
      buffered += chunk.length;
      // A full block is cut only once more input follows it: the last block must end the stream.
      if (buffered <= BLOCK_SIZE) return cb();
      let all = Buffer.concat(parts);
      (async () => {
        while (all.length > BLOCK_SIZE) {
          const block = all.subarray(0, BLOCK_SIZE);
          all = all.subarray(BLOCK_SIZE);
          enqueue(deflateBlock(block, dictionary, false, level));
          dictionary = block.subarray(BLOCK_SIZE - DICT_SIZE);
          while (queue.length >= inFlight) out.push(await queue.shift());
        }
        parts = [all];
        buffered = all.length;
      })().then(() => cb(), cb);
    },
    flush(cb) {
      (async () => {
        enqueue(deflateBlock(Buffer.concat(parts), dictionary, true, level));
        for (const block of queue.splice(0)) out.push(await block);
        out.push(trailer(crc, length));
      })().then(() => cb(), cb);
    },
  });
  const enqueue = (p: Promise<Buffer>): void => {
    p.catch(() => undefined); // awaited in order later; a failure surfaces there
    queue.push(p);
  };
  out.push(HEADER);
  return out;
}
