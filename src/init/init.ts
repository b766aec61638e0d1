/**
 * `goscratch init`: detects the module's Go version, main package, port and vendoring,
 * and writes a Dockerfile, .dockerignore, goscratch.mk (plus a Makefile that includes it
 * when the project has none) and goscratch.yaml. A file that exists is left alone and
 * said so, unless forced; the project's Makefile is never replaced.
 */
import { join } from 'node:path';
import { loadConfig } from '../config/load.js';
import { binaryName } from '../gobuild/pipeline.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { parseReference } from '../oci/reference.js';
import { GoscratchError, InputError, UsageError } from '../util/errors.js';
import { writeFileAtomic } from '../util/fs.js';
import { clashingTargets, describeLint, ignoresVendor, includesFragment, lintSummary, missingIgnores, type LintSummary } from './existing.js';
import { isFile, pathKind, readSmallFile } from './files.js';
import { checkGoPath, findMainPackages, goMinorVersion, hasVendor, importPath, readGoMod, unsafeElement } from './gomod.js';
import { detectPort } from './ports.js';
import { DEFAULT_USER } from '../image/scratch.js';
import { DEFAULT_PLATFORMS, MAKE_FRAGMENT, configFile, dockerfile, dockerignore, makeFragment, makefile, type InitPlan } from './templates.js';

export interface InitOptions {
  /** Main package to build (`./cmd/api`); by default goscratch.yaml's `main`, `.`, or the one named after the module. */
  main?: string;
  builderImage?: string;
  port?: number;
  platforms?: string[];
  /** Replace an existing Dockerfile, .dockerignore, goscratch.mk and goscratch.yaml (never the project's Makefile). */
  force?: boolean;
}

export interface InitResult {
  plan: InitPlan;
  /** Absolute paths written, in order. */
  files: string[];
  /** Files that exist and were left as they were, each with what to do about it. */
  kept: Array<{ file: string; note: string }>;
  /** The line the project's Makefile needs to use goscratch.mk, when it lacks it. */
  include?: string;
  /** What goscratch lint finds in a Dockerfile that was kept. */
  dockerfileLint?: LintSummary;
  /** What the user should check: other ports seen, a port below 1024, a clash with the Makefile. */
  warnings: string[];
}

// Names GNU make reads, in its order; a project with any of them has its own Makefile.
const MAKEFILES = ['GNUmakefile', 'makefile', 'Makefile'];
const MAX_PROJECT_FILE = 1 << 20;

export async function planInit(dir: string, opts: InitOptions = {}): Promise<{ plan: InitPlan; warnings: string[] }> {
  const mod = await readGoMod(dir);
  checkGoPath(mod.module, `the module path in ${join(dir, 'go.mod')}`, 'change the module line (go mod edit -module example.com/NEW)');
  const goVersion = goMinorVersion(mod);
  const { pkg, from } = await choosePackage(dir, mod.module, opts.main);
  const binary = binaryName(importPath(mod.module, pkg));
  const warnings: string[] = [];
  let port = opts.port;
  let portFrom = port === undefined ? undefined : '--port';
  if (port === undefined) {
    const found = await detectPort(dir, mod.module, pkg);
    if (found.best) {
      port = found.best.port;
      portFrom = `${found.best.at}: ${found.best.why}`;
    }
    if (found.others.length) {
      warnings.push(`other ports in the sources: ${found.others.map((o) => `${o.port} (${o.at}: ${o.why})`).join(', ')}; EXPOSE ${port} was chosen, --port chooses another`);
    }
  }
  if (port !== undefined && port < 1024) {
    warnings.push(`port ${port} is below 1024: the image runs as uid ${DEFAULT_USER.uid}, and not every runtime lets a non-root user bind it; make the app listen above 1024 and pass --port`);
  }
  const plan: InitPlan = {
    module: mod.module,
    goVersion,
    builderImage: opts.builderImage === undefined ? `golang:${goVersion}-alpine` : checkImage(opts.builderImage),
    package: pkg,
    packageFrom: from,
    binary,
    ...(port === undefined ? {} : { port, portFrom: portFrom! }),
    hasGoSum: await isFile(join(dir, 'go.sum')),
    vendor: await hasVendor(dir),
    platforms: (opts.platforms ?? DEFAULT_PLATFORMS).map((p) => formatPlatform(parsePlatform(p))),
    user: DEFAULT_USER.name,
    uid: DEFAULT_USER.uid,
  };
  return { plan, warnings };
}

/** The builder image as given, when it is one reference with nothing around it (it goes into the Dockerfile). */
function checkImage(ref: string): string {
  try {
    if (ref !== ref.trim()) throw new GoscratchError('it has surrounding white space');
    parseReference(ref);
    return ref;
  } catch (e) {
    throw new UsageError(`--builder-image ${JSON.stringify(ref)}: ${(e as Error).message}`, { hint: 'give an image reference such as golang:1.23-alpine or registry.example.com/go:1.23' });
  }
}

interface Target {
  name: string;
  text: string;
}

