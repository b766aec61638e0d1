/**
 * Which Go functions a binary links. Function names survive `-ldflags=-s` and
 * `strip`: the runtime needs them for stack traces, so they stay in the pclntab's
 * function name table. When that table cannot be located (section headers removed,
 * Go < 1.16 layout), the whole file is scanned for the NUL-separated names instead.
 */
import type { ByteSource } from './bytes.js';
import type { ElfFile } from './elf.js';

export interface GoFunctions {
  /** Where the names came from. */
  readonly source: 'pclntab' | 'strings';
  /** True when a function with exactly this name is linked, e.g. `time.LoadLocation`. */
  has(name: string): boolean;
  /** True when any function of the package is linked, e.g. `crypto/tls`. */
  hasPackage(pkg: string): boolean;
}

/** pclntab magics of Go 1.16-1.17, 1.18-1.19 and 1.20+, which share the funcname layout. */
const MAGICS = new Set([0xfffffffa, 0xfffffff0, 0xfffffff1]);

export function goFunctions(elf: ElfFile): GoFunctions {
  return fromPclntab(elf) ?? fromStrings(elf.src);
}

function fromPclntab(elf: ElfFile): GoFunctions | undefined {
  const sec = elf.section('.gopclntab');
  if (!sec) return undefined;
  const tab = elf.readSection(sec);
  if (tab.length < 8) return undefined;
  const magic = elf.uint(tab, 0, 4);
  const ptrSize = tab[7] as number;
  if (!MAGICS.has(magic) || tab[4] !== 0 || tab[5] !== 0 || (ptrSize !== 4 && ptrSize !== 8)) return undefined;
  // Header words after the 8-byte prefix: nfunc, nfiles, [textStart since 1.18], funcnameOffset, cuOffset, ...
  const first = magic === 0xfffffffa ? 2 : 3;
  const word = (i: number): number | undefined => {
    const off = 8 + i * ptrSize;
    return off + ptrSize <= tab.length ? elf.uint(tab, off, ptrSize) : undefined;
  };
  const start = word(first);
  const end = word(first + 1);
  if (start === undefined || end === undefined || start > end || end > tab.length) return undefined;
  const names = new Set(tab.toString('latin1', start, end).split('\0'));
  const packages = new Set<string>();
  for (const n of names) {
    const pkg = packageOf(n);
    if (pkg) packages.add(pkg);
  }
  return { source: 'pclntab', has: (n) => names.has(n), hasPackage: (p) => packages.has(p) };
}

/** The package path of a function symbol: `crypto/tls.(*Conn).Read` -> `crypto/tls`. */
export function packageOf(symbol: string): string | undefined {
  const slash = symbol.lastIndexOf('/', symbol.indexOf('[') < 0 ? symbol.length : symbol.indexOf('['));
  const dot = symbol.indexOf('.', slash + 1);
  return dot > 0 ? symbol.slice(0, dot) : undefined;
}

const CHUNK = 8 << 20;

function fromStrings(src: ByteSource): GoFunctions {
  const cache = new Map<string, boolean>();
  const lookup = (needle: string): boolean => {
    let hit = cache.get(needle);
    if (hit === undefined) {
      hit = contains(src, Buffer.from(needle, 'latin1'));
      cache.set(needle, hit);
    }
    return hit;
  };
  return {
    source: 'strings',
    has: (n) => lookup(`\0${n}\0`),
    hasPackage: (p) => lookup(`\0${p}.`),
  };
}

function contains(src: ByteSource, needle: Buffer): boolean {
  for (let off = 0; off < src.size; off += CHUNK) {
    if (src.read(off, CHUNK + needle.length - 1).includes(needle)) return true;
  }
  return false;
}
