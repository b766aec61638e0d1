/**
 * `goscratch init`: detects the module's Go version, main package and port, and writes
 * a Dockerfile, .dockerignore, Makefile and goscratch.yaml. Nothing is overwritten
 * unless forced, and nothing is written if any target exists.
 */
import { access } from 'node:fs/promises';
import { join } from 'node:path';
import { GoscratchError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { binaryName } from '../gobuild/pipeline.js';
import { detectPort, findMainPackages, goMinorVersion, importPath, readGoMod } from './gomod.js';
import { DEFAULT_PLATFORMS, DEFAULT_UID, DEFAULT_USER, configFile, dockerfile, dockerignore, makefile, type InitPlan } from './templates.js';

export interface InitOptions {
  /** Main package to build (`./cmd/api`); needed when the module has several. */
  package?: string;
  builderImage?: string;
  port?: number;
  platforms?: string[];
  force?: boolean;
}

export interface InitResult {
  plan: InitPlan;
  /** Absolute paths written, in order. */
  files: string[];
}

export async function planInit(dir: string, opts: InitOptions = {}): Promise<InitPlan> {
  const mod = await readGoMod(dir);
  const goVersion = goMinorVersion(mod);
  const pkg = await choosePackage(dir, opts.package);
  const port = opts.port ?? (await detectPort(dir, pkg));
  return {
    module: mod.module,
    goVersion,
    builderImage: opts.builderImage ?? `golang:${goVersion}-alpine`,
    package: pkg,
    binary: binaryName(importPath(mod.module, pkg)),
    ...(port === undefined ? {} : { port }),
    hasGoSum: await exists(join(dir, 'go.sum')),
    platforms: opts.platforms ?? DEFAULT_PLATFORMS,
    user: DEFAULT_USER,
    uid: DEFAULT_UID,
  };
}

export function renderInit(plan: InitPlan): Record<string, string> {
  return {
    Dockerfile: dockerfile(plan),
    '.dockerignore': dockerignore(),
    Makefile: makefile(plan),
    'goscratch.yaml': configFile(plan),
  };
}

export async function initProject(dir: string, opts: InitOptions = {}): Promise<InitResult> {
  const plan = await planInit(dir, opts);
  const files = Object.entries(renderInit(plan)).map(([name, text]) => ({ path: join(dir, name), name, text }));
  if (!opts.force) {
    const present = [];
    for (const f of files) if (await exists(f.path)) present.push(f.name);
    if (present.length > 0) {
      throw new GoscratchError(`${present.join(', ')} already exist${present.length === 1 ? 's' : ''} in ${dir}: nothing was written; use --force to overwrite`);
    }
  }
  for (const f of files) await writeFileAtomic(f.path, f.text);
  return { plan, files: files.map((f) => f.path) };
}

async function choosePackage(dir: string, wanted: string | undefined): Promise<string> {
  const mains = await findMainPackages(dir);
  if (wanted !== undefined) {
    const norm = normalizePackage(wanted);
    if (!mains.includes(norm)) {
      throw new GoscratchError(`${wanted} is not a main package of the module in ${dir}${mains.length ? `: main packages are ${mains.join(', ')}` : ''}`);
    }
    return norm;
  }
  if (mains.length === 0) throw new GoscratchError(`no main package (package main) found in ${dir}: add one, or run goscratch init in the module that has it`);
  if (mains.length === 1) return mains[0]!;
  throw new GoscratchError(`the module has several main packages (${mains.join(', ')}): choose one with --package`);
}

/** `cmd/api`, `./cmd/api/` and `./cmd/api` are one package. */
function normalizePackage(p: string): string {
  const s = p.replace(/^\.\//, '').replace(/\/+$/, '');
  return s === '' || s === '.' ? '.' : './' + s;
}

async function exists(p: string): Promise<boolean> {
  try {
    await access(p);
    return true;
  } catch {
    return false;
  }
}
