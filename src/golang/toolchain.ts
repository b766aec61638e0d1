/**
 * Finding the Go toolchain and asking it about the module. The module's go.mod says
 * which Go it needs (`go` and `toolchain` lines); the Go found (`$GOSCRATCH_GO`, else
 * `go` on PATH) builds it when it is new enough. Otherwise, as `GOTOOLCHAIN=auto`
 * does, the right release is downloaded into goscratch's cache (download.ts) and
 * used instead, unless downloads are forbidden (`GOSCRATCH_TOOLCHAIN=local`,
 * `GOTOOLCHAIN=local` or `build.toolchain: local`): then the error says which
 * version is needed and how to provide it. Which packages to build is packages.ts.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { readBuildInfo } from '../binary/buildinfo.js';
import { withFile } from '../binary/bytes.js';
import { parseElf } from '../binary/elf.js';
import { readBounded } from '../util/fs.js';
import { Cache } from '../util/cache.js';
import { BuildError, UsageError, withContext } from '../util/errors.js';
import { silentLogger, type Logger } from '../util/log.js';
import { execCapture } from './exec.js';
import { parseGoMod } from './gomod.js';
import { locateGo } from './locate.js';
import { compareGoVersions, releaseName, reportedVersion, requirement, type GoVersion, type Requirement } from './version.js';

/** The go binary to run, and the KEY=VALUE entries every go command gets (before the user's build.env). */
export interface Toolchain {
  go: string;
  env: string[];
}

export interface ToolchainPolicy {
  /** `auto` downloads a release when the Go found is missing or too old; `local` never does. */
  mode: 'auto' | 'local';
  /** What made it `local` (for the error), e.g. "GOSCRATCH_TOOLCHAIN=local". */
  setBy?: string;
  /** Where releases are downloaded from (download.ts checkDownloadUrl). */
  url: string;
}

export const DEFAULT_TOOLCHAIN_URL = 'https://go.dev/dl/';

/**
 * The toolchain policy from the environment and goscratch.yaml's build.toolchain
 * (environment first). The download base comes from the environment only: a project
 * must not choose where a program goscratch runs comes from.
 */
export function toolchainPolicy(env: NodeJS.ProcessEnv, configured: 'auto' | 'local' | undefined): ToolchainPolicy {
  const url = checkDownloadUrl(env.GOSCRATCH_TOOLCHAIN_URL || DEFAULT_TOOLCHAIN_URL, 'GOSCRATCH_TOOLCHAIN_URL');
  const own = env.GOSCRATCH_TOOLCHAIN;
  if (own) {
    if (own !== 'auto' && own !== 'local') throw new UsageError(`GOSCRATCH_TOOLCHAIN=${JSON.stringify(own)}: use auto (download a Go release when needed, the default) or local (never)`, { input: 'GOSCRATCH_TOOLCHAIN' });
    return own === 'local' ? { mode: 'local', setBy: 'GOSCRATCH_TOOLCHAIN=local', url } : { mode: 'auto', url };
  }
  if (env.GOTOOLCHAIN === 'local') return { mode: 'local', setBy: 'GOTOOLCHAIN=local', url };
  if (configured === 'local') return { mode: 'local', setBy: 'build.toolchain: local (goscratch.yaml)', url };
  return { mode: 'auto', url };
}

/**
 * The download base: https, or plain http to this machine only (a test server, a local
 * mirror), since the checksums come from the same place as the archive.
 */
export function checkDownloadUrl(value: string, from: string): string {
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw new UsageError(`${from}=${JSON.stringify(value)} is not a URL: give the base the release files are under, e.g. https://go.dev/dl/`, { input: from });
  }
  const loopback = /^(127\.\d+\.\d+\.\d+|\[::1\]|localhost)$/.test(u.hostname);
  if (u.protocol !== 'https:' && !(u.protocol === 'http:' && loopback)) {
    throw new UsageError(`${from}=${u.origin}: toolchains are downloaded over https only (plain http only from this machine), since their checksums come from the same server`, { input: from });
  }
  if (u.username || u.password || u.search || u.hash) throw new UsageError(`${from}: give a plain base URL, without credentials, query or fragment`, { input: from });
  return u.href.endsWith('/') ? u.href : u.href + '/';
}

const noGo = (): BuildError => new BuildError('no Go toolchain found: install Go (https://go.dev/dl/) and put `go` on PATH, or set GOSCRATCH_GO to its path');

/**
 * The version `go version` reports, asked outside any module so that go never switches
 * toolchains to answer. The go command's own build info holds the same answer (both are
 * runtime.Version() of the binary), read in about a millisecond instead of a process
 * start; only a binary that is cmd/go itself answers that way, so a wrapper (a script,
 * golang.org/dl's go1.N.M, a shim) is still run.
 */
