/**
 * `go list` answers kept between runs (the cache's `lists` kind), so a repeat build
 * asks go nothing it already knows. An answer is reused only when nothing it depends
 * on can have changed:
 * - the question (directory, patterns) and the go setup (goenv.ts: the go binary,
 *   the variables go reads, the `go env -w` file; PATH too when CGO_ENABLED is unset,
 *   since cgo's default depends on finding a C compiler) are the entry's key;
 * - every file go.mod, go.work and go.work.sum in the directory and above it, and
 *   go.mod, go.sum and vendor/modules.txt of every module on disk that the answer
 *   touches, by content;
 * - the listing (names, and for the files go reads their sizes, mtimes, ctimes and
 *   inodes, links followed) of every directory of a package that is not standard nor in the module cache, the answer's
 *   own and their dependencies' (a file's package clause, imports or build
 *   constraints decide names, errors and dependencies), of the directories between
 *   them and their module's root (a new go.mod there splits the module), and of every
 *   directory a `./dir/...` pattern walks (a new package must be found).
 * An answer with any error is never kept, nor one whose files changed within two
 * seconds of the `go list` (a change during it could go unseen, as git's "racy"
 * index entries), nor one for patterns that name no directories (`all`, `std`,
 * `example.com/app/...`), nor with -modfile, -overlay, GOWORK or GO111MODULE set
 * through `go env -w` or GOFLAGS that way.
 */
import { mkdir, readdir, stat } from 'node:fs/promises';
import type { BigIntStats, Dirent } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { sha256 } from '../oci/digest.js';
import type { Cache } from '../util/cache.js';
import { readBounded, writeFileAtomic } from '../util/fs.js';
import { goSetup } from './goenv.js';
import type { GoPackage } from './packages.js';

/** A package as `go list -deps` prints it. */
export interface ListedPackage extends GoPackage {
  DepOnly?: boolean;
  Standard?: boolean;
}

/** What an answer depends on: directories by their listings, files by their content. */
interface Stamp {
  dirs: string[];
  files: string[];
}

interface Entry {
  format: typeof FORMAT;
  stamp: Stamp;
  digest: string;
  packages: GoPackage[];
}

const FORMAT = 1;
const RACY_MS = 2000;
const MAX_ENTRY = 64 * 2 ** 20;

/** A cached answer, and how to keep a new one. */
export interface ListCacheSlot {
  hit?: GoPackage[];
  store(listed: readonly ListedPackage[], started: number): Promise<void>;
}

const isRelative = (p: string): boolean => p === '.' || p === '..' || p.startsWith('./') || p.startsWith('../') || p.startsWith('/');

/** Patterns naming directories or single packages; meta-patterns and import-path wildcards are not. */
const cacheable = (p: string): boolean => isRelative(p) || (!p.includes('...') && /[./]/.test(p));

/** The slot for one question, or undefined when its answer is never kept. */
export async function listCacheSlot(cache: Cache, go: string, dir: string, patterns: readonly string[], env: NodeJS.ProcessEnv): Promise<ListCacheSlot | undefined> {
  const setup = await goSetup(go, env);
  if (!patterns.every(cacheable) || env.GO111MODULE === 'off' || /-modfile|-overlay/.test(`${env.GOFLAGS ?? ''} ${setup.envFile}`) || /GOWORK|GO111MODULE/.test(setup.envFile)) return undefined;
  const key = sha256(JSON.stringify([FORMAT, dir, patterns, setup, env.CGO_ENABLED ? undefined : env.PATH])).slice(7, 39);
  const file = cache.entryPath('lists', key);
  const hit = await readEntry(file).catch(() => undefined);
  if (hit) await cache.touch(file);
  return {
    ...(hit ? { hit } : {}),
    store: async (listed, started) => {
      if (listed.some((p) => p.Error || p.DepsErrors?.length)) return;
      const stamp = { dirs: [...new Set([...packageDirs(listed, dir), ...(await walked(dir, patterns))])], files: stampFiles(listed, dir, env) };
      const now = await digest(stamp);
      if (now.newest >= started - RACY_MS) return;
      const entry: Entry = { format: FORMAT, stamp, digest: now.digest, packages: listed.filter((p) => !p.DepOnly) };
      await mkdir(dirname(file), { recursive: true });
      await writeFileAtomic(file, JSON.stringify(entry), undefined, { links: false });
      await cache.enforce();
    },
  };
}

async function readEntry(file: string): Promise<GoPackage[] | undefined> {
  const e = JSON.parse((await readBounded(file, MAX_ENTRY, 'a cached package list')).toString('utf8')) as Entry;
  if (e.format !== FORMAT) return undefined;
  return (await digest(e.stamp)).digest === e.digest ? e.packages : undefined;
}

