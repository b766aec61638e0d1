/**
 * Deterministic tar+gzip layers (after Jib's ReproducibleLayerBuilder): entries sorted
 * by path, missing parent directories added, owner 0:0 (or the entry's own numeric
 * owner) with empty user/group names, fixed modes and one mtime for every entry. The
 * same entries always give the same bytes, so the same digest, on every machine.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname } from 'node:path';
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
  | { type: 'file'; path: string; mode: number; source: string; size: number; owner?: Owner }
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

/** Builds a gzip layer from the entries; the tar and its compressed bytes are kept in memory. */
export async function buildLayer(entries: readonly LayerEntry[], opts: LayerOptions): Promise<Layer> {
  const tarBytes = await tarOf(normalizeEntries(entries), opts.mtime);
  const level = opts.gzipLevel ?? zc.Z_BEST_SPEED;
  const diffId = sha256(tarBytes);
  // The same tar always compresses to the same bytes (same zlib, level and blocks), so
  // an unchanged layer, like the binary of an unchanged build, is read back instead.
  const cache = opts.cache ?? Cache.fromEnv();
  const cacheFile = cache ? cache.entryPath('layers', sha256(`${diffId} ${level} ${BLOCK_SIZE} ${process.versions.zlib}`).slice(7)) : undefined;
  const cached = cacheFile ? await readBounded(cacheFile, MAX_CACHED_LAYER, 'a cached layer').catch(() => undefined) : undefined;
  const bytes = cached ?? (await gzipParallel(tarBytes, level));
  if (cache && cacheFile) {
    if (cached) await cache.touch(cacheFile);
    else await mkdir(dirname(cacheFile), { recursive: true }).then(() => writeFileAtomic(cacheFile, bytes, undefined, { links: false })).then(() => cache.enforce(), () => undefined);
  }
  return bufferLayer({ mediaType: MediaType.ociLayerGzip, digest: sha256(bytes), diffId, bytes });
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
