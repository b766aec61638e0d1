/**
 * Reading a project's files as untrusted input: regular files only (a FIFO or device
 * named go.mod must not hang or flood init), and no more bytes than such a file needs.
 */
import { lstat, stat } from 'node:fs/promises';
import { openRegular, readBounded } from '../util/fs.js';

/** What is at a path without following a final symlink: 'absent', 'file', or another kind. */
export async function pathKind(path: string): Promise<'absent' | 'file' | 'symlink' | 'other'> {
  try {
    const st = await lstat(path);
    return st.isFile() ? 'file' : st.isSymbolicLink() ? 'symlink' : 'other';
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw e;
  }
}

/** Whether a regular file is at `path`, symlinks followed. */
export async function isFile(path: string): Promise<boolean> {
  return stat(path).then((st) => st.isFile(), () => false);
}

/**
 * The text of a regular file of at most `max` bytes (symlinks followed, as the go
 * command does); undefined when nothing is there. With `head`, only the first `max`
 * bytes are read, whatever the file's size.
 */
export async function readSmallFile(path: string, max: number, opts: { head?: boolean } = {}): Promise<string | undefined> {
  if (!opts.head) return (await readBounded(path, max, path, { optional: true }))?.toString('utf8');
  let opened;
  try {
    opened = await openRegular(path, path);
  } catch (e) {
    if ((e as { cause?: NodeJS.ErrnoException }).cause?.code === 'ENOENT') return undefined;
    throw e;
  }
  try {
    const buf = Buffer.alloc(Math.min(opened.size, max));
    const { bytesRead } = await opened.fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await opened.fh.close();
  }
}
