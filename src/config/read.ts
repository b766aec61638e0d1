/**
 * Reading a local file a user named (goscratch.yaml, a CA bundle, a manifest): only a
 * regular file, and at most a bounded number of bytes, so a path that leads to
 * /dev/zero, a FIFO or a huge file fails at once instead of filling memory or hanging.
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { UsageError } from '../util/errors.js';

export const MiB = 1024 * 1024;
const CHUNK = 64 * 1024;

function kindOf(st: Awaited<ReturnType<FileHandle['stat']>>): string {
  if (st.isDirectory()) return 'a directory';
  if (st.isFIFO()) return 'a FIFO';
  if (st.isCharacterDevice() || st.isBlockDevice()) return 'a device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * The bytes of `path` (`what` names it in errors: "CA bundle"). A missing file is
 * undefined when `optional`, else an error like any other that stops the read.
 */
export async function readLocalFile(path: string, limit: number, what: string): Promise<Buffer>;
export async function readLocalFile(path: string, limit: number, what: string, opts: { optional: boolean }): Promise<Buffer | undefined>;
export async function readLocalFile(path: string, limit: number, what: string, opts: { optional?: boolean } = {}): Promise<Buffer | undefined> {
  let fh: FileHandle;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer that never comes.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (opts.optional && err.code === 'ENOENT') return undefined;
    throw new UsageError(`cannot read ${what} ${path}: ${err.code === 'ENOENT' ? 'no such file' : err.message}`, { input: path, cause: e });
  }
  const tooBig = (): UsageError =>
    new UsageError(`${what} ${path} is larger than ${limit / MiB} MiB, more than any ${what} needs: check the path`, { input: path });
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new UsageError(`${what} ${path} is ${kindOf(st)}: give a regular file`, { input: path });
    if (st.size > limit) throw tooBig();
    // Read to the end rather than trusting the size: /proc files say 0, and a file may grow.
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const buf = Buffer.allocUnsafe(CHUNK);
      const { bytesRead } = await fh.read(buf, 0, CHUNK, null);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > limit) throw tooBig();
      chunks.push(buf.subarray(0, bytesRead));
    }
    return Buffer.concat(chunks, total);
  } finally {
    await fh.close();
  }
}

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
