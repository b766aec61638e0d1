/**
 * Compiling one main package for one platform: static (CGO_ENABLED=0), -trimpath,
 * stripped (-ldflags "-s -w"), with the user's ldflags, tags, flags and env added.
 * The Go build cache is the user's own, so repeated builds are incremental; the
 * binaries are kept in goscratch's cache (util/cache.ts), keyed by compileKey.
 */
import { copyFile, link, realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { sha256 } from '../oci/digest.js';
import { Cache } from '../util/cache.js';
import { readBounded, tempDir } from '../util/fs.js';
import type { Platform } from '../oci/types.js';
import { formatPlatform } from '../oci/platform.js';
import { BuildError } from '../util/errors.js';
import { execCapture } from './exec.js';
import { checkPackagePattern } from './toolchain.js';

export interface CompileOptions {
  go: string;
  /** Directory to run the build in (the module root). */
  dir: string;
  /** Package path or pattern, e.g. example.com/app/cmd/server or ./cmd/server. */
  importPath: string;
  platform: Platform;
  ldflags?: readonly string[];
  tags?: readonly string[];
  flags?: readonly string[];
  /** KEY=VALUE entries, applied last (so they may override CGO_ENABLED). */
  env?: readonly string[];
}

/** GOOS/GOARCH/GOARM/GOAMD64 for a platform; variants v5-v7 for arm, v1-v4 for amd64. */
export function platformEnv(p: Platform): Record<string, string> {
  const env: Record<string, string> = { GOOS: p.os, GOARCH: p.architecture };
  if (p.architecture === 'arm' && p.variant) env.GOARM = p.variant.replace(/^v/, '');
  if (p.architecture === 'amd64' && p.variant) env.GOAMD64 = p.variant;
  return env;
}

/**
 * The `go build` arguments. A `-tags` on the command line replaces the one in GOFLAGS,
 * so the tags of the compile environment's GOFLAGS (`GOFLAGS=-tags=red`) are kept
 * beside goscratch's own (`timetzdata` by default).
 */
export function compileArgs(o: CompileOptions, out: string, env: NodeJS.ProcessEnv = {}): string[] {
  const ldflags = ['-s', '-w', ...(o.ldflags ?? [])].join(' ');
  const args = ['build', '-trimpath', `-ldflags=${ldflags}`];
  const tags = [...new Set([...goflagsTags(env.GOFLAGS), ...(o.tags ?? [])])];
  if (tags.length) args.push(`-tags=${tags.join(',')}`);
  // `--` ends go's flags: the package path is never read as one.
  args.push(...(o.flags ?? []), '-o', out, '--', checkPackagePattern(o.importPath));
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
  const goEnv = Object.entries(env)
    .filter(([k]) => (/^(GO|CGO_)/.test(k) && !k.startsWith('GOSCRATCH_')) || ['CC', 'CXX', 'AR', 'PKG_CONFIG'].includes(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const goenvFile = env.GOENV === 'off' ? undefined : (env.GOENV || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'go', 'env'));
  const goenvText = goenvFile ? await readBounded(goenvFile, 1 << 20, 'the go env file').then((b) => b.toString('utf8'), () => '') : '';
  const goPath = await realpath(o.go).catch(() => o.go);
  const st = await stat(goPath).catch(() => undefined);
  const goBinary = st ? [goPath, st.size, st.mtimeMs, st.ino, st.dev] : [goPath];
  return sha256(JSON.stringify([o.dir, o.importPath, o.platform, o.ldflags, o.tags, o.flags, goEnv, goenvText, goBinary])).slice(7, 39);
}

/**
 * Compiles into the cache entry for this build's key, under the entry's lock, so an
 * unchanged build is a no-op for Go (it sees the output is up to date and skips the
 * link), as `go build -o` is on a developer's machine. The caller gets its own link
 * to the binary, which a later build or a prune cannot change.
 */
async function compileCached(o: CompileOptions, env: NodeJS.ProcessEnv, cache: Cache): Promise<string> {
  const key = await compileKey(o, env);
  const out = await cache.withEntry('bin', key, async (dir) => {
    const bin = join(dir, 'app');
    await runGo(o, bin, env);
    const own = join(tempDir('goscratch-build-'), 'app');
    await link(bin, own).catch(() => copyFile(bin, own));
    return own;
  });
  await cache.enforce();
  return out;
}

async function runGo(o: CompileOptions, out: string, env: NodeJS.ProcessEnv): Promise<void> {
  const r = await execCapture(o.go, compileArgs(o, out, env), { cwd: o.dir, env });
  if (r.code !== 0) {
    throw new BuildError(`go build for ${formatPlatform(o.platform)} failed:\n${r.stderr.trim()}`);
  }
}

/** Compiles and returns the binary's path; a compile error carries Go's own output. */
export async function compile(o: CompileOptions, cache: Cache | false = Cache.fromEnv()): Promise<string> {
  const env = compileEnv(o);
  if (cache) {
    try {
      return await compileCached(o, env, cache);
    } catch (e) {
      // A cache that cannot be written (a read-only home) still builds, uncached.
      if (!isFsFailure(e)) throw e;
    }
  }
  const out = join(tempDir('goscratch-build-'), 'app');
  await runGo(o, out, env);
  return out;
}

function isFsFailure(e: unknown): boolean {
  const code = ((e as { cause?: NodeJS.ErrnoException }).cause ?? (e as NodeJS.ErrnoException))?.code;
  return code === 'EACCES' || code === 'EROFS' || code === 'EPERM' || code === 'ENOSPC';
}
