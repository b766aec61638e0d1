/**
 * A small ELF reader: enough to tell whether a binary can run in an empty image
 * (static or dynamic, which loader and libraries), on which CPU, and where the Go
 * sections are. It reads only headers and the sections asked for, checks every
 * offset against the file size, and throws one clear Error on corrupt input.
 */
import { InputError } from '../util/errors.js';
import type { ByteSource } from './bytes.js';
import { bufferSource, withFile } from './bytes.js';

export interface ElfInfo {
  class: 32 | 64;
  bigEndian: boolean;
  /** e_type: exec (fixed address), dyn (PIE or shared object), rel, core. */
  type: 'exec' | 'dyn' | 'rel' | 'core' | 'unknown';
  machine: number;
  machineName: string;
  /** The GOARCH (and OCI architecture) this machine runs, when there is one. */
  goarch: string | undefined;
  /** PT_INTERP: the dynamic loader the kernel starts first. */
  interpreter?: string;
  /** DT_NEEDED: shared libraries the loader must find. */
  needed: string[];
  pie: boolean;
  /** No symbol table (.symtab), e.g. built with -ldflags=-s or run through strip. */
  stripped: boolean;
  /** Has DWARF (.debug_* or .zdebug_*), i.e. not built with -ldflags=-w. */
  debugInfo: boolean;
  /** No loader and no shared libraries: runs in an empty image. */
  static: boolean;
}

export interface ElfSection {
  name: string;
  type: number;
  addr: number;
  offset: number;
  size: number;
}

export interface ElfSegment {
  type: number;
  flags: number;
  offset: number;
  vaddr: number;
  filesz: number;
  memsz: number;
}