export async function initProject(dir: string, opts: InitOptions = {}): Promise<InitResult> {
  const { plan, warnings } = await planInit(dir, opts);
  const result: InitResult = { plan, files: [], kept: [], warnings };
  const projectMakefile = await firstExisting(dir, MAKEFILES);
  const targets: Target[] = [
    { name: 'Dockerfile', text: dockerfile(plan) },
    { name: '.dockerignore', text: dockerignore() },
    { name: MAKE_FRAGMENT, text: makeFragment(plan) },
    ...(projectMakefile ? [] : [{ name: 'Makefile', text: makefile(plan) }]),
    { name: 'goscratch.yaml', text: configFile(plan) },
  ];
  const write: Target[] = [];
  for (const t of targets) {
    const kind = await pathKind(join(dir, t.name));
    if (kind === 'absent') write.push(t);
    else if (!opts.force) result.kept.push({ file: t.name, note: await keptNote(dir, t.name, kind, plan, result) });
    else if (kind === 'file') write.push(t);
    else throw new InputError(`${join(dir, t.name)} is not a regular file (${kind}): init replaces only regular files; move it away first`, { input: join(dir, t.name) });
  }
  if (projectMakefile) result.kept.push({ file: projectMakefile, note: await makefileNote(dir, projectMakefile, result) });
  for (const t of write) {
    await writeFileAtomic(join(dir, t.name), t.text);
    result.files.push(join(dir, t.name));
  }
  return result;
}

async function firstExisting(dir: string, names: readonly string[]): Promise<string | undefined> {
  for (const n of names) if ((await pathKind(join(dir, n))) !== 'absent') return n;
  return undefined;
}

/** The project's own text of a file, or undefined when it cannot be read as a small regular file. */
async function projectText(dir: string, name: string): Promise<string | undefined> {
  return readSmallFile(join(dir, name), MAX_PROJECT_FILE).catch(() => undefined);
}

async function makefileNote(dir: string, name: string, result: InitResult): Promise<string> {
  const text = await projectText(dir, name);
  const clash = text === undefined ? [] : clashingTargets(text);
  if (clash.length) {
    result.warnings.push(`${name} defines ${clash.join(', ')} too: with both, make runs the recipe defined last; goscratch's stays reachable as make -f ${MAKE_FRAGMENT} ${clash[0]}`);
  }
  if (text !== undefined && includesFragment(text)) return `left as is; it includes ${MAKE_FRAGMENT} already`;
  result.include = `include ${MAKE_FRAGMENT}`;
  return `left as is; goscratch's targets are in ${MAKE_FRAGMENT}: add the line "include ${MAKE_FRAGMENT}" at its end, or run make -f ${MAKE_FRAGMENT} image`;
}

async function keptNote(dir: string, name: string, kind: string, plan: InitPlan, result: InitResult): Promise<string> {
  const force = kind === 'file' ? '; --force replaces it' : ` (${kind === 'symlink' ? 'a symlink' : 'not a regular file'}: --force does not replace it)`;
  const text = await projectText(dir, name);
  if (name === 'Dockerfile') {
    if (text === undefined) return `left as is, not linted${kind === 'file' ? ' (larger than 1 MiB)' : ''}${force}`;
    const { lintText } = await import('../lint/engine.js');
    result.dockerfileLint = lintSummary(lintText(text, name));
    return `left as is; goscratch lint finds ${describeLint(result.dockerfileLint)} in it (goscratch lint ${name})${force}`;
  }
  if (name === '.dockerignore' && text !== undefined) {
    if (plan.vendor && ignoresVendor(text)) result.warnings.push('.dockerignore leaves out vendor/, which the module builds from: remove that line, or the Dockerfile build fails');
    const missing = missingIgnores(text, dockerignore());
    if (missing.length) return `left as is; it does not exclude ${missing.join(', ')} (consider adding them, .git and .env above all)${force}`;
  }
  return `left as is${force}`;
}

async function choosePackage(dir: string, modulePath: string, wanted: string | undefined): Promise<{ pkg: string; from: string }> {
  const mains = await findMainPackages(dir);
  // Names go build refuses are shown quoted: they may hold anything, a newline included.
  const list = mains.map((m) => (unsafeElement(m) === undefined ? m : JSON.stringify(m))).join(', ');
  const pick = (p: string, from: string): { pkg: string; from: string } => {
    const norm = normalizePackage(p, modulePath);
    if (!mains.includes(norm)) {
      throw new UsageError(`${from}: ${JSON.stringify(p)} is not a main package of the module in ${dir}${mains.length ? `; main packages are ${list}` : ''}`);
    }
    checkGoPath(norm, 'the main package', 'rename its directory');
    return { pkg: norm, from };
  };
  if (wanted !== undefined) return pick(wanted, '--main');
  const { config, path } = await loadConfig(dir);
  // A list or pattern (several images) leaves the choice of the Dockerfile's one package to the rules below.
  if (typeof config.main === 'string' && !config.main.includes('...')) return pick(config.main, `main in ${path}`);
  if (mains.includes('.')) return { pkg: '.', from: 'the module root' };
  if (mains.length === 0) throw new GoscratchError(`no main package (package main) found in ${dir}: add one, or run goscratch init in the module that has it`);
  // A main package go build refuses (an invalid import path) is no candidate.
  const usable = mains.filter((m) => unsafeElement(m) === undefined);
  if (usable.length <= 1) return pick(usable[0] ?? mains[0]!, usable.length === mains.length ? 'the only main package' : 'the only main package go can build');
  const own = binaryName(modulePath);
  const named = usable.filter((m) => binaryName(importPath(modulePath, m)) === own);
  if (named.length === 1) return pick(named[0]!, `the main package named after the module (${own})`);
  throw new UsageError(`the module has several main packages, none at its root and ${named.length ? 'more than one' : 'none'} named after the module (${own}): choose one with --main (${list})`, {
    hint: `e.g. goscratch init --main ${usable[0]}`,
  });
}

/** `cmd/api`, `./cmd/api/`, `./cmd/api` and `<module>/cmd/api` are one package. */
function normalizePackage(p: string, modulePath: string): string {
  const rel = p === modulePath ? '' : p.startsWith(modulePath + '/') ? p.slice(modulePath.length + 1) : p;
  const s = rel.replace(/^\.\//, '').replace(/\/+$/, '');
  return s === '' || s === '.' ? '.' : './' + s;
}
