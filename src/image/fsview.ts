/**
 * The file system an image's layers make, read without unpacking it: a virtual
 * root built from the layers' tar headers (whiteouts and opaque directories
 * applied, later layers winning), where paths and symlinks resolve the way a
 * container runtime resolves them. Hostile archives stay harmless: `..` and
 * absolute names are clamped to the root, symlink chains are bounded, every layer's
 * expansion is capped (gzip bombs), and file contents are only ever written to a
 * fresh temporary directory under a fixed name.
 */
import { GoscratchError, InputError } from '../util/errors.js';
import { createWriteStream } from 'node:fs';
import { createGunzip } from 'node:zlib';
import { dirname, join } from 'node:path';
import { rm } from 'node:fs/promises';
import { Readable, Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createHash } from 'node:crypto';
import { extract as tarExtract, type Header } from 'tar-stream';
import type { Layer } from './model.js';
import { isGzipLayer, MediaType } from '../oci/mediatypes.js';
import { tempDir } from '../util/fs.js';
import { fsError } from '../util/fserror.js';

export type FsEntryType = 'file' | 'dir' | 'symlink' | 'other';

export interface FsEntry {
  /** Absolute, normalised path in the image. */
  path: string;
  type: FsEntryType;
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Symlink target as written in the layer. */
  target?: string;
  /** Where the bytes are: layer index and the entry's ordinal in that layer's tar. */
  layer: number;
  ordinal: number;
  /** The layer that put this entry in place (differs from `layer` for hard links). */
  addedBy: number;
}

export interface FsLimits {
  /** Most bytes one layer may expand to. */
  maxLayerBytes: number;
  /** Past `ratioFloor` expanded bytes, the most a layer may expand per compressed byte. */
  maxRatio: number;
  ratioFloor: number;
  maxEntries: number;
  /** Symlinks followed in one lookup (Linux allows 40). */
  maxLinks: number;
}

export const DEFAULT_LIMITS: FsLimits = {
  maxLayerBytes: 16 * 2 ** 30,
  maxRatio: 200,
  ratioFloor: 64 * 2 ** 20,
  maxEntries: 2_000_000,
  maxLinks: 40,
};

export interface OpenOptions extends Partial<FsLimits> {
  /**
   * Regular files to copy out while the layers are first read (e.g. the entrypoint
   * candidates), so extractFile of one of them needs no second pass over its layer.
   */
  capture?: readonly string[];
  /**
   * Most bytes one captured or extracted file may have, and the most all captures of
   * one open may write to TMPDIR together (a layer may repeat a path many times).
   */
  maxFileBytes?: number;
}

/** A file copied out of the image: where it is on disk and its sha256 digest. */
export interface ExtractedFile {
  path: string;
  digest: string;
}

interface Captured extends ExtractedFile {
  layer: number;
  ordinal: number;
}

export interface LayerStat {
  digest: string;
  mediaType: string;
  size: number;
  uncompressedSize: number;
}

/** A layer or path problem, told in terms the user can act on. */
export class ImageFsError extends InputError {}

export class FsView {
  private constructor(
    private readonly layers: readonly Layer[],
    private readonly entries: Map<string, FsEntry>,
    readonly layerStats: readonly LayerStat[],
    /** Oddities met while reading: escaping names, diff_id mismatches, dangling hard links. */
    readonly warnings: readonly string[],
    private readonly limits: FsLimits,
    private readonly captured: Map<string, Captured>,
    private readonly maxFileBytes: number,
  ) {}