/** A parsed ELF file whose bytes stay in their source, for the Go readers. */
export interface ElfFile {
  readonly info: ElfInfo;
  readonly sections: readonly ElfSection[];
  readonly segments: readonly ElfSegment[];
  readonly src: ByteSource;
  section(name: string): ElfSection | undefined;
  /** A section's bytes (NOBITS sections read as empty). */
  readSection(s: ElfSection): Buffer;
  /** Bytes at a virtual address, from the PT_LOAD segment that maps it. */
  readAddress(addr: number, length: number): Buffer | undefined;
  /** Reads an unsigned integer of `size` bytes (1, 2, 4 or 8) in the file's byte order. */
  uint(buf: Buffer, offset: number, size: number): number;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const PT_INTERP = 3;
const SHT_NOBITS = 8;
const DT_NULL = 0;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_STRSZ = 10;
const DT_FLAGS_1 = 0x6ffffffb;
const DF_1_PIE = 0x08000000;

/** Program and section header counts above these are corrupt, not real. */
const MAX_HEADERS = 1 << 16;
const MAX_DYNAMIC_BYTES = 1 << 20;
const MAX_NAME = 4096;

const MACHINES: Record<number, { name: string; goarch?: (class64: boolean, le: boolean) => string | undefined }> = {
  3: { name: 'Intel 80386', goarch: () => '386' },
  8: { name: 'MIPS', goarch: (c64, le) => (c64 ? (le ? 'mips64le' : 'mips64') : le ? 'mipsle' : 'mips') },
  20: { name: 'PowerPC', goarch: () => undefined },
  21: { name: 'PowerPC64', goarch: (_c, le) => (le ? 'ppc64le' : 'ppc64') },
  22: { name: 'IBM S/390', goarch: () => 's390x' },
  40: { name: 'ARM', goarch: () => 'arm' },
  62: { name: 'x86-64', goarch: () => 'amd64' },
  183: { name: 'AArch64', goarch: () => 'arm64' },
  243: { name: 'RISC-V', goarch: (c64) => (c64 ? 'riscv64' : undefined) },
  258: { name: 'LoongArch', goarch: (c64) => (c64 ? 'loong64' : undefined) },
};

class CorruptElf extends InputError {
  constructor(detail: string) {
    super(`not a valid ELF file: ${detail}`);
  }
}

function num(v: bigint, what: string): number {
  if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new CorruptElf(`${what} is out of range`);
  return Number(v);
}

function cstring(buf: Buffer, offset: number, max = MAX_NAME): string {
  if (offset < 0 || offset >= buf.length) return '';
  let end = buf.indexOf(0, offset);
  if (end < 0 || end - offset > max) end = Math.min(buf.length, offset + max);
  return buf.toString('latin1', offset, end);
}

/** Parses the headers of an ELF file; section contents stay in `src` until asked for. */
export function parseElf(src: ByteSource): ElfFile {
  const ident = src.read(0, 64);
  if (!isElf(ident)) throw new CorruptElf('no ELF magic (\\x7fELF) at the start of the file');
  if (ident.length < 16) throw new CorruptElf('file ends inside the ELF identification');
  const cls = ident[4];
  const data = ident[5];
  if (cls !== 1 && cls !== 2) throw new CorruptElf(`unknown ELF class ${cls}`);
  if (data !== 1 && data !== 2) throw new CorruptElf(`unknown byte order ${data}`);
  const is64 = cls === 2;
  const le = data === 1;
  if (ident.length < (is64 ? 64 : 52)) throw new CorruptElf('file ends inside the ELF header');

  const uint = (buf: Buffer, off: number, size: number): number => {
    if (off < 0 || off + size > buf.length) throw new CorruptElf('a header field lies past the end of its table');
    switch (size) {
      case 1: return buf.readUInt8(off);
      case 2: return le ? buf.readUInt16LE(off) : buf.readUInt16BE(off);
      case 4: return le ? buf.readUInt32LE(off) : buf.readUInt32BE(off);
      case 8: return num(le ? buf.readBigUInt64LE(off) : buf.readBigUInt64BE(off), 'a 64-bit value');
      default: throw new Error(`unsupported integer size ${size}`);
    }
  };
  const word = is64 ? 8 : 4;
  const eType = uint(ident, 16, 2);
  const machine = uint(ident, 18, 2);
  const phoff = uint(ident, is64 ? 32 : 28, word);
  const shoff = uint(ident, is64 ? 40 : 32, word);
  const phentsize = uint(ident, is64 ? 54 : 42, 2);
  let phnum = uint(ident, is64 ? 56 : 44, 2);
  const shentsize = uint(ident, is64 ? 58 : 46, 2);
  let shnum = uint(ident, is64 ? 60 : 48, 2);
  let shstrndx = uint(ident, is64 ? 62 : 50, 2);

  const table = (off: number, entsize: number, n: number, min: number, what: string): Buffer => {
    if (n === 0) return Buffer.alloc(0);
    if (entsize < min) throw new CorruptElf(`${what} entry size ${entsize} is too small`);
    if (n > MAX_HEADERS) throw new CorruptElf(`${n} ${what} entries`);
    const len = entsize * n;
    if (off + len > src.size) throw new CorruptElf(`${what} table (offset ${off}, ${len} bytes) lies past the end of the file (${src.size} bytes)`);
    return src.read(off, len);
  };

  // Extended numbering: counts too large for the header live in section 0.
  if (shoff !== 0 && (shnum === 0 || shstrndx === 0xffff || phnum === 0xffff)) {
    const s0 = table(shoff, shentsize, 1, is64 ? 64 : 40, 'section header');
    if (shnum === 0) shnum = uint(s0, is64 ? 32 : 20, word);
    if (shstrndx === 0xffff) shstrndx = uint(s0, is64 ? 40 : 24, 4);
    if (phnum === 0xffff) phnum = uint(s0, is64 ? 44 : 28, 4);
  }

  const ph = table(phoff, phentsize, phnum, is64 ? 56 : 32, 'program header');
  const segments: ElfSegment[] = [];
  for (let i = 0; i < phnum; i++) {
    const b = i * phentsize;
    segments.push(is64
      ? { type: uint(ph, b, 4), flags: uint(ph, b + 4, 4), offset: uint(ph, b + 8, 8), vaddr: uint(ph, b + 16, 8), filesz: uint(ph, b + 32, 8), memsz: uint(ph, b + 40, 8) }
      : { type: uint(ph, b, 4), offset: uint(ph, b + 4, 4), vaddr: uint(ph, b + 8, 4), filesz: uint(ph, b + 16, 4), memsz: uint(ph, b + 20, 4), flags: uint(ph, b + 24, 4) });
  }

  const sh = shoff === 0 ? Buffer.alloc(0) : table(shoff, shentsize, shnum, is64 ? 64 : 40, 'section header');
  const raw: (ElfSection & { nameOff: number })[] = [];
  for (let i = 0; i < (shoff === 0 ? 0 : shnum); i++) {
    const b = i * shentsize;
    raw.push(is64
      ? { nameOff: uint(sh, b, 4), type: uint(sh, b + 4, 4), addr: uint(sh, b + 16, 8), offset: uint(sh, b + 24, 8), size: uint(sh, b + 32, 8), name: '' }
      : { nameOff: uint(sh, b, 4), type: uint(sh, b + 4, 4), addr: uint(sh, b + 12, 4), offset: uint(sh, b + 16, 4), size: uint(sh, b + 20, 4), name: '' });
  }
  const strtab = raw[shstrndx];
  if (strtab && strtab.type !== SHT_NOBITS) {
    if (strtab.offset + strtab.size > src.size) throw new CorruptElf('section name table lies past the end of the file');
    const names = src.read(strtab.offset, strtab.size);
    for (const s of raw) s.name = cstring(names, s.nameOff);
  }
  const sections: ElfSection[] = raw.map(({ nameOff: _n, ...s }) => s);

  const readAddress = (addr: number, length: number): Buffer | undefined => {
    const seg = segments.find((p) => p.type === PT_LOAD && addr >= p.vaddr && addr + length <= p.vaddr + p.filesz);
    if (!seg) return undefined;
    const b = src.read(seg.offset + (addr - seg.vaddr), length);
    return b.length === length ? b : undefined;
  };
  const readSection = (s: ElfSection): Buffer => {
    if (s.type === SHT_NOBITS) return Buffer.alloc(0);
    if (s.offset + s.size > src.size) throw new CorruptElf(`section ${s.name || '(unnamed)'} lies past the end of the file`);
    return src.read(s.offset, s.size);
  };

  let interpreter: string | undefined;
  const interp = segments.find((p) => p.type === PT_INTERP);
  if (interp) {
    if (interp.offset + interp.filesz > src.size) throw new CorruptElf('PT_INTERP lies past the end of the file');
    interpreter = cstring(src.read(interp.offset, Math.min(interp.filesz, MAX_NAME)), 0);
  }

  const needed: string[] = [];
  let flags1 = 0;
  const dyn = segments.find((p) => p.type === PT_DYNAMIC);
  if (dyn && dyn.filesz > 0) {
    if (dyn.offset + dyn.filesz > src.size) throw new CorruptElf('PT_DYNAMIC lies past the end of the file');
    const d = src.read(dyn.offset, Math.min(dyn.filesz, MAX_DYNAMIC_BYTES));
    const neededOffsets: number[] = [];
    let strtabAddr: number | undefined;
    let strsz = 0;
    for (let o = 0; o + 2 * word <= d.length; o += 2 * word) {
      const tag = uint(d, o, word);
      const val = uint(d, o + word, word);
      if (tag === DT_NULL) break;
      if (tag === DT_NEEDED) neededOffsets.push(val);
      else if (tag === DT_STRTAB) strtabAddr = val;
      else if (tag === DT_STRSZ) strsz = val;
      else if (tag === DT_FLAGS_1) flags1 = val;
    }
    if (neededOffsets.length > 0) {
      const dynstr = strtabAddr === undefined ? undefined : readAddress(strtabAddr, Math.min(strsz, MAX_DYNAMIC_BYTES));
      const fromSection = sections.find((s) => s.name === '.dynstr');
      const strs = dynstr ?? (fromSection ? readSection(fromSection) : undefined);
      if (!strs) throw new CorruptElf('the dynamic string table is not mapped by any segment');
      for (const off of neededOffsets) needed.push(cstring(strs, off));
    }
  }

  const m = MACHINES[machine];
  const type = ({ 1: 'rel', 2: 'exec', 3: 'dyn', 4: 'core' } as const)[eType as 1 | 2 | 3 | 4] ?? 'unknown';
  const info: ElfInfo = {
    class: is64 ? 64 : 32,
    bigEndian: !le,
    type,
    machine,
    machineName: m?.name ?? `unknown (${machine})`,
    goarch: m?.goarch?.(is64, le),
    needed,
    // ET_DYN is a PIE when the loader starts it or it says so (static-pie has no loader).
    pie: type === 'dyn' && (interpreter !== undefined || (flags1 & DF_1_PIE) !== 0),
    stripped: !sections.some((s) => s.name === '.symtab'),
    debugInfo: sections.some((s) => s.name.startsWith('.debug_') || s.name.startsWith('.zdebug_')),
    static: interpreter === undefined && needed.length === 0,
  };
  if (interpreter !== undefined) info.interpreter = interpreter;

  return {
    info,
    sections,
    segments,
    src,
    section: (name) => sections.find((s) => s.name === name),
    readSection,
    readAddress,
    uint,
  };
}

/** Reads an ELF file's facts from its bytes; throws a clear Error on non-ELF or corrupt input. */
export function readElf(bytes: Buffer): ElfInfo {
  return parseElf(bufferSource(bytes)).info;
}

/** Like readElf, reading only the headers and tables it needs from the file. */
export async function readElfFile(path: string): Promise<ElfInfo> {
  return withFile(path, (src) => parseElf(src).info);
}

/** True when the bytes start with the ELF magic. */
export function isElf(head: Buffer): boolean {
  return head.length >= 4 && head.readUInt32BE(0) === 0x7f454c46;
}
