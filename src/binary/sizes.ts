/**
 * Where a Go binary's bytes go: the code of each package (exact function sizes from
 * the pclntab, so stripped binaries work too), grouped by module, and every other
 * part of the file (ELF sections, padding between functions, headers) so that the
 * parts add up to the file size.
 */
import type { BuildInfo } from './buildinfo.js';
import type { ElfFile } from './elf.js';
import { packageOf, type GoFunc } from './gofuncs.js';

export interface SizeAttribution {
  /** Go code bytes by module, then package: `{ std: { runtime: 512000 } }`. */
  packages: Record<string, Record<string, number>>;
  /** The file's other bytes by part (section name, padding, headers); with `packages` they sum to the file size. */
  unattributed: Record<string, number>;
  /** The biggest functions, largest first. */
  largestFunctions: { name: string; size: number }[];
}

/** Module key of the standard library (and the runtime). */
export const STD = 'std';
/** Module key of functions the compiler and linker write for no package (type equality, wrappers). */
export const GENERATED = '(generated)';
export const TEXT_PADDING = '.text: alignment between Go functions';
export const TEXT_OTHER = '.text: code outside Go functions';
export const HEADERS = 'ELF headers and alignment';

const SHT_NOBITS = 8;
const LARGEST = 20;
/** Code hosts whose module paths have three elements (host/owner/repo). */
const THREE_ELEMENT_HOSTS = new Set(['github.com', 'gitlab.com', 'bitbucket.org', 'golang.org', 'codeberg.org']);

/** The package a function belongs to, with compiler- and linker-made functions kept apart. */
export function functionPackage(name: string): string {
  if (name.startsWith('type:') || name.startsWith('type..')) return 'type: (equality and hash functions)';
  if (name.startsWith('go:') || name.startsWith('go.')) return 'go: (linker-made)';
  return packageOf(name) ?? '(no package)';
}

/**
 * The module a package comes from: the longest module path of the build info that
 * contains it, `std` for the standard library, else a guess from the path (GOPATH
 * builds record no modules). `main` is the main module.
 */
export function moduleOf(pkg: string, go?: BuildInfo): string {
  if (pkg.startsWith('type:') || pkg.startsWith('go:') || pkg.startsWith('(')) return GENERATED;
  if (pkg === 'main') return go?.main?.path ?? (go?.path ? guessModule(go.path) : 'main');
  // GOPATH vendoring keeps the vendoring module's prefix; std vendors under vendor/.
  if (pkg.startsWith('vendor/')) return STD;
  const path = pkg.includes('/vendor/') ? pkg.slice(pkg.lastIndexOf('/vendor/') + 8) : pkg;
  let best: string | undefined;
  for (const m of [go?.main, ...(go?.deps ?? [])]) {
    if (m && (path === m.path || path.startsWith(m.path + '/')) && m.path.length > (best?.length ?? 0)) best = m.path;
  }
  if (best) return best;
  if (!path.split('/')[0]?.includes('.')) return STD;
  return guessModule(path);
}

function guessModule(path: string): string {
  const parts = path.split('/');
  return parts.slice(0, THREE_ELEMENT_HOSTS.has(parts[0] ?? '') ? 3 : 2).join('/');
}

export function attributeSizes(elf: ElfFile, fns: readonly GoFunc[], go?: BuildInfo): SizeAttribution {
  const byPackage = new Map<string, number>();
  let code = 0;
  let span = 0;
  for (const f of fns) {
    const pkg = functionPackage(f.name);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + f.size);
    code += f.size;
    span += f.span;
  }
  const packages: Record<string, Record<string, number>> = {};
  for (const [pkg, bytes] of byPackage) (packages[moduleOf(pkg, go)] ??= {})[pkg] = bytes;
  const unattributed: Record<string, number> = {};
  let counted = 0;
  const add = (part: string, bytes: number): void => {
    if (bytes <= 0) return;
    unattributed[part] = (unattributed[part] ?? 0) + bytes;
    counted += bytes;
  };
  for (const s of elf.sections) {
    if (s.type === SHT_NOBITS || s.size === 0) continue;
    if (s.name === '.text') {
      counted += Math.min(code, s.size);
      add(TEXT_PADDING, Math.min(span, s.size) - code);
      add(TEXT_OTHER, s.size - span);
    } else {
      add(s.name || '(unnamed section)', s.size);
    }
  }
  add(HEADERS, elf.src.size - counted);
  const largestFunctions = [...fns].sort((a, b) => b.size - a.size).slice(0, LARGEST).map((f) => ({ name: f.name, size: f.size }));
  return { packages, unattributed, largestFunctions };
}

/** Every package with its module and bytes, largest first. */
export function packageList(packages: SizeAttribution['packages']): { module: string; package: string; bytes: number }[] {
  return Object.entries(packages)
    .flatMap(([module, pkgs]) => Object.entries(pkgs).map(([pkg, bytes]) => ({ module, package: pkg, bytes })))
    .sort((a, b) => b.bytes - a.bytes || (a.package < b.package ? -1 : 1));
}
