/**
 * Finding the Go toolchain and asking it about the module: `$GOSCRATCH_GO`, then `go`
 * on PATH; `go env -json` and `go list -json` for the package to build.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BuildError, UsageError } from '../util/errors.js';
import { execCapture } from './exec.js';

export interface GoPackage {
  Dir: string;
  ImportPath: string;
  Name: string;
  Module?: { Path: string; Dir: string; GoVersion?: string; Main?: boolean };
  Error?: { Err: string };
  DepsErrors?: Array<{ Err: string }>;
}

async function isExecutable(p: string): Promise<boolean> {
  return access(p, constants.X_OK).then(() => true, () => false);
}

export async function findGo(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const explicit = env.GOSCRATCH_GO;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new BuildError(`GOSCRATCH_GO=${explicit} is not an executable Go toolchain; point it at a 'go' binary or unset it`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'go');
    if (await isExecutable(p)) return p;
  }
  throw new BuildError('no Go toolchain found: install Go (https://go.dev/dl/) and put `go` on PATH, or set GOSCRATCH_GO to its path');
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

/**
 * Resolves PATH (a directory or a package pattern such as ./cmd/server) to exactly
 * one main package, with its module.
 */
export async function findMainPackage(go: string, cwd: string, pattern: string): Promise<GoPackage> {
  const r = await execCapture(go, ['list', '-e', '-json', '--', checkPackagePattern(pattern)], { cwd });
  if (r.code !== 0 && !r.stdout.trim()) {
    throw new BuildError(`cannot read Go package ${pattern} in ${cwd}:\n${r.stderr.trim()}`);
  }
  const pkgs = parseJsonStream(r.stdout) as GoPackage[];
  if (pkgs.length === 0) throw new BuildError(`no Go package matches ${pattern} in ${cwd}`);
  const broken = pkgs.find((p) => p.Error);
  if (broken?.Error) throw new BuildError(`Go package ${broken.ImportPath}: ${broken.Error.Err}`);
  const mains = pkgs.filter((p) => p.Name === 'main');
  if (mains.length === 0) {
    throw new BuildError(`${pattern} is package ${pkgs[0]!.Name}, not a main package: point goscratch at the directory of a package main (e.g. ./cmd/server)`);
  }
  if (mains.length > 1) {
    throw new BuildError(`${pattern} matches ${mains.length} main packages (${mains.map((p) => p.ImportPath).join(', ')}); build one at a time`);
  }
  return mains[0]!;
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
