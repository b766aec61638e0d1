/**
 * Compiling one main package for one platform: static (CGO_ENABLED=0), -trimpath,
 * stripped (-ldflags "-s -w"), with the user's ldflags, tags, flags and env added.
 * The Go build cache is the user's own, so repeated builds are incremental.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../oci/digest.js';
import { cacheRoot, tempDir } from '../util/fs.js';
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

export function compileArgs(o: CompileOptions, out: string): string[] {
  const ldflags = ['-s', '-w', ...(o.ldflags ?? [])].join(' ');
  const args = ['build', '-trimpath', `-ldflags=${ldflags}`];
  if (o.tags?.length) args.push(`-tags=${o.tags.join(',')}`);
  // `--` ends go's flags: the package path is never read as one.
  args.push(...(o.flags ?? []), '-o', out, '--', checkPackagePattern(o.importPath));
  return args;
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
 * The binary's path: one per package, platform and options, kept between runs so
 * that an unchanged build is a no-op for Go (it sees the output is up to date and
 * skips the link), as it is for `go build -o` on a developer's machine.
 */
async function outputPath(o: CompileOptions): Promise<string> {
  const key = sha256(JSON.stringify([o.dir, o.importPath, o.platform, o.ldflags, o.tags, o.flags, o.env])).slice(7, 31);
  const dir = join(cacheRoot(), 'bin', key);
  try {
    await mkdir(dir, { recursive: true });
    return join(dir, 'app');
  } catch {
    return join(tempDir('goscratch-build-'), 'app'); // a read-only home still builds
  }
}

/** Compiles and returns the binary's path; a compile error carries Go's own output. */
export async function compile(o: CompileOptions): Promise<string> {
  const out = await outputPath(o);
  const r = await execCapture(o.go, compileArgs(o, out), { cwd: o.dir, env: compileEnv(o) });
  if (r.code !== 0) {
    throw new BuildError(`go build for ${formatPlatform(o.platform)} failed:\n${r.stderr.trim()}`);
  }
  return out;
}
