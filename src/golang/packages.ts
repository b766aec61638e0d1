/**
 * Asking go which packages a build means: one `go list -e -deps` of every pattern at
 * once (`.`, `./cmd/server`, `./cmd/...`, import paths), then the main packages among
 * them, as `go build` and ko choose them. The answer is kept in goscratch's cache
 * (listcache.ts) and reused while nothing it depends on changes.
 */
import { resolve } from 'node:path';
import { Cache } from '../util/cache.js';
import { BuildError } from '../util/errors.js';
import { execCapture } from './exec.js';
import { listCacheSlot, type ListedPackage } from './listcache.js';
import { checkPackagePattern, withEnv } from './toolchain.js';

export interface GoPackage {
  Dir: string;
  ImportPath: string;
  Name: string;
  Module?: { Path: string; Dir: string; GoVersion?: string; Main?: boolean; Version?: string; Replace?: { Version?: string } };
  Error?: { Err: string };
  DepsErrors?: Array<{ Err: string }>;
}

export const isWildcard = (pattern: string): boolean => pattern.includes('...');

/**
 * The fields goscratch reads: naming them spares go working out staleness (`Stale`),
 * a third of a warm `go list`. DepOnly and Standard tell the dependencies apart.
 */
const FIELDS = 'Name,Dir,ImportPath,Module,Error,DepsErrors,DepOnly,Standard';

/**
 * Every package the patterns match, in go's order (dependencies first); a package go
 * cannot load keeps its `Error`. `env` (KEY=VALUE, the toolchain's) is set over the
 * process environment. The dependencies are listed too, for the cache to know which
 * directories the answer depends on.
 */
export async function listPackages(go: string, dir: string, patterns: readonly string[], env: readonly string[] = [], cache: Cache | false = Cache.fromEnv()): Promise<GoPackage[]> {
  const goEnv = withEnv(process.env, env);
  const args = patterns.map(checkPackagePattern);
  // A cache that cannot be read or written never fails a build.
  const slot = cache ? await listCacheSlot(cache, go, dir, patterns, goEnv).catch(() => undefined) : undefined;
  if (slot?.hit) return slot.hit;
  const started = Date.now();
  const list = (json: string) => execCapture(go, ['list', '-e', '-deps', json, '--', ...args], { cwd: dir, env: goEnv });
  let r = await list(`-json=${FIELDS}`);
  // Go before 1.19 knows only the plain -json.
  if (r.code !== 0 && !r.stdout.trim() && /-json/.test(r.stderr)) r = await list('-json');
  if (r.code !== 0 && !r.stdout.trim()) {
    throw new BuildError(`cannot read Go package ${patterns.join(' ')} in ${dir}:\n${r.stderr.trim()}`);
  }
  const listed = parseJsonStream(r.stdout) as ListedPackage[];
  if (r.code === 0) await slot?.store(listed, started).catch(() => undefined);
  return listed.filter((p) => !p.DepOnly);
}

/** Whether `pkg` is the one an exact (non-wildcard) pattern names, run in `dir`. */
export function named(pkg: GoPackage, pattern: string, dir: string): boolean {
  return pkg.ImportPath === pattern || (pattern.startsWith('.') && resolve(dir, pattern) === pkg.Dir);
}

/**
 * The main packages the patterns select. A package named exactly must be a main
 * package; a wildcard (`./cmd/...`) takes the main packages it matches and skips the
 * others, and must match at least one.
 */
export function mainPackages(pkgs: readonly GoPackage[], patterns: readonly string[], dir: string): GoPackage[] {
  const broken = pkgs.find((p) => p.Error && (p.Name === 'main' || patterns.some((x) => !isWildcard(x) && named(p, x, dir))));
  if (broken?.Error) throw new BuildError(`Go package ${broken.ImportPath}: ${broken.Error.Err}`);
  for (const x of patterns.filter((x) => !isWildcard(x))) {
    const p = pkgs.find((p) => named(p, x, dir));
    if (p && p.Name !== 'main') {
      throw new BuildError(`${x} is package ${p.Name}, not a main package: point goscratch at the directory of a package main (e.g. ./cmd/server), or at several with ./cmd/...`);
    }
  }
  const mains = pkgs.filter((p) => p.Name === 'main' && !p.Error);
  if (mains.length === 0) {
    throw new BuildError(`no main package matches ${patterns.join(' ')} in ${dir}${pkgs.length ? ` (it matches ${pkgs.slice(0, 5).map((p) => `${p.ImportPath} (package ${p.Name})`).join(', ')})` : ''}`);
  }
  return mains;
}

/** The main packages of the module in `dir`, as ./paths, for "which one did you mean?" messages. */
export async function moduleMains(go: string, dir: string, env: readonly string[] = []): Promise<string[]> {
  const pkgs = await listPackages(go, dir, ['./...'], env).catch(() => []);
  return pkgs.filter((p) => p.Name === 'main' && !p.Error).map((p) => relativePackage(dir, p.Dir));
}

/** A package directory as go's relative form: "." or "./cmd/server". */
export function relativePackage(root: string, dir: string): string {
  const rel = dir === root ? '' : dir.startsWith(root + '/') ? dir.slice(root.length + 1) : undefined;
  return rel === undefined ? dir : rel === '' ? '.' : `./${rel}`;
}

/**
 * The file name `go build -o DIR/` gives a main package's binary (cmd/go's
 * DefaultExecName): the last element of the import path, or the one before it when
 * that is a major version (`example.com/app/v2` -> `app`; v0 and v1 are not versions).
 */
export function execName(importPath: string): string {
  const parts = importPath.split('/');
  const last = parts[parts.length - 1]!;
  return parts.length > 1 && /^v([2-9]|[1-9]\d+)$/.test(last) ? parts[parts.length - 2]! : last;
}

/** `go list -json` prints concatenated JSON objects, not an array. */
function parseJsonStream(text: string): unknown[] {
  const out: unknown[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') inString = true;
    else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}' && --depth === 0) out.push(JSON.parse(text.slice(start, i + 1)));
  }
  return out;
}
