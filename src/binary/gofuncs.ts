/**
 * Which Go functions a binary links, and how big each is. Function names and the
 * pc-value tables survive `-ldflags=-s` and `strip`: the runtime needs them for stack
 * traces, so they stay in the pclntab. When that table cannot be located (section
 * headers removed, Go < 1.16 layout), the whole file is scanned for the NUL-separated
 * names instead, and sizes are unknown.
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
  /**
   * Every function with its code size (Go >= 1.18 pclntab); undefined when the names
   * came from a string scan, the layout is older, or the table is inconsistent.
   */
  functions(): GoFunc[] | undefined;
}

export interface GoFunc {
  name: string;
  /** Code bytes, where the function's pc-value table ends: what `go tool nm -size` reports. */
  size: number;
  /** Bytes from this function's entry to the next one's: `size` plus alignment padding. */
  span: number;
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
  const pctab = word(first + 3);
  const ftab = word(first + 4);
  const nfunc = word(0);
  const sized = magic !== 0xfffffffa && pctab !== undefined && ftab !== undefined && nfunc !== undefined;
  return {
    source: 'pclntab',
    has: (n) => names.has(n),
    hasPackage: (p) => packages.has(p),
    functions: () => (sized ? functionTable(elf, tab, { nfunc, funcnames: start, funcnamesEnd: end, pctab, ftab }) : undefined),
  };
}

interface Layout {
  nfunc: number;
  funcnames: number;
  funcnamesEnd: number;
  pctab: number;
  ftab: number;
}

/**
 * Reads the Go >= 1.18 function table: `nfunc+1` pairs {entryOff, funcOff} (uint32),
 * the last entry's entryOff being the end of the code. Each `_func` starts with
 * entryOff, nameOff and, at byte 16, the offset of its pcsp table, whose pc deltas
 * add up to the function's size. Every offset is checked and the varints read are
 * bounded by the table's size (functions may share a pc table, a hostile file could
 * make them all share a huge one); anything off means no sizes rather than a guess.
 */
function functionTable(elf: ElfFile, tab: Buffer, l: Layout): GoFunc[] | undefined {
  const quantum = tab[6] as number;
  if (quantum === 0 || l.ftab + (l.nfunc + 1) * 8 > tab.length || l.pctab > tab.length) return undefined;
  const big = elf.info.bigEndian;
  const u32 = (off: number): number => (off < 0 || off + 4 > tab.length ? -1 : big ? tab.readUInt32BE(off) : tab.readUInt32LE(off));
  let budget = 4 * tab.length;
  /** The pc range a pc-value table covers: (value delta, pc delta) varint pairs until a zero value delta after the first (runtime.step). */
  const pcTableLength = (start: number, limit: number): number => {
    let p = start;
    let pc = 0;
    for (let pair = 0; ; pair++) {
      for (let k = 0; k < 2; k++) {
        let v = 0;
        let b = 0x80;
        for (let shift = 0; b & 0x80; shift += 7) {
          if (p >= tab.length || shift > 28 || --budget < 0) return -1;
          b = tab[p++] as number;
          v += (b & 0x7f) * 2 ** shift;
        }
        if (k === 0 && v === 0 && pair > 0) return pc;
        if (k === 1) pc += v * quantum;
      }
      if (pc > limit) return -1;
    }
  };
  const out: GoFunc[] = [];
  for (let i = 0; i < l.nfunc; i++) {
    const at = l.ftab + i * 8;
    const entry = u32(at);
    const span = u32(at + 8) - entry;
    const fn = l.ftab + u32(at + 4);
    const nameAt = l.funcnames + u32(fn + 4);
    const pcsp = u32(fn + 16);
    if (span < 0 || nameAt < l.funcnames || pcsp < 0) return undefined;
    const nameEnd = nameAt < l.funcnamesEnd ? tab.indexOf(0, nameAt) : -1;
    if (nameEnd < 0 || nameEnd > l.funcnamesEnd) return undefined;
    const size = pcsp === 0 ? span : pcTableLength(l.pctab + pcsp, span);
    if (size < 0) return undefined;
    out.push({ name: tab.toString('latin1', nameAt, nameEnd), size, span });
  }
  return out;
}

/**
 * The package path of a function symbol: `crypto/tls.(*Conn).Read` -> `crypto/tls`.
 * The linker escapes dots in the last path element (`gopkg.in/yaml%2ev3.Marshal`).
 */
export function packageOf(symbol: string): string | undefined {
  const slash = symbol.lastIndexOf('/', symbol.indexOf('[') < 0 ? symbol.length : symbol.indexOf('['));
  const dot = symbol.indexOf('.', slash + 1);
  if (dot <= 0) return undefined;
  const pkg = symbol.slice(0, dot);
  return pkg.includes('%') ? pkg.replace(/%([0-9a-fA-F]{2})/g, (_m, h: string) => String.fromCharCode(parseInt(h, 16))) : pkg;
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
    functions: () => undefined,
  };
}

function contains(src: ByteSource, needle: Buffer): boolean {
  for (let off = 0; off < src.size; off += CHUNK) {
    if (src.read(off, CHUNK + needle.length - 1).includes(needle)) return true;
  }
  return false;
}
