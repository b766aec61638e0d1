/**
 * Reading what a user hands goscratch on standard input (manifests), at most a bounded
 * number of bytes. Files a user names are read with util/fs.ts readBounded.
 */
import { UsageError } from '../util/errors.js';

export const MiB = 1024 * 1024;

/** A stream such as standard input, at most `limit` bytes. */
export async function readBoundedStream(stream: AsyncIterable<Buffer | string>, limit: number, what: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const c of stream) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    total += b.length;
    if (total > limit) throw new UsageError(`${what} is larger than ${limit / MiB} MiB, the most goscratch reads from it`);
    chunks.push(b);
  }
  return Buffer.concat(chunks, total);
}