  /** Reads every layer's headers once (contents are streamed past, not kept). */
  static async open(layers: readonly Layer[], opts: OpenOptions = {}): Promise<FsView> {
    const { capture = [], maxFileBytes = DEFAULT_MAX_FILE, ...limits } = opts;
    const lim = { ...DEFAULT_LIMITS, ...limits };
    const wanted = new Set(capture.map((p) => normalizeName(p).path));
    const captured = new Map<string, Captured>();
    const entries = new Map<string, FsEntry>();
    const warnings: string[] = [];
    const stats: LayerStat[] = [];
    let captureBudget = maxFileBytes;
    try {
      for (const [li, layer] of layers.entries()) {
        const where = layerName(li, layer);
        const stat = await walkLayer(layer, where, lim, async (h, body, ordinal) => {
          const norm = normalizeName(h.name);
          if (norm.escaped) warnings.push(`${where}: entry ${JSON.stringify(h.name)} points outside the root; read as ${norm.path}`);
          const path = norm.path;
          if (path === '/') return;
          const base = path.slice(path.lastIndexOf('/') + 1);
          const dir = path.slice(0, path.lastIndexOf('/')) || '/';
          if (base === '.wh..wh..opq') {
            removeTree(entries, dir, li, false);
            return;
          }
          if (base.startsWith('.wh.')) {
            removeTree(entries, joinPath(dir, base.slice(4)), li, true);
            return;
          }
          let entry: FsEntry = { path, type: entryType(h), mode: h.mode, uid: h.uid, gid: h.gid, size: h.size, layer: li, ordinal, addedBy: li };
          if (h.type === 'symlink') entry.target = h.linkname;
          if (h.type === 'link') {
            // A hard link shares its target's bytes: point at where those live.
            const t = entries.get(normalizeName(h.linkname).path);
            if (!t || t.type !== 'file') {
              warnings.push(`${where}: hard link ${path} -> ${h.linkname} has no file to point at`);
              entry = { ...entry, type: 'other' };
            } else {
              entry = { ...entry, type: 'file', size: t.size, layer: t.layer, ordinal: t.ordinal };
            }
          }
          const old = entries.get(path);
          if (old && old.type === 'dir' && entry.type !== 'dir') removeTree(entries, path, li + 1, false);
          entries.set(path, entry);
          if (wanted.has(path) && h.type === 'file' && h.size <= captureBudget) {
            captureBudget -= h.size;
            const stale = captured.get(path);
            if (stale) await rm(dirname(stale.path), { recursive: true, force: true });
            captured.set(path, { ...(await copyOut(body, path)), layer: li, ordinal });
          }
        });
        if (stat.diffId !== layer.diffId) warnings.push(`${where}: uncompressed content ${stat.diffId} does not match its diff_id ${layer.diffId}`);
        stats.push({ digest: layer.digest, mediaType: layer.mediaType, size: layer.size, uncompressedSize: stat.bytes });
      }
    } catch (e) {
      for (const c of captured.values()) await rm(dirname(c.path), { recursive: true, force: true });
      throw e;
    }
    return new FsView(layers, entries, stats, warnings, lim, captured, maxFileBytes);
  }

  /**
   * Resolves a path inside the virtual root: `..` stops at `/`, absolute symlink
   * targets restart at the image's root, and the final symlink is followed when
   * `follow` is set. Throws ImageFsError on a symlink loop or a path through a file.
   */
  resolve(path: string, follow = true): string {
    const done: string[] = [];
    const todo = components(path);
    let links = 0;
    while (todo.length > 0) {
      const c = todo.shift() as string;
      if (c === '..') {
        done.pop();
        continue;
      }
      const p = '/' + [...done, c].join('/');
      const e = this.entries.get(p);
      if (e?.type === 'symlink' && (todo.length > 0 || follow)) {
        if (++links > this.limits.maxLinks) throw new ImageFsError(`too many levels of symbolic links resolving ${path} (a symlink loop at ${p}?)`);
        if ((e.target ?? '').startsWith('/')) done.length = 0;
        todo.unshift(...components(e.target ?? ''));
        continue;
      }
      if (todo.length > 0 && e && e.type !== 'dir') throw new ImageFsError(`cannot resolve ${path}: ${p} is not a directory`);
      done.push(c);
    }
    return '/' + done.join('/');
  }

  /** The entry a path names after resolving symlinks, or undefined when there is none. */
  lookup(path: string, follow = true): FsEntry | undefined {
    const p = this.resolve(path, follow);
    if (p === '/') return { path: '/', type: 'dir', mode: 0o755, uid: 0, gid: 0, size: 0, layer: -1, ordinal: -1, addedBy: -1 };
    return this.entries.get(p);
  }

  /** True when a regular file (after symlinks) exists at the path; loops count as absent. */
  isFile(path: string): boolean {
    try {
      return this.lookup(path)?.type === 'file';
    } catch (e) {
      if (e instanceof ImageFsError) return false;
      throw e;
    }
  }

  /** Entries directly inside a directory (after resolving the directory's own symlinks). */
  list(dir: string): FsEntry[] {
    let p: string;
    try {
      p = this.resolve(dir);
    } catch (e) {
      if (e instanceof ImageFsError) return [];
      throw e;
    }
    const prefix = p === '/' ? '/' : p + '/';
    return [...this.entries.values()].filter((e) => e.path.startsWith(prefix) && !e.path.slice(prefix.length).includes('/'));
  }

