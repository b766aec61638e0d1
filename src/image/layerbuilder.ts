/**
 * Deterministic tar+gzip layers (after Jib's ReproducibleLayerBuilder): entries sorted
 * by path, missing parent directories added, owner 0:0 (or the entry's own numeric
 * owner) with empty user/group names, fixed modes and one mtime for every entry. The
 * same entries always give the same bytes, so the same digest, on every machine.
 */
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { constants as zc } from 'node:zlib';
import { pack as tarPack, type Pack } from 'tar-stream';
import { sha256 } from '../oci/digest.js';
import { BLOCK_SIZE, gzipParallel } from './pgzip.js';
import { Cache } from '../util/cache.js';
import { readBounded, writeFileAtomic } from '../util/fs.js';
import { MediaType } from '../oci/mediatypes.js';
import { bufferLayer } from './layer.js';
import type { Layer } from './model.js';

/** A numeric owner; entries without one belong to root (0:0). */
export interface Owner {
  uid: number;
  gid: number;
}

export type LayerEntry =
  | { type: 'file'; path: string; mode: number; data: Buffer; owner?: Owner }
  /** `identity`: what names the file's content without reading it (a Go binary's build ID, which hashes it). */
  | { type: 'file'; path: string; mode: number; source: string; size: number; owner?: Owner; identity?: string }
  | { type: 'dir'; path: string; mode: number; owner?: Owner }
  | { type: 'symlink'; path: string; target: string };

export interface LayerOptions {
  /** Seconds since the epoch written as every entry's mtime. */
  mtime: number;
  /** gzip level; 1 (fastest) matches go-containerregistry's default. */
  gzipLevel?: number;
  /** The cache compressed layers are read from and written to (default: the user's; false: none). */
  cache?: Cache | false;
}

const DIR_MODE = 0o755;
/** Layers are held in memory whole; a cache file larger than this is not one goscratch wrote. */
const MAX_CACHED_LAYER = 2 ** 31 - 1;
/** Files changed this recently are not trusted to be told apart by their identity. */
const RACY_MS = 2000;

/** Normalises an image path to a tar name: no leading slash, no `.` or `..`, no empty parts. */
export function tarName(path: string): string {
  const parts = path.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.length === 0 || parts.includes('..')) {
    throw new Error(`invalid path in image: ${JSON.stringify(path)} (use an absolute path without '..')`);
  }
  return parts.join('/');
}