export async function goVersion(go: string, env: NodeJS.ProcessEnv = process.env): Promise<GoVersion | 'devel' | undefined> {
  const own = builtVersion(go);
  if (own !== undefined) return own;
  const r = await execCapture(go, ['version'], { cwd: '/', env: { ...env, GOTOOLCHAIN: 'local' } });
  if (r.code !== 0) throw new BuildError(`${go} does not run (\`go version\` exited ${r.code}): ${r.stderr.trim().slice(0, 500)}`, { input: go });
  return reportedVersion(r.stdout);
}

/** cmd/go's version from its build info; undefined when `go` is not cmd/go's binary or has none. */
function builtVersion(go: string): GoVersion | 'devel' | undefined {
  try {
    const bi = withFile(go, (src) => readBuildInfo(parseElf(src)));
    return bi?.path === 'cmd/go' ? reportedVersion(`go version ${bi.goVersion}`) : undefined;
  } catch {
    return undefined;
  }
}

/** The Go versions the module in `dir` asks for; undefined without a go.mod. */
export async function moduleRequirement(dir: string): Promise<Requirement | undefined> {
  const file = join(dir, 'go.mod');
  if (!(await stat(file).catch(() => undefined))) return undefined;
  return requirement(parseGoMod((await readBounded(file, 1 << 20, file)).toString('utf8'), file), file);
}

/**
 * The Go that builds the module in `moduleDir`: the one found when it is new enough,
 * else a release downloaded into the cache (announced in one line on `log`).
 */
export async function selectToolchain(moduleDir: string, policy: ToolchainPolicy, o: { log?: Logger; env?: NodeJS.ProcessEnv } = {}): Promise<Toolchain> {
  const env = o.env ?? process.env;
  const [req, found] = await Promise.all([moduleRequirement(moduleDir), locateGo(env)]);
  // GOTOOLCHAIN=local: the go line is still enforced by go itself, but go never fetches a newer toolchain on its own.
  const pinned = policy.mode === 'local' ? ['GOTOOLCHAIN=local'] : [];
  if (!req) {
    if (found) return { go: found, env: pinned };
    throw noGo();
  }
  // GOTOOLCHAIN=auto runs the toolchain line's release when it is newer; local only needs the go line.
  const want = policy.mode === 'local' ? req.go : req.toolchain;
  let have = 'no Go is installed (no go on PATH, GOSCRATCH_GO unset)';
  if (found) {
    const version = await goVersion(found, env);
    if (version === undefined || version === 'devel' || compareGoVersions(version, want) >= 0) return { go: found, env: pinned };
    have = `the Go found (${found}) is go${version.text}`;
  }
  const line = want === req.go ? 'go line' : 'toolchain line';
  if (policy.mode === 'local') {
    throw new UsageError(`the module in ${moduleDir} needs Go ${want.text} or newer (its go.mod ${line}), but ${have}, and ${policy.setBy ?? 'GOSCRATCH_TOOLCHAIN=local'} forbids downloading one`, {
      input: join(moduleDir, 'go.mod'),
      hint: `install Go ${want.text} or newer and put its bin directory on PATH, or set GOSCRATCH_GO=/path/to/go; or let goscratch download ${releaseName(want)} by removing ${policy.setBy ?? 'GOSCRATCH_TOOLCHAIN=local'}`,
    });
  }
  // Loaded only when needed: most builds never download a toolchain.
  const { installToolchain } = await import('./download.js');
  const why = `go.mod's ${line} asks for ${releaseName(want)} and ${have}`;
  const goroot = await installToolchain(releaseName(want), { baseUrl: policy.url, cacheRoot: Cache.fromEnv(env).root, why, log: o.log ?? silentLogger, env }).catch((e: unknown) => {
    throw withContext(e, `${why}, but goscratch could not download it`);
  });
  // GOROOT: a GOROOT in the environment (another Go's) must not steer the downloaded go.
  return { go: join(goroot, 'bin', 'go'), env: ['GOTOOLCHAIN=local', `GOROOT=${goroot}`] };
}

/** KEY=VALUE entries over an environment. */
export function withEnv(env: NodeJS.ProcessEnv, entries: readonly string[]): NodeJS.ProcessEnv {
  const out = { ...env };
  for (const kv of entries) {
    const i = kv.indexOf('=');
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

/**
 * Refuses a package path that go would read as a flag (`-toolexec=x.sh` runs x.sh).
 * Every go command also gets `--` before its packages; this says what was wrong.
 */
export function checkPackagePattern(pattern: string): string {
  if (pattern.startsWith('-')) {
    throw new UsageError(`package path ${JSON.stringify(pattern)} begins with "-", so go would read it as a flag: name a package, e.g. ./cmd/server or example.com/app/cmd/server`, { input: pattern });
  }
  if (pattern === '') throw new UsageError('the package path is empty: name a package, e.g. . or ./cmd/server');
  return pattern;
}