  /** Every entry of the image (after whiteouts), in no particular order. */
  all(): FsEntry[] {
    return [...this.entries.values()];
  }

  /** A small file's bytes; throws ImageFsError when missing, not a file, or over maxBytes. */
  async readFile(path: string, maxBytes = 1 << 20): Promise<Buffer> {
    const e = this.fileEntry(path, maxBytes);
    const chunks: Buffer[] = [];
    await this.streamEntry(e, new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    }));
    return Buffer.concat(chunks);
  }

  /**
   * Copies a file out of the image into a new temporary directory, under a fixed
   * name (never the name from the archive); the caller removes it when done.
   */
  async extractFile(path: string, maxBytes = this.maxFileBytes): Promise<ExtractedFile> {
    const e = this.fileEntry(path, maxBytes);
    const key = this.resolve(path);
    const hit = this.captured.get(key);
    if (hit && hit.layer === e.layer && hit.ordinal === e.ordinal) {
      // Handed over: the caller owns (and removes) the file from now on.
      this.captured.delete(key);
      return { path: hit.path, digest: hit.digest };
    }
    let out: ExtractedFile | undefined;
    await this.findEntry(e, async (body) => {
      out = await copyOut(body, path);
    });
    return out as ExtractedFile;
  }

  /** Removes the files captured while opening that nobody extracted. */
  async close(): Promise<void> {
    for (const c of this.captured.values()) await rm(dirname(c.path), { recursive: true, force: true });
    this.captured.clear();
  }

  private fileEntry(path: string, maxBytes: number): FsEntry {
    const e = this.lookup(path);
    if (!e) throw new ImageFsError(`${path} does not exist in the image`);
    if (e.type !== 'file') throw new ImageFsError(`${path} is not a regular file in the image (${e.type})`);
    if (e.size > maxBytes) throw new ImageFsError(`${path} is ${e.size} bytes, more than the ${maxBytes} goscratch reads`);
    return e;
  }

  private async streamEntry(e: FsEntry, sink: Writable): Promise<void> {
    await this.findEntry(e, (body) => pipeline(Readable.from(body), sink));
  }

  /** Reads the entry's layer up to the entry and hands its body to `use`. */
  private async findEntry(e: FsEntry, use: (body: EntryBody) => Promise<void>): Promise<void> {
    const layer = this.layers[e.layer] as Layer;
    let found = false;
    await walkLayer(layer, layerName(e.layer, layer), this.limits, async (h, body, ordinal) => {
      if (ordinal !== e.ordinal) return;
      found = true;
      if (h.size !== e.size) throw new ImageFsError(`${layerName(e.layer, layer)} changed while being read`);
      await use(body);
      return 'stop';
    });
    if (!found) throw new ImageFsError(`${e.path} vanished from ${layerName(e.layer, layer)} while being read`);
  }
}

/** The largest file copied out for analysis; Go binaries, even with debug info, stay well below. */
const DEFAULT_MAX_FILE = 512 * 2 ** 20;

/** Writes an entry's bytes to `file` in a fresh temporary directory, hashing them on the way. */
async function copyOut(body: EntryBody, name: string): Promise<ExtractedFile> {
  const path = join(tempDir('goscratch-extract-'), 'file');
  const hash = createHash('sha256');
  const hasher = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      hash.update(chunk);
      cb(null, chunk);
    },
  });
  // A full TMPDIR is a write error naming the path, never taken for a corrupt layer.
  const out = createWriteStream(path, { flags: 'wx', mode: 0o600 });
  let writeError: unknown;
  out.on('error', (e) => (writeError ??= e));
  try {
    await pipeline(Readable.from(body), hasher, out);
  } catch (e) {
    if (writeError) throw fsError(writeError, path, `write a temporary copy of ${name} to`);
    throw e;
  }
  return { path, digest: 'sha256:' + hash.digest('hex') };
}

function layerName(i: number, l: Layer): string {
  return `layer ${i + 1} (${l.digest.slice(0, 19)})`;
}

function entryType(h: Header): FsEntryType {
  switch (h.type) {
    case 'file':
    case 'contiguous-file':
      return 'file';
    case 'directory':
      return 'dir';
    case 'symlink':
      return 'symlink';
    default:
      return 'other';
  }
}

function components(p: string): string[] {
  return p.split('/').filter((c) => c !== '' && c !== '.');
}

