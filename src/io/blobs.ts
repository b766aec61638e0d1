/**
 * Content-addressed blobs on local disk (an OCI layout's blobs/sha256/, a byte range
 * of an archive), trusted only after checking. Reading: the file must be a regular
 * file (never a FIFO, device or, in a layout, a symlink) opened without blocking, of
 * the descriptor's size; small blobs are read whole only up to a bound, streams are
 * hashed as they flow and fail at the first byte past the size or on a digest
 * mismatch at the end. Writing: through a temp file, verified before the rename, into
 * real directories only (a symlinked blobs/sha256 is refused, not written through).
 */
import { createReadStream } from 'node:fs';
import { lstat, mkdir, open as openFile, type FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { createHash } from 'node:crypto';
import { digestHex, isDigest, sha256 } from '../oci/digest.js';
import type { Descriptor } from '../oci/types.js';
import { InputError } from '../util/errors.js';
import { commitTemp, discardTemp, fileKind, openRegular, readBounded, readExactly, siblingTemp, writeFileAtomic } from '../util/fs.js';
import { fsError } from '../util/fserror.js';

const MiB = 1024 * 1024;
/** Blobs are read and written in large chunks: fewer system calls, hash updates and socket writes. */
const IO_CHUNK = MiB;
/** The most goscratch reads of an image manifest or index (distribution's limit). */
export const MAX_MANIFEST_BYTES = 4 * MiB;
/** The most goscratch reads of an image config, index.json or manifest.json. */
export const MAX_CONFIG_BYTES = 8 * MiB;

/** Checks a descriptor read from a file before anything uses it (a path is made from its digest). */
export function checkDescriptor(d: unknown, what: string): Descriptor {
  const x = d as Partial<Descriptor> | null;
  if (!x || typeof x !== 'object') throw new InputError(`${what}: a descriptor is not an object`);
  if (typeof x.digest !== 'string' || !isDigest(x.digest)) {
    throw new InputError(`${what}: ${typeof x.digest === 'string' && /^[a-z0-9]+:/.test(x.digest) && !x.digest.startsWith('sha256:') ? 'only sha256 digests are supported' : 'a descriptor has no valid sha256 digest'}`);
  }
  if (typeof x.size !== 'number' || !Number.isSafeInteger(x.size) || x.size < 0) throw new InputError(`${what}: descriptor ${x.digest} has no valid size`);
  if (typeof x.mediaType !== 'string') throw new InputError(`${what}: descriptor ${x.digest} has no media type`);
  return x as Descriptor;
}

/** Parses JSON read from a file; the error never quotes the bytes (they may be anything a symlink pointed at). */
export function parseJson(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`${what} is not valid JSON`);
  }
}

/** Where a blob's bytes are: a whole file, or a range of one (an archive entry). */
export interface BlobLocation {
  path: string;
  /** Offset of the first byte and length; the whole file when absent. */
  range?: { start: number; size: number };
  /** Refuse a symlink at `path` (a layout's blobs). */
  noFollow?: boolean;
}

async function openLocation(loc: BlobLocation, want: number, what: string): Promise<{ fh: FileHandle; start: number }> {
  const { fh, size } = await openRegular(loc.path, what, loc.noFollow ? { noFollow: true } : {});
  const have = loc.range ? loc.range.size : size;
  if (have !== want || (loc.range && loc.range.start + loc.range.size > size)) {
    await fh.close();
    const why = loc.range && loc.range.start + loc.range.size > size ? `the file ends before it (${size} bytes)` : `it holds ${have} bytes`;
    throw new InputError(`${what} is corrupt: its descriptor says ${want} bytes but ${why}`, { input: loc.path });
  }
  return { fh, start: loc.range?.start ?? 0 };
}

/** A small file read whole (index.json, manifest.json): at most `max` bytes. */
export async function readLocation(loc: BlobLocation, max: number, what: string): Promise<Buffer> {
  if (!loc.range) return readBounded(loc.path, max, what, loc.noFollow ? { noFollow: true } : {});
  const { start, size } = loc.range;
  if (size > max) throw new InputError(`${what} is ${size} bytes, more than the ${max} goscratch reads`);
  const { fh } = await openRegular(loc.path, what);
  try {
    return await readExactly(fh, start, size, what);
  } finally {
    await fh.close();
  }
}

/** A blob's bytes read whole (manifests, configs): at most `max`, checked against the descriptor. */
export async function readBlob(loc: BlobLocation, d: Descriptor, max: number, what: string): Promise<Buffer> {
  if (d.size > max) throw new InputError(`${what} is ${d.size} bytes, more than the ${max} goscratch reads`);
  const { fh, start } = await openLocation(loc, d.size, what);
  try {
    const bytes = await readExactly(fh, start, d.size, what);
    if (sha256(bytes) !== d.digest) throw new InputError(`${what} is corrupt: its content does not match its digest ${d.digest}`, { input: loc.path });
    return bytes;
  } finally {
    await fh.close();
  }
}

/** Checks that a blob is there as a regular file of its descriptor's size, without reading it. */
export async function checkBlob(loc: BlobLocation, d: Descriptor, what: string): Promise<void> {
  const { fh } = await openLocation(loc, d.size, what);
  await fh.close();
}

/** A location's bytes as a stream, checked only to be a regular file of `size` bytes. */
export async function openRange(loc: BlobLocation, size: number, what: string): Promise<Readable> {
  const { fh, start } = await openLocation(loc, size, what);
  if (size === 0) {
    await fh.close();
    return Readable.from([]);
  }
  return createReadStream('', { fd: fh, start, end: start + size - 1, highWaterMark: IO_CHUNK });
}

