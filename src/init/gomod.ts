/**
 * Reads what `goscratch init` needs from a Go module without running Go: the module
 * path and Go version from go.mod, and the main packages under the module root.
 */
import { readdir } from 'node:fs/promises';
import { join, posix } from 'node:path';
import { GoscratchError, InputError } from '../util/errors.js';
import { isFile, readSmallFile } from './files.js';
import { parseGoMod, type GoMod } from '../golang/gomod.js';

export { parseGoMod, type GoMod };

const MAX_GO_MOD = 1 << 20;
// A package clause comes after at most a licence header and build constraints.
const MAX_HEADER = 64 << 10;
// Larger Go files are generated data (embedded assets, tables), not where ports are set.
const MAX_GO_FILE = 4 << 20;

export async function readGoMod(dir: string): Promise<GoMod> {
  const file = join(dir, 'go.mod');
  const text = await readSmallFile(file, MAX_GO_MOD);
  if (text === undefined) throw new GoscratchError(`no go.mod in ${dir}: run goscratch init in a Go module root (or create one with \`go mod init\`)`);
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
    const goFiles = entries.filter((e) => e.isFile() && isGoSource(e.name));
    for (const f of goFiles) {
      if (isMainFile((await readSmallFile(join(root, rel, f.name), MAX_HEADER, { head: true })) ?? '')) {
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

/** True for a file marked `//go:build ignore` (only the header before the package clause holds constraints). */
const isIgnored = (source: string): boolean => /^\/\/go:build\s+ignore\b/m.test(source.split(/^package\s/m)[0] ?? '');

/** True for a file in package main that is not excluded with `//go:build ignore`. */
export function isMainFile(source: string): boolean {
  return !isIgnored(source) && /^package\s+main\b/m.test(stripComments(source));
}

function stripComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
}

/** The import path of a `./`-relative package of the module. */
export function importPath(modulePath: string, pkg: string): string {
  return pkg === '.' ? modulePath : `${modulePath}/${pkg.replace(/^\.\//, '')}`;
}

const isGoSource = (name: string): boolean => name.endsWith('.go') && !name.endsWith('_test.go');

/**
 * The non-test Go files of the package in `root/rel`, each with its text (files larger
 * than MAX_GO_FILE and files marked `//go:build ignore` are left out), sorted by name.
 */
export async function goSources(root: string, rel: string): Promise<Array<{ name: string; text: string }>> {
  const dir = join(root, rel);
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  const out = [];
  for (const e of entries.filter((x) => x.isFile() && isGoSource(x.name)).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const text = await readSmallFile(join(dir, e.name), MAX_GO_FILE).catch(() => undefined);
    if (text !== undefined && !isIgnored(text)) out.push({ name: e.name, text });
  }
  return out;
}

/** Whether the module vendors its dependencies (the go command then builds from vendor/). */
export async function hasVendor(root: string): Promise<boolean> {
  return isFile(join(root, 'vendor', 'modules.txt'));
}

// What the go command accepts in an import path element (golang.org/x/mod/module), minus
// a leading '~' or '+', which it refuses for directories, and a trailing dot. Every name
// init writes into a Makefile, a Dockerfile or a shell command is made of these
// characters, so none of them needs quoting for make, sh or the Dockerfile parser.
const SAFE_ELEMENT = /^[A-Za-z0-9_][A-Za-z0-9._~+-]*(?<!\.)$/;

/** The first element of a module path or `./`-relative package path that is not safe (see above). */
export function unsafeElement(path: string): string | undefined {
  const rel = path === '.' ? '' : path.replace(/^\.\//, '');
  return (rel === '' ? [] : rel.split('/')).find((e) => !SAFE_ELEMENT.test(e));
}

/**
 * Refuses a module path or `./`-relative package path that go build would refuse, or that
 * is not safe to write unquoted into the generated files.
 */
export function checkGoPath(path: string, what: string, hint: string): void {
  const bad = unsafeElement(path);
  if (bad !== undefined) {
    throw new InputError(
      `${what} ${JSON.stringify(path)} has the element ${JSON.stringify(bad)}, which is not a Go import path element init can write: it writes only names made of letters, digits and . _ ~ + - (not first, and no trailing dot)`,
      { input: path, hint },
    );
  }
}
