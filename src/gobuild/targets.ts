/**
 * What the command line's package arguments mean, before go is asked: the module
 * they are in, and the patterns go will list, relative to the module root. With no
 * argument, as with `go build`, the current directory (when it turns out to be a main
 * package) comes before goscratch.yaml's `main`; at the module root `main` comes first.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { checkPackagePattern } from '../golang/toolchain.js';
import { UsageError } from '../util/errors.js';

export interface Targets {
  moduleDir: string;
  /** Patterns for go, relative to moduleDir (`./cmd/...`) or import paths. */
  patterns: string[];
  /** No argument, below the module root: this directory's package, when it is a main package. */
  current?: string;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

/** The directory holding go.mod at or above `start`; `start` itself when there is none. */
export async function findModuleRoot(start: string): Promise<string> {
  for (let d = start; ; d = dirname(d)) {
    if (await stat(join(d, 'go.mod')).then(() => true, () => false)) return d;
    if (dirname(d) === d) return start;
  }
}

const isPath = (arg: string): boolean => isAbsolute(arg) || arg.startsWith('.');

/** Where to look for the module of an argument: the directory it names, or the one before its `/...`. */
async function startDir(arg: string, cwd: string): Promise<string> {
  const abs = resolve(cwd, arg);
  if (await isDir(abs)) return abs;
  if (isPath(arg)) {
    const prefix = abs.split(`${sep}...`)[0]!;
    if (prefix !== abs && (await isDir(prefix))) return prefix;
  }
  return cwd;
}

/** A directory as a package path relative to the module root: "." or "./sub/dir". */
export function packagePath(root: string, dir: string): string {
  const rel = relative(root, dir);
  return rel === '' ? '.' : './' + rel.split(sep).join('/');
}

async function patternOf(arg: string, cwd: string, moduleDir: string): Promise<string> {
  checkPackagePattern(arg);
  const abs = resolve(cwd, arg);
  if (!isPath(arg) && !(await isDir(abs))) return arg; // an import path, as go reads it
  const p = packagePath(moduleDir, abs);
  if (p === './..' || p.startsWith('./../')) {
    throw new UsageError(`${arg} is outside the module at ${moduleDir}: packages built together come from one module; build each module in its own run`, { input: arg });
  }
  return p;
}

/** The module the arguments are in: the first one's, else the current directory's. */
export async function moduleRootFor(args: readonly string[], cwd: string): Promise<string> {
  return findModuleRoot(args.length ? await startDir(args[0]!, cwd) : cwd);
}

/**
 * The patterns for `args` (package directories, ./paths and patterns, or import
 * paths, all in one module); with none, the current directory and goscratch.yaml's `main`.
 */
export async function chooseTargets(args: readonly string[], cwd: string, moduleDir: string, main: readonly string[]): Promise<Targets> {
  if (args.length) return { moduleDir, patterns: await Promise.all(args.map((a) => patternOf(a, cwd, moduleDir))) };
  if (cwd.startsWith(moduleDir + sep)) return { moduleDir, patterns: [...main], current: packagePath(moduleDir, cwd) };
  return main.length ? { moduleDir, patterns: [...main] } : { moduleDir, patterns: [], current: '.' };
}
