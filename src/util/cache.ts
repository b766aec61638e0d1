/**
 * goscratch's cache between runs: compiled binaries (`bin/<key>/out/<name>`, see
 * golang/compile.ts), compressed layers (`layers/<key>`, image/layerbuilder.ts) and
 * `go list` answers (`lists/<key>`, golang/listcache.ts).
 * An explicit object with a location, a lock per entry while it is written, and a
 * size bound: after each write the least recently used entries are removed until it
 * fits (default 2 GiB, `GOSCRATCH_CACHE_MAX`). `goscratch cache info|prune` shows
 * and prunes it.
 */
import { lstat, mkdir, readdir, rm, utimes } from 'node:fs/promises';
import { join } from 'node:path';
import { parseMemory } from '../runtime/size.js';
import { cacheRoot } from './cacheroot.js';
import { GoscratchError, UsageError } from './errors.js';
import { acquireLock, withLock } from './lock.js';

export const CACHE_KINDS = ['bin', 'layers', 'lists'] as const;
export type CacheKind = (typeof CACHE_KINDS)[number];

export const DEFAULT_CACHE_MAX = 2 * 2 ** 30;

export interface CacheEntry {
  kind: CacheKind;
  key: string;
  path: string;
  bytes: number;
  /** Last time a build used it (its mtime, refreshed on every hit). */
  used: Date;
}

export interface CacheInfo {
  location: string;
  maxBytes: number;
  bytes: number;
  entries: number;
  kinds: Record<CacheKind, { entries: number; bytes: number }>;
}

export interface PruneResult {
  removed: number;
  freedBytes: number;
  /** What is left. */
  entries: number;
  bytes: number;
  /** Entries in use by a running build, left alone. */
  busy: number;
}

/** Bytes of a file or a whole directory (symlinks count as themselves). */
async function sizeOf(path: string): Promise<number> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return 0;
  if (!st.isDirectory()) return st.size;
  let total = 0;
  for (const name of await readdir(path).catch(() => [] as string[])) total += await sizeOf(join(path, name));
  return total;
}

export class Cache {
  constructor(
    readonly root: string,
    readonly maxBytes: number = DEFAULT_CACHE_MAX,
  ) {}

  /** $GOSCRATCH_CACHE, else $XDG_CACHE_HOME/goscratch, else ~/.cache/goscratch; bound $GOSCRATCH_CACHE_MAX. */
  static fromEnv(env: NodeJS.ProcessEnv = process.env): Cache {
    let max = DEFAULT_CACHE_MAX;
    if (env.GOSCRATCH_CACHE_MAX) {
      try {
        max = parseMemory(env.GOSCRATCH_CACHE_MAX, 'flag');
      } catch (e) {
        throw new UsageError(`GOSCRATCH_CACHE_MAX: ${(e as Error).message}`, { input: 'GOSCRATCH_CACHE_MAX' });
      }
    }
    return new Cache(cacheRoot(env), max);
  }

  /** Where an entry lives (it may not exist yet). */
  entryPath(kind: CacheKind, key: string): string {
    if (!/^[a-f0-9]{16,64}$/.test(key)) throw new Error(`invalid cache key ${JSON.stringify(key)}`);
    return join(this.root, kind, key);
  }

  /** Marks an entry as just used, so pruning keeps it longest. */
  async touch(path: string): Promise<void> {
    const now = new Date();
    await utimes(path, now, now).catch(() => undefined);
  }

  /**
   * Runs `fn` with the entry's directory made and locked against other writers of
   * the same entry and against pruning; returns what `fn` returns.
   */
  async withEntry<T>(kind: CacheKind, key: string, fn: (path: string) => Promise<T>): Promise<T> {
    const path = this.entryPath(kind, key);
    await mkdir(path, { recursive: true });
    return withLock(`${path}.lock`, { what: `the cache entry ${path}` }, async () => {
      await this.touch(path);
      return fn(path);
    });
  }

  /** Every entry (lock and temporary files are not entries). */
  async entries(): Promise<CacheEntry[]> {
    const out: CacheEntry[] = [];
    for (const kind of CACHE_KINDS) {
      const dir = join(this.root, kind);
      for (const key of await readdir(dir).catch(() => [] as string[])) {
        if (key.startsWith('.') || key.endsWith('.lock') || key.includes('.stale-')) continue;
        const path = join(dir, key);
        const st = await lstat(path).catch(() => undefined);
        if (st) out.push({ kind, key, path, bytes: await sizeOf(path), used: st.mtime });
      }
    }
    return out;
  }

  async info(): Promise<CacheInfo> {
    const entries = await this.entries();
    const kinds = Object.fromEntries(CACHE_KINDS.map((k) => {
      const of = entries.filter((e) => e.kind === k);
      return [k, { entries: of.length, bytes: of.reduce((n, e) => n + e.bytes, 0) }];
    })) as CacheInfo['kinds'];
    return { location: this.root, maxBytes: this.maxBytes, bytes: entries.reduce((n, e) => n + e.bytes, 0), entries: entries.length, kinds };
  }

  /**
   * Removes entries, least recently used first, until the cache holds at most
   * `maxBytes` (default: its bound), or every entry with `all`. An entry a running
   * build holds is left alone.
   */
  async prune(o: { all?: boolean; maxBytes?: number } = {}): Promise<PruneResult> {
    const limit = o.all ? 0 : (o.maxBytes ?? this.maxBytes);
    const entries = (await this.entries()).sort((a, b) => a.used.getTime() - b.used.getTime());
    let bytes = entries.reduce((n, e) => n + e.bytes, 0);
    const result: PruneResult = { removed: 0, freedBytes: 0, entries: entries.length, bytes, busy: 0 };
    for (const e of entries) {
      if (bytes <= limit) break;
      let lock;
      try {
        lock = await acquireLock(`${e.path}.lock`, { what: `the cache entry ${e.path}`, tryOnly: true });
      } catch (err) {
        if (!(err instanceof GoscratchError)) throw err;
        result.busy++;
        continue;
      }
      try {
        await rm(e.path, { recursive: true, force: true });
      } finally {
        await lock.release();
      }
      bytes -= e.bytes;
      result.removed++;
      result.freedBytes += e.bytes;
      result.entries--;
    }
    result.bytes = bytes;
    return result;
  }

  /** Prunes to the bound after a write; a cache that cannot be pruned never fails a build. */
  async enforce(): Promise<void> {
    await this.prune().catch(() => undefined);
  }
}
