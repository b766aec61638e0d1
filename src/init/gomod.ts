/**
 * Reads what `goscratch init` needs from a Go module without running Go: the module
 * path and Go version from go.mod, and the main packages under the module root.
 */
import { readFile, readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { GoscratchError } from '../util/errors.js';

export interface GoMod {
  module: string;
  /** The `go` line, e.g. `1.22` or `1.22.3`. */
  go: string;
  /** The `toolchain` line without its `go` prefix, e.g. `1.23.4`, when present. */
  toolchain?: string;
}

/** Parses go.mod text; `file` names it in errors. */
export function parseGoMod(text: string, file = 'go.mod'): GoMod {
  let module: string | undefined;
  let go: string | undefined;
  let toolchain: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^(module|go|toolchain)\s+(\S+)$/.exec(line);
    if (!m) continue;
    const value = m[2]!.replace(/^"(.*)"$/, '$1');
    if (m[1] === 'module') module = value;
    else if (m[1] === 'go') go = value;
    else toolchain = value.replace(/^go/, '');
  }
  if (!module) throw new GoscratchError(`${file} has no module line: run \`go mod init <module path>\` first`);
  // go.mod files written before Go 1.12 have no go line; Go treats them as 1.16.
  return { module, go: go ?? '1.16', ...(toolchain ? { toolchain } : {}) };
}

export async function readGoMod(dir: string): Promise<GoMod> {
  const file = join(dir, 'go.mod');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch {
    throw new GoscratchError(`no go.mod in ${dir}: run goscratch init in a Go module root (or create one with \`go mod init\`)`);
  }
  return parseGoMod(text, file);
}

/**
 * The `x.y` release the module needs: the newer of its `go` and `toolchain` lines, so
 * the builder never has to download a toolchain (builds are often offline).
 */
export function goMinorVersion(mod: GoMod): string {
  const minor = (v: string): [number, number] => {
    const m = /^(\d+)\.(\d+)/.exec(v);
    if (!m) throw new GoscratchError(`go.mod has an unreadable Go version ${JSON.stringify(v)}: expected e.g. \`go 1.22\``);
    return [Number(m[1]), Number(m[2])];
  };
  const versions = [minor(mod.go), ...(mod.toolchain ? [minor(mod.toolchain)] : [])];
  versions.sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  return versions[0]!.join('.');
}

// Directories the go command itself ignores, plus vendored code.
const SKIP_DIR = /^[._]|^testdata$|^vendor$|^node_modules$/;

/**
 * Main packages under `root`, as `./`-relative package paths (`.`, `./cmd/api`), sorted.
 * Nested modules (a directory with its own go.mod) are not part of this module.
 */
export async function findMainPackages(root: string): Promise<string[]> {
  const found: string[] = [];
  async function walk(rel: string): Promise<void> {
    const entries = await readdir(join(root, rel), { withFileTypes: true });
    if (rel !== '' && entries.some((e) => e.isFile() && e.name === 'go.mod')) return;
    const goFiles = entries.filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go'));
    for (const f of goFiles) {
      if (isMainFile(await readFile(join(root, rel, f.name), 'utf8'))) {
        found.push(rel === '' ? '.' : './' + rel);
        break;
      }
    }
    for (const e of entries) {
      if (e.isDirectory() && !SKIP_DIR.test(e.name)) await walk(rel === '' ? e.name : posix.join(rel, e.name));
    }
  }
  await walk('');
  return found.sort();
}

/** True for a file in package main that is not excluded with `//go:build ignore`. */
export function isMainFile(source: string): boolean {
  // Only the header before the package clause can hold build constraints.
  const header = source.split(/^package\s/m)[0] ?? '';
  if (/^\/\/go:build\s+ignore\b/m.test(header)) return false;
  return /^package\s+main\b/m.test(stripComments(source));
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** The import path of a `./`-relative package of the module. */
export function importPath(modulePath: string, pkg: string): string {
  return pkg === '.' ? modulePath : `${modulePath}/${pkg.replace(/^\.\//, '')}`;
}

/** A port the main package listens on, from a literal like ":9292" in its sources. */
export async function detectPort(root: string, pkg: string): Promise<number | undefined> {
  const dir = join(root, pkg);
  const files = (await readdir(dir)).filter((n) => n.endsWith('.go') && !n.endsWith('_test.go')).sort();
  for (const name of files) {
    const src = stripComments(await readFile(join(dir, name), 'utf8'));
    const m = /"(?:[\w.-]*|\[[\w:]*\]):(\d{2,5})"/.exec(src);
    if (m && Number(m[1]) > 0 && Number(m[1]) < 65536) return Number(m[1]);
  }
  return undefined;
}
