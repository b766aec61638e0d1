/**
 * Compiling main packages for one platform: static (CGO_ENABLED=0), -trimpath,
 * stripped (-ldflags "-s -w"), with the user's ldflags, tags, flags and env added.
 * Several packages are one `go build -o DIR/`, so go compiles what they share once
 * (four tools sharing net/http, cold: 77 s, against 180 s for four builds at once).
 * The Go build cache is the user's own, so repeated builds are incremental; the
 * binaries are kept in goscratch's cache (util/cache.ts), keyed by compileKey.
 */
import { copyFile, link, mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../oci/digest.js';
import { Cache } from '../util/cache.js';
import { tempDir } from '../util/fs.js';
import type { Platform } from '../oci/types.js';
import { formatPlatform } from '../oci/platform.js';
import { BuildError } from '../util/errors.js';
import { execCapture } from './exec.js';
import { goSetup } from './goenv.js';
import type { GoRun, HeadStart } from './headstart.js';
import { checkPackagePattern } from './toolchain.js';

export interface CompileOptions {
  go: string;
  /** Directory to run the build in (the module root). */
  dir: string;
  /**
   * Main packages (import paths, or package paths such as ./cmd/server); each binary
   * gets the name `go build -o DIR/` gives it (packages.ts execName).
   */
  packages: readonly string[];
  platform: Platform;
  ldflags?: readonly string[];
  tags?: readonly string[];
  flags?: readonly string[];
  /** KEY=VALUE entries, applied last (so they may override CGO_ENABLED). */
  env?: readonly string[];
  /** Each package go compiles, as `go build -v` names it: progress for long builds. */
  onPackage?: (importPath: string) => void;
}

/** GOOS/GOARCH/GOARM/GOAMD64 for a platform; variants v5-v7 for arm, v1-v4 for amd64. */
export function platformEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  if (p.architecture === 'arm' && p.variant) env.GOARM = p.variant.replace(/^v/, '');
  if (p.architecture === 'amd64' && p.variant) env.GOAMD64 = p.variant;
  return env;
}

/**
 * `go build` writing a binary per package into the directory `outDir`. A `-tags` on
 * the command line replaces the one in GOFLAGS, so the tags of the compile
 * environment's GOFLAGS (`GOFLAGS=-tags=red`) are kept beside goscratch's own
 * (`timetzdata` by default).
 */