/** Sorted entries with every parent directory present exactly once. */
export function normalizeEntries(entries: readonly LayerEntry[]): LayerEntry[] {
  const byName = new Map<string, LayerEntry>();
  for (const e of entries) {
    const name = tarName(e.path);
    if (byName.has(name)) throw new Error(`duplicate path in layer: /${name}`);
    byName.set(name, { ...e, path: name });
  }
  for (const name of [...byName.keys()]) {
    const parts = name.split('/');
    for (let i = 1; i < parts.length; i++) {
      const parent = parts.slice(0, i).join('/');
      const existing = byName.get(parent);
      if (!existing) byName.set(parent, { type: 'dir', path: parent, mode: DIR_MODE });
      else if (existing.type !== 'dir') throw new Error(`/${parent} is both a file and a directory in the layer`);
    }
  }
  return [...byName.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * Builds a gzip layer from the entries; the tar and its compressed bytes are kept in
 * memory. The same tar always compresses to the same bytes (same zlib, level and
 * blocks), so an unchanged layer, like the binary of an unchanged build, is read back
 * from the cache instead: its bytes under their digest, checked on every read, found by
 * a record keyed by the tar's digest, or for files on disk by the files' identity
 * (filesKey), which spares reading and packing them at all.
 */
export async function buildLayer(entries: readonly LayerEntry[], opts: LayerOptions): Promise<Layer> {
  const sorted = normalizeEntries(entries);
  const level = opts.gzipLevel ?? zc.Z_BEST_SPEED;
  const cache = opts.cache ?? Cache.fromEnv();
  const byFiles = cache ? await filesKey(sorted, opts.mtime, level).catch(() => undefined) : undefined;
  if (cache && byFiles) {
    const known = await recall(cache, byFiles.key);
    if (known) return gzipLayer(known.record, known.bytes);
  }
  const tarBytes = await tarOf(sorted, opts.mtime);
  const diffId = sha256(tarBytes);
  const byTar = sha256(`${diffId} ${level} ${BLOCK_SIZE} ${process.versions.zlib}`).slice(7);
  const known = cache ? await recall(cache, byTar, diffId) : undefined;
  const bytes = known?.bytes ?? (await gzipParallel(tarBytes, level));
  const record = known?.record ?? { diffId, digest: sha256(bytes) };
  if (cache) {
    if (!known) await remember(cache, byTar, record, bytes);
    if (byFiles?.settled) await remember(cache, byFiles.key, record);
  }
  return gzipLayer(record, bytes);
}

function gzipLayer(r: LayerRecord, bytes: Buffer): Layer {
  return bufferLayer({ mediaType: MediaType.ociLayerGzip, digest: r.digest, diffId: r.diffId, bytes });
}

/** Which compressed layer a tar (or a set of files) gave. */
interface LayerRecord {
  diffId: string;
  digest: string;
}

/**
 * The key of a layer of files on disk by the files' identity; undefined when no entry
 * is a file on disk. A file is identified by `identity` when it has one, else by its
 * device, inode, size, and mtime and ctime in nanoseconds. Those are `settled` (may be
 * kept) only when every such file is older than two seconds, as git's index and the
 * `go list` cache (golang/listcache.ts) do: a change within the clock's grain could
 * otherwise leave the same identity.
 */
async function filesKey(sorted: readonly LayerEntry[], mtime: number, level: number): Promise<{ key: string; settled: boolean } | undefined> {
  if (!sorted.some((e) => e.type === 'file' && 'source' in e)) return undefined;
  const recent = BigInt(Date.now() - RACY_MS) * 1_000_000n;
  let settled = true;
  const parts = await Promise.all(sorted.map(async (e) => {
    if (e.type !== 'file') return e;
    if ('data' in e) return { ...e, data: sha256(e.data) };
    const st = await stat(e.source, { bigint: true });
    if (e.identity !== undefined) return { ...e, source: [e.identity, st.size].map(String) };
    if (st.mtimeNs > recent || st.ctimeNs > recent) settled = false;
    return { ...e, source: [e.source, st.dev, st.ino, st.size, st.mtimeNs, st.ctimeNs].map(String) };
  }));
  return { key: sha256(JSON.stringify(['layer of files', parts, mtime, level, BLOCK_SIZE, process.versions.zlib])).slice(7), settled };
}

/** The record under `key` and its compressed bytes, checked against their digest; undefined when either is missing or wrong. */
async function recall(cache: Cache, key: string, diffId?: string): Promise<{ record: LayerRecord; bytes: Buffer } | undefined> {
  const file = cache.entryPath('layers', key);
  const parsed = await readBounded(file, 4096, 'a layer record')
    .then((b) => JSON.parse(b.toString('utf8')) as unknown)
    .catch(() => undefined); // none, or an older goscratch's
  const record = parsed as Partial<LayerRecord> | undefined;
  const digestLike = (d: unknown): d is string => typeof d === 'string' && /^sha256:[a-f0-9]{64}$/.test(d);
  if (!digestLike(record?.diffId) || !digestLike(record?.digest) || (diffId !== undefined && record.diffId !== diffId)) return undefined;
  const blob = cache.entryPath('layers', record.digest.slice('sha256:'.length));
  const bytes = await readBounded(blob, MAX_CACHED_LAYER, 'a cached layer').catch(() => undefined);
  if (!bytes || sha256(bytes) !== record.digest) return undefined;
  await Promise.all([cache.touch(file), cache.touch(blob)]);
  return { record: { diffId: record.diffId, digest: record.digest }, bytes };
}

/** Keeps a record (and the compressed bytes under their digest); a cache that cannot be written only means work next time. */
async function remember(cache: Cache, key: string, record: LayerRecord, bytes?: Buffer): Promise<void> {
  const write = (file: string, data: Buffer | string): Promise<void> => writeFileAtomic(file, data, undefined, { links: false });
  await mkdir(join(cache.root, 'layers'), { recursive: true })
    .then(async () => {
      if (bytes) await write(cache.entryPath('layers', record.digest.slice('sha256:'.length)), bytes);
      await write(cache.entryPath('layers', key), JSON.stringify(record));
      if (bytes) await cache.enforce();
    })
    .catch(() => undefined);
}

async function tarOf(sorted: readonly LayerEntry[], mtimeSeconds: number): Promise<Buffer> {
  const pack = tarPack();
  const chunks: Buffer[] = [];
  const collected = new Promise<void>((resolve, reject) => {
    pack.on('data', (c: unknown) => {
      chunks.push(c as Buffer);
    });
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const base = { uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(mtimeSeconds * 1000) };
  try {
    for (const e of sorted) await writeEntry(pack, e, base);
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
  }
  await collected;
  return Buffer.concat(chunks);
}

type HeaderBase = { uid: number; gid: number; uname: string; gname: string; mtime: Date };

async function writeEntry(pack: Pack, e: LayerEntry, root: HeaderBase): Promise<void> {
  const base = e.type !== 'symlink' && e.owner ? { ...root, uid: e.owner.uid, gid: e.owner.gid } : root;
  const data = e.type === 'file' ? ('data' in e ? e.data : await readFile(e.source)) : undefined;
  if (e.type === 'file' && 'size' in e && data!.length !== e.size) throw new Error(`${e.source} changed while the layer was built`);
  return new Promise((resolve, reject) => {
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (e.type === 'dir') pack.entry({ ...base, name: e.path + '/', type: 'directory', mode: e.mode }, cb);
    else if (e.type === 'symlink') pack.entry({ ...base, name: e.path, type: 'symlink', linkname: e.target, mode: 0o777 }, cb);
    else pack.entry({ ...base, name: e.path, type: 'file', mode: e.mode, size: data!.length }, data!, cb);
  });
}