/** The module a package comes from is on disk here: the main one, a workspace's, a directory replacement, or vendored. */
function onDisk(p: ListedPackage, dir: string): boolean {
  if (p.Standard) return false;
  const m = p.Module;
  return !m?.Version || (m.Replace !== undefined && !m.Replace.Version) || within(p.Dir, dir);
}

const within = (path: string, root: string): boolean => path === root || path.startsWith(root.endsWith(sep) ? root : root + sep);

/** Directories of on-disk packages, with those between each and its module's root. */
function packageDirs(listed: readonly ListedPackage[], dir: string): string[] {
  const out: string[] = [];
  for (const p of listed.filter((p) => onDisk(p, dir))) {
    const root = p.Module?.Dir && within(p.Dir, p.Module.Dir) ? p.Module.Dir : within(p.Dir, dir) ? dir : p.Dir;
    for (let d = p.Dir; ; d = dirname(d)) {
      out.push(d);
      if (d === root || d === dirname(d)) break;
    }
  }
  return out;
}

/** Files read by content: go.mod, go.work and go.work.sum up to the root, and each on-disk module's own. */
function stampFiles(listed: readonly ListedPackage[], dir: string, env: NodeJS.ProcessEnv): string[] {
  const out: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    out.push(join(d, 'go.mod'), join(d, 'go.work'), join(d, 'go.work.sum'));
    if (d === dirname(d)) break;
  }
  if (env.GOWORK && env.GOWORK !== 'off') out.push(resolve(dir, env.GOWORK), resolve(dir, env.GOWORK) + '.sum');
  const modules = new Set([dir, ...listed.filter((p) => onDisk(p, dir) && p.Module?.Dir).map((p) => p.Module!.Dir)]);
  for (const m of modules) out.push(join(m, 'go.mod'), join(m, 'go.sum'), join(m, 'vendor', 'modules.txt'));
  return [...new Set(out)];
}

/** Every directory the `...` patterns could match a package in, as go walks them (no `.x`, `_x` or testdata). */
async function walked(dir: string, patterns: readonly string[]): Promise<string[]> {
  const roots = patterns.filter((p) => p.includes('...')).map((p) => {
    const prefix = p.slice(0, p.indexOf('...'));
    return resolve(dir, prefix.endsWith('/') ? prefix : dirname(prefix));
  });
  const out: string[] = [];
  const walk = async (d: string): Promise<void> => {
    out.push(d);
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    await Promise.all(entries.filter((e) => e.isDirectory() && !/^[._]/.test(e.name) && e.name !== 'testdata').map((e) => walk(join(d, e.name))));
  };
  await Promise.all(roots.map(walk));
  return out;
}

/** Files go reads in a package directory (go/build's source kinds, and a nested module's go.mod). */
const SOURCE = /(\.(go|c|cc|cxx|cpp|m|h|hh|hpp|hxx|f|F|for|f90|s|S|sx|swig|swigcxx|syso)|^go\.mod)$/;

/**
 * A digest of the stamp's directories and files as they are now, and the newest
 * change among them (ms). Other files in a directory count by name and type only
 * (an //go:embed pattern sees no more), so an output written next to the sources,
 * renamed into place, changes nothing.
 */
async function digest(stamp: Stamp): Promise<{ digest: string; newest: number }> {
  let newest = 0;
  const stamped = async (path: string): Promise<BigIntStats | undefined> => {
    const st = await stat(path, { bigint: true }).catch(() => undefined);
    if (st) newest = Math.max(newest, Number(st.ctimeNs / 1_000_000n));
    return st;
  };
  const listing = async (d: string): Promise<string[]> => {
    const [entries] = await Promise.all([readdir(d, { withFileTypes: true }).catch(() => [] as Dirent[]), stamped(d)]);
    return Promise.all(entries.sort((a, b) => (a.name < b.name ? -1 : 1)).map(async (e) => {
      if (!SOURCE.test(e.name)) return `${e.name} ${e.isDirectory() ? 'd' : e.isSymbolicLink() ? 'l' : 'f'}`;
      const st = await stamped(join(d, e.name));
      return st ? `${e.name} ${st.isDirectory() ? 'd' : 'f'} ${st.size} ${st.mtimeNs} ${st.ctimeNs} ${st.ino}` : `${e.name} -`;
    }));
  };
  const content = async (f: string): Promise<string> => {
    const [bytes] = await Promise.all([readBounded(f, MAX_ENTRY, f, { optional: true }), stamped(f)]);
    return bytes ? sha256(bytes) : '-';
  };
  const parts = await Promise.all([...stamp.dirs.map(listing), ...stamp.files.map(content)]);
  return { digest: sha256(JSON.stringify([stamp, parts])), newest };
}