/** A blob's bytes as a stream, verified as they flow (size, then digest at the end). */
export async function openBlob(loc: BlobLocation, d: Descriptor, what: string): Promise<Readable> {
  const raw = await openRange(loc, d.size, what);
  const check = new VerifyingStream(d, what);
  raw.on('error', (e) => check.destroy(e));
  // A reader that stops early (inspect reads only what it needs) must not leave the file open.
  check.on('close', () => raw.destroy());
  return raw.pipe(check);
}

/** Counts and hashes bytes as they pass: past the descriptor's size, or a different digest at the end, is corruption. */
export class BlobCheck {
  private readonly hash = createHash('sha256');
  private bytes = 0;

  /** Without a size, only the digest is checked. */
  constructor(private readonly d: { digest: string; size?: number | undefined }, private readonly what: string) {}

  update(chunk: Uint8Array): void {
    this.bytes += chunk.length;
    if (this.d.size !== undefined && this.bytes > this.d.size) throw new InputError(`${this.what} is corrupt: more than the ${this.d.size} bytes its descriptor says`);
    this.hash.update(chunk);
  }

  finish(): void {
    if (this.d.size !== undefined && this.bytes !== this.d.size) throw new InputError(`${this.what} is corrupt: ${this.bytes} bytes where its descriptor says ${this.d.size}`);
    const got = 'sha256:' + this.hash.digest('hex');
    if (got !== this.d.digest) throw new InputError(`${this.what} is corrupt: its content (${got}) does not match its digest ${this.d.digest}`);
  }
}

/** Passes bytes through, failing past the descriptor's size or on a digest mismatch at the end. */
export class VerifyingStream extends Transform {
  private readonly check: BlobCheck;

  constructor(d: { digest: string; size?: number | undefined }, what: string) {
    super();
    this.check = new BlobCheck(d, what);
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.check.update(chunk);
    } catch (e) {
      return cb(e as Error);
    }
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.check.finish();
    } catch (e) {
      return cb(e as Error);
    }
    cb();
  }
}

/**
 * Writes a source's bytes into a new file, a MiB at a time in one writev, gathering the
 * next MiB while the last one is written: no stream between the source and the file,
 * and a few dozen calls for what a write stream makes thousands of.
 */
async function writeChunks(path: string, source: AsyncIterable<Uint8Array>, check?: BlobCheck): Promise<void> {
  const fh = await openFile(path, 'wx');
  let writing: Promise<void> = Promise.resolve();
  let failed: unknown;
  const write = (batch: Buffer[]): void => {
    writing = writing.then(() => writevAll(fh, batch)).catch((e: unknown) => void (failed ??= e));
  };
  try {
    let batch: Buffer[] = [];
    let size = 0;
    for await (const raw of source) {
      const c = Buffer.isBuffer(raw) ? raw : Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
      check?.update(c);
      batch.push(c);
      size += c.length;
      if (size >= IO_CHUNK) {
        await writing; // at most one MiB waits while another is written
        if (failed) throw failed;
        write(batch);
        batch = [];
        size = 0;
      }
    }
    check?.finish();
    if (batch.length) write(batch);
    await writing;
    if (failed) throw failed;
  } finally {
    await writing;
    await fh.close();
  }
}

async function writevAll(fh: FileHandle, batch: Buffer[]): Promise<void> {
  const rest = batch;
  while (rest.length) {
    const { bytesWritten } = await fh.writev(rest);
    let n = bytesWritten;
    while (rest.length && n >= rest[0]!.length) n -= rest.shift()!.length;
    if (n > 0) rest[0] = rest[0]!.subarray(n);
  }
}

/** blobs/sha256 under root, made if missing; a symlink or non-directory on the way is refused. */
async function blobDir(root: string): Promise<string> {
  const dir = join(root, 'blobs', 'sha256');
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw fsError(e, dir, 'create');
  });
  for (const p of [join(root, 'blobs'), dir]) {
    const st = await lstat(p);
    if (!st.isDirectory()) throw new InputError(`${p} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a directory'}: goscratch writes blobs only into a layout's own directories`, { input: p });
  }
  return dir;
}

/** True when the blob is there (a regular file of the right size); a non-regular file is refused. */
async function present(target: string, size: number | undefined): Promise<boolean> {
  const st = await lstat(target).catch(() => undefined);
  if (!st) return false;
  if (!st.isFile()) throw new InputError(`${target} is ${fileKind(st)}: goscratch never replaces anything but a regular file in a layout`, { input: target });
  return size === undefined || st.size === size;
}

/**
 * Writes a blob from a stream unless present; fails (writing nothing) on a size or
 * digest mismatch. A `checked` stream fails by itself before its end on a mismatch
 * (a registry blob reader): it is not hashed a second time.
 */
export async function putBlobStream(root: string, digest: string, open: () => Promise<Readable>, size?: number, o: { checked?: boolean } = {}): Promise<void> {
  const target = join(await blobDir(root), digestHex(digest));
  if (await present(target, size)) return;
  const tmp = siblingTemp(target);
  try {
    const source = await open();
    await writeChunks(tmp, source, o.checked ? undefined : new BlobCheck({ digest, size }, `blob ${digest}`)).catch((e: unknown) => {
      throw fsError(e, tmp, 'write');
    });
    await commitTemp(tmp, target);
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
}

export async function putBlobBytes(root: string, digest: string, bytes: Buffer): Promise<void> {
  const target = join(await blobDir(root), digestHex(digest));
  if (await present(target, bytes.length)) return;
  if (sha256(bytes) !== digest) throw new Error(`blob bytes do not match ${digest}`); // a bug in the caller
  await writeFileAtomic(target, bytes, undefined, { links: false });
}