export function compileArgs(o: CompileOptions, outDir: string, env: NodeJS.ProcessEnv = {}): string[] {
  const ldflags = ['-s', '-w', ...(o.ldflags ?? [])].join(' ');
  const args = ['build', '-v', '-trimpath', `-ldflags=${ldflags}`];
  const tags = [...new Set([...goflagsTags(env.GOFLAGS), ...(o.tags ?? [])])];
  if (tags.length) args.push(`-tags=${tags.join(',')}`);
  // `--` ends go's flags: a package path is never read as one.
  args.push(...(o.flags ?? []), '-o', outDir.replace(/\/*$/, '/'), '--', ...o.packages.map(checkPackagePattern));
  return args;
}

/** The tags of a GOFLAGS value (`-tags=a,b` or `--tags=a,b`; GOFLAGS entries are space-separated). */
function goflagsTags(goflags: string | undefined): string[] {
  return (goflags ?? '').split(/\s+/).flatMap((f) => /^--?tags=(.*)$/.exec(f)?.[1]?.split(',').filter(Boolean) ?? []);
}

export function compileEnv(o: CompileOptions, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base, CGO_ENABLED: '0', ...platformEnv(o.platform) };
  for (const kv of o.env ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new BuildError(`invalid build env entry ${JSON.stringify(kv)}: use KEY=VALUE`);
    env[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return env;
}

/**
 * Everything besides the sources that decides which binary `go build` makes: the
 * package, platform and flags, the environment Go reads (GO*, CGO_* and the C
 * toolchain's variables, after goscratch's own settings; the `go env -w` file), and
 * which go binary runs. Two builds that differ in any of these never share a binary.
 */
export async function compileKey(o: CompileOptions, env: NodeJS.ProcessEnv): Promise<string> {
  const g = await goSetup(o.go, env);
  return sha256(JSON.stringify([o.dir, o.packages, o.platform, o.ldflags, o.tags, o.flags, g.env, g.envFile, g.binary])).slice(7, 39);
}

/**
 * Compiles into the cache entry for this build's key, under the entry's lock, so an
 * unchanged build is a no-op for Go (it sees the outputs are up to date and skips the
 * link), as `go build -o` is on a developer's machine. The caller gets its own links
 * to the binaries, which a later build or a prune cannot change. A head start that is
 * this very compile and succeeded (headstart.ts) stands for it.
 */
async function compileCached(o: CompileOptions, env: NodeJS.ProcessEnv, cache: Cache, head?: HeadStart): Promise<string> {
  const key = await compileKey(o, env);
  const entry = cache.entryPath('bin', key);
  const bins = join(entry, 'out');
  const run: GoRun = { go: o.go, args: compileArgs(o, bins, env), cwd: o.dir, env };
  const early = await head?.take(run);
  const adopted = early
    ? await (async () => {
        if (early.result.code !== 0 || (await readdir(bins).catch(() => [])).length === 0) return undefined;
        await cache.touch(entry);
        for (const line of early.result.stderr.split('\n')) if (PACKAGE_LINE.test(line)) o.onPackage?.(line);
        return linkOut(bins);
      })().finally(() => early.lock.release())
    : undefined;
  // Without a head start, or after one that failed or whose outputs are gone, go runs
  // as usual (and says what is wrong, if anything is).
  const out =
    adopted ??
    (await cache.withEntry('bin', key, async () => {
      await runGo(o, run);
      await head?.record(run);
      return linkOut(bins);
    }));
  await cache.enforce();
  return out;
}

/** The caller's own links to the binaries in `bins`. */
async function linkOut(bins: string): Promise<string> {
  const own = tempDir('goscratch-build-');
  for (const name of await readdir(bins)) await link(join(bins, name), join(own, name)).catch(() => copyFile(join(bins, name), join(own, name)));
  return own;
}

/** Lines `go build -v` prints for each package it compiles: an import path alone. */
const PACKAGE_LINE = /^[\w.~+-]+(\/[\w.~+-]+)*$/;

async function runGo(o: CompileOptions, run: GoRun): Promise<void> {
  const outDir = run.args[run.args.indexOf('-o') + 1]!;
  await mkdir(outDir, { recursive: true });
  let partial = '';
  const onStderr = (text: string): void => {
    const lines = (partial + text).split('\n');
    partial = lines.pop()!;
    for (const l of lines) if (PACKAGE_LINE.test(l)) o.onPackage?.(l);
  };
  const r = await execCapture(run.go, run.args, { cwd: run.cwd, env: run.env, ...(o.onPackage ? { onStderr } : {}) });
  if (r.code !== 0) {
    // Go's own messages, without the -v package list, and without goscratch's output directory.
    const message = r.stderr.split('\n').filter((l) => !PACKAGE_LINE.test(l)).join('\n').replaceAll(outDir.replace(/\/+$/, ''), '<output directory>').trim();
    throw new BuildError(`go build for ${formatPlatform(o.platform)} failed:\n${message}`);
  }
}

/**
 * Compiles and returns a directory of binaries, one per package, named as
 * `go build -o DIR/` names them; a compile error carries Go's own output.
 */
export async function compile(o: CompileOptions, cache: Cache | false = Cache.fromEnv(), head?: HeadStart): Promise<string> {
  const env = compileEnv(o);
  if (cache) {
    try {
      return await compileCached(o, env, cache, head);
    } catch (e) {
      // A cache that cannot be written (a read-only home) still builds, uncached.
      if (!isFsFailure(e)) throw e;
    }
  }
  await head?.stop();
  const out = tempDir('goscratch-build-');
  await runGo(o, { go: o.go, args: compileArgs(o, out, env), cwd: o.dir, env });
  return out;
}

function isFsFailure(e: unknown): boolean {
  const code = ((e as { cause?: NodeJS.ErrnoException }).cause ?? (e as NodeJS.ErrnoException))?.code;
  return code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOSPC';
}
