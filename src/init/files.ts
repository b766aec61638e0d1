/**
 * Reading a project's files as untrusted input: regular files only (a FIFO or device
 * named go.mod must not hang or flood init), and no more bytes than such a file needs.
 */
import { constants } from 'node:fs';
import { lstat, open, stat } from 'node:fs/promises';
import { InputError } from '../util/errors.js';

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
 * command does); undefined when nothing is there. With `head`, a longer file gives its
 * first `max` bytes instead of an error.
 */
export async function readSmallFile(path: string, max: number, opts: { head?: boolean } = {}): Promise<string | undefined> {
  let fh;
  try {
    // O_NONBLOCK: opening a FIFO for reading would otherwise wait for a writer.
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw new InputError(`cannot read ${path}: ${(e as Error).message}`, { input: path });
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError(`${path} is not a regular file: init reads only regular files`, { input: path });
    if (st.size > max && !opts.head) throw new InputError(`${path} is ${st.size} bytes, more than the ${max} init reads`, { input: path });
    const buf = Buffer.alloc(Math.min(st.size, max));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return buf.subarray(0, bytesRead).toString('utf8');
  } finally {
    await fh.close();
  }
}
