/**
 * Unpacking a downloaded toolchain archive (tar+gzip) that has already passed its
 * checksum, still as hostile input: only regular files and directories, each under
 * the one top directory the archive must have, never through `..` or an absolute
 * name, never over an existing path (files are created exclusively), and within
 * bounds on the expanded bytes and the number of entries. Links of any kind are
 * refused, so nothing written can point or lead outside the destination.
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, type Header } from 'tar-stream';
import { GoscratchError, InputError } from '../util/errors.js';
import { fsError } from '../util/fserror.js';

export interface UnpackLimits {
  /** Most bytes the tar may expand to. */
  maxBytes: number;
  maxEntries: number;
}

/** Far above a Go release (go1.23: about 14,000 entries and 250 MB unpacked). */
export const TOOLCHAIN_LIMITS: UnpackLimits = { maxBytes: 2 * 2 ** 30, maxEntries: 100_000 };

/** The path of an entry relative to the destination, or why it is refused. */
export function entryPath(name: string, top: string): string | { refused: string } {
  if (name.includes('\0')) return { refused: 'has a NUL byte in its name' };
  if (name.startsWith('/')) return { refused: 'has an absolute name' };
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) return { refused: 'has ".." in its name' };
  if (parts[0] !== top) return { refused: `is not under ${top}/` };
  return parts.join('/');
}

/** Unpacks `file` into `dest` (an empty directory goscratch made), or throws leaving whatever was written for the caller to remove. */
export async function unpackTarGz(file: string, dest: string, top: string, limits: UnpackLimits = TOOLCHAIN_LIMITS): Promise<void> {
  const what = `the archive ${file}`;
  const ex = tarExtract();
  const meter = new ExpansionLimit(limits.maxBytes, what);
  const reading = pipeline(createReadStream(file), createGunzip(), meter, ex);
  let failure: unknown;
  reading.catch((e: unknown) => (failure ??= e));
  let entries = 0;
  try {
    for await (const entry of ex) {
      if (++entries > limits.maxEntries) throw new InputError(`${what} has more than ${limits.maxEntries} entries`);
      await writeEntry(entry.header, entry, dest, top, what);
    }
    await reading;
  } catch (e) {
    ex.destroy();
    throw unpackError(meter.error ?? (e instanceof GoscratchError ? e : (failure ?? e)), what, dest);
  }
}

async function writeEntry(h: Header, body: AsyncIterable<unknown> & { resume(): unknown }, dest: string, top: string, what: string): Promise<void> {
  const rel = entryPath(h.name, top);
  if (typeof rel !== 'string') throw new InputError(`${what}: entry ${JSON.stringify(h.name.slice(0, 200))} ${rel.refused}; refusing to unpack it`);
  const path = join(dest, rel);
  if (h.type === 'directory') {
    await mkdir(path, { recursive: true, mode: 0o755 });
    body.resume();
    return;
  }
  if (h.type !== 'file' && h.type !== 'contiguous-file') {
    throw new InputError(`${what}: entry ${rel} is a ${h.type ?? 'special file'}; a Go release holds only files and directories, so goscratch unpacks nothing else`);
  }
  await mkdir(join(path, '..'), { recursive: true, mode: 0o755 });
  // 'wx': never over an existing path (a repeated entry), never through a link.
  await pipeline(Readable.from(body), createWriteStream(path, { flags: 'wx', mode: (h.mode ?? 0) & 0o111 ? 0o755 : 0o644 }));
}

function unpackError(e: unknown, what: string, dest: string): unknown {
  if (e instanceof GoscratchError) return e;
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EEXIST' || code === 'ENOTDIR') return new InputError(`${what} names one path twice, or a file where it needs a directory (${code}); refusing it`);
  const fs = fsError(e, dest, 'unpack a Go toolchain into');
  if (fs !== e) return fs;
  const msg = e instanceof Error ? e.message : String(e);
  return new InputError(`${what} is corrupt: ${msg}`, { cause: e });
}

/** Fails once the stream has passed more than `max` bytes (a decompression bomb). */
class ExpansionLimit extends Transform {
  private bytes = 0;
  error: InputError | undefined;

  constructor(private readonly max: number, private readonly what: string) {
    super();
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.max) {
      this.error = new InputError(`${this.what} expands past ${this.max} bytes; refusing to unpack further (a decompression bomb?)`);
      return cb(this.error);
    }
    cb(null, chunk);
  }
}