function joinPath(dir: string, name: string): string {
  return dir === '/' ? '/' + name : dir + '/' + name;
}

/** An archive name as an absolute path inside the root, and whether it tried to leave it. */
export function normalizeName(name: string): { path: string; escaped: boolean } {
  const out: string[] = [];
  let escaped = name.startsWith('/');
  for (const c of components(name)) {
    if (c === '..') {
      if (out.length === 0) escaped = true;
      else out.pop();
    } else {
      out.push(c);
    }
  }
  return { path: '/' + out.join('/'), escaped };
}

/** Removes what lower layers (index < before) put at path (itself when `self`) and below. */
function removeTree(entries: Map<string, FsEntry>, path: string, before: number, self: boolean): void {
  const prefix = path === '/' ? '/' : path + '/';
  for (const [p, e] of entries) {
    if (e.addedBy < before && ((self && p === path) || p.startsWith(prefix))) entries.delete(p);
  }
}

/** A tar entry's body (a streamx stream: iterate it, or resume it to skip). */
type EntryBody = AsyncIterable<unknown> & { resume(): unknown };
type EntryFn = (h: Header, body: EntryBody, ordinal: number) => Promise<'stop' | void>;

/** Streams a layer's tar entries through `fn`, enforcing the limits; returns size and diff_id. */
async function walkLayer(layer: Layer, where: string, lim: FsLimits, fn: EntryFn): Promise<{ bytes: number; diffId: string }> {
  if (layer.mediaType === MediaType.ociLayerZstd) throw new ImageFsError(`${where} is zstd-compressed, which goscratch cannot read yet`);
  const raw = await layer.open();
  const meter = new Meter(where, lim);
  const ex = tarExtract();
  const stages: (Readable | Transform)[] = [raw, meter.compressedCounter];
  if (isGzipLayer(layer.mediaType)) stages.push(createGunzip());
  const piping = pipeline([...stages, meter, ex]);
  let failure: unknown;
  piping.catch((e: unknown) => (failure ??= e));
  let ordinal = 0;
  let stopped = false;
  try {
    for await (const body of ex) {
      if (++ordinal > lim.maxEntries) throw new ImageFsError(`${where} has more than ${lim.maxEntries} entries`);
      const r = await fn(body.header, body, ordinal);
      if (r === 'stop') {
        stopped = true;
        break;
      }
      body.resume();
    }
    if (!stopped) await piping;
  } catch (e) {
    // Our own errors (a limit, a full TMPDIR, a blob that fails its digest) say what
    // happened; anything else from the stream is the layer's fault.
    throw layerError(where, meter.error ?? (e instanceof GoscratchError ? e : (failure ?? e)));
  } finally {
    raw.destroy();
  }
  return { bytes: meter.bytes, diffId: meter.digest() };
}

function layerError(where: string, e: unknown): GoscratchError {
  if (e instanceof GoscratchError) return e;
  const msg = e instanceof Error ? e.message : String(e);
  if (/unexpected end|Unexpected end of data|premature close/i.test(msg)) return new ImageFsError(`${where} is truncated (${msg})`);
  return new ImageFsError(`${where} is corrupt: ${msg}`);
}

/** Counts, hashes and caps the expanded bytes of a layer (the gzip bomb guard). */
class Meter extends Transform {
  bytes = 0;
  compressed = 0;
  error: ImageFsError | undefined;
  private readonly hash = createHash('sha256');
  readonly compressedCounter: Transform;

  constructor(private readonly where: string, private readonly lim: FsLimits) {
    super();
    this.compressedCounter = new Transform({
      transform: (chunk: Buffer, _enc, cb) => {
        this.compressed += chunk.length;
        cb(null, chunk);
      },
    });
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.lim.maxLayerBytes) {
      this.error = new ImageFsError(`${this.where} expands past ${this.lim.maxLayerBytes} bytes; refusing to read further (a decompression bomb?)`);
    } else if (this.bytes > this.lim.ratioFloor && this.bytes > this.lim.maxRatio * Math.max(1, this.compressed)) {
      this.error = new ImageFsError(`${this.where} expands more than ${this.lim.maxRatio}x (${this.compressed} compressed bytes to over ${this.bytes}); refusing to read further (a decompression bomb?)`);
    }
    if (this.error) return cb(this.error);
    this.hash.update(chunk);
    cb(null, chunk);
  }

  digest(): string {
    return 'sha256:' + this.hash.digest('hex');
  }
}
