/**
 * Parallel gzip, the way pigz does it: the input is cut into fixed-size blocks, each
 * compressed as raw deflate on libuv's thread pool with the previous 32 KiB as its
 * dictionary and ended with a sync flush, then joined into ONE gzip member with our
 * own header and CRC. The output is a standard single-member gzip stream, and since
 * block size, level and header are fixed it is the same bytes on every run.
 */
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

export async function gzipParallel(input: Buffer, level: number = zc.Z_BEST_SPEED): Promise<Buffer> {
  const blocks: Array<Promise<Buffer>> = [];
  for (let off = 0; off < input.length || off === 0; off += BLOCK_SIZE) {
    const block = input.subarray(off, Math.min(off + BLOCK_SIZE, input.length));
    const last = off + BLOCK_SIZE >= input.length;
    const opts: Record<string, unknown> = { level, finishFlush: last ? zc.Z_FINISH : zc.Z_SYNC_FLUSH };
    if (off > 0) opts.dictionary = input.subarray(Math.max(0, off - DICT_SIZE), off);
    blocks.push(deflateRawAsync(block, opts));
    if (input.length === 0) break;
  }
  const crc = crc32(input);
  const trailer = Buffer.alloc(8);
  trailer.writeUInt32LE(crc, 0);
  trailer.writeUInt32LE(input.length >>> 0, 4);
  return Buffer.concat([HEADER, ...(await Promise.all(blocks)), trailer]);
}
