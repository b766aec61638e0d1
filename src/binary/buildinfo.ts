/**
 * Reads the build information the Go linker embeds in every module-aware binary
 * (what `go version -m` prints): the Go version, main module, dependencies with
 * sums and replacements, and build settings. Go >= 1.18 stores it inline in the
 * `.go.buildinfo` blob; older binaries point at it, and both are handled. Found by
 * section name or, when section headers are gone, by its aligned magic in the first
 * writable segment, as debug/buildinfo does.
 */
import { InputError } from '../util/errors.js';
import type { ElfFile } from './elf.js';
import { goQuote, goQuotedPrefixLength, goUnquote } from './goquote.js';

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: GoModule;
}

export interface BuildSetting {
  key: string;
  value: string;
}

export interface BuildInfo {
  /** e.g. go1.23.5 (may carry a suffix such as `X:nocoverageredesign`). */
  goVersion: string;
  /** The main package's import path. */
  path: string;
  main?: GoModule;
  deps: GoModule[];
  settings: BuildSetting[];
}

/** The build info blob is malformed (truncated, fake magic, bad module lines). */
export class BuildInfoError extends InputError {
  constructor(detail: string) {
    super(`invalid Go build info: ${detail}`);
  }
}

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const HEADER_SIZE = 32;
const ALIGN = 16;
const FLAGS_INLINE = 2;
const FLAGS_BIG_ENDIAN = 1;
/** The modinfo string is wrapped in 16-byte sentinels (cmd/go/internal/modload). */
const SENTINEL = 16;
const MAX_STRING = 16 << 20;
const SEARCH_BYTES = 1 << 20;
const PF_X = 1;
const PF_W = 2;

/** The build info of a Go binary, undefined for a binary without one (not Go, or Go < 1.13). */
export function readBuildInfo(elf: ElfFile): BuildInfo | undefined {
  const data = findBlob(elf);
  if (!data) return undefined;
  if (data.length < HEADER_SIZE) throw new BuildInfoError('header is truncated');
  const ptrSize = data[14] as number;
  const flags = data[15] as number;
  let version: string;
  let modinfo: string;
  if (flags & FLAGS_INLINE) {
    const [v, next] = varintString(data, HEADER_SIZE, 'Go version');
    const [m] = varintString(data, next, 'module info');
    version = v;
    modinfo = m;
  } else {
    if (ptrSize !== 4 && ptrSize !== 8) throw new BuildInfoError(`pointer size ${ptrSize}`);
    const big = (flags & FLAGS_BIG_ENDIAN) !== 0;
    const ptr = (b: Buffer, off: number): number => {
      if (off + ptrSize > b.length) throw new BuildInfoError('pointer lies past the end of the data');
      if (ptrSize === 4) return big ? b.readUInt32BE(off) : b.readUInt32LE(off);
      const v = big ? b.readBigUInt64BE(off) : b.readBigUInt64LE(off);
      if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw new BuildInfoError('pointer is out of range');
      return Number(v);
    };
    // Each pointer addresses a Go string header {data pointer, length}.
    const goString = (headerAddr: number, what: string): string => {
      const hdr = elf.readAddress(headerAddr, 2 * ptrSize);
      if (!hdr) throw new BuildInfoError(`${what} string header is not mapped (address 0x${headerAddr.toString(16)})`);
      const len = ptr(hdr, ptrSize);
      if (len === 0) return '';
      if (len > MAX_STRING) throw new BuildInfoError(`${what} is ${len} bytes long`);
      const bytes = elf.readAddress(ptr(hdr, 0), len);
      if (!bytes) throw new BuildInfoError(`${what} string is not mapped`);
      return bytes.toString('utf8');
    };
    version = goString(ptr(data, 16), 'Go version');
    modinfo = goString(ptr(data, 16 + ptrSize), 'module info');
  }
  if (!version.startsWith('go') && !version.startsWith('devel')) {
    throw new BuildInfoError(`Go version ${JSON.stringify(version.slice(0, 40))} does not start with "go"`);
  }
  const mod = modinfo.length >= 2 * SENTINEL + 1 && modinfo[modinfo.length - SENTINEL - 1] === '\n'
    ? modinfo.slice(SENTINEL, modinfo.length - SENTINEL)
    : '';
  return { goVersion: version, ...parseModinfo(mod) };
}

function findBlob(elf: ElfFile): Buffer | undefined {
  const sec = elf.section('.go.buildinfo');
  if (sec) {
    const data = elf.readSection(sec);
    if (!data.subarray(0, MAGIC.length).equals(MAGIC)) throw new BuildInfoError('.go.buildinfo does not start with the build info magic');
    return data;
  }
  const seg = elf.segments.find((p) => p.type === 1 && (p.flags & (PF_X | PF_W)) === PF_W);
  if (!seg) return undefined;
  const data = elf.src.read(seg.offset, Math.min(seg.filesz, SEARCH_BYTES));
  for (let at = data.indexOf(MAGIC); at >= 0; at = data.indexOf(MAGIC, at + 1)) {
    if ((seg.vaddr + at) % ALIGN === 0) return elf.src.read(seg.offset + at, SEARCH_BYTES);
  }
  return undefined;
}

function varintString(b: Buffer, off: number, what: string): [string, number] {
  let len = 0;
  let shift = 0;
  let i = off;
  for (;;) {
    if (i >= b.length || shift > 28) throw new BuildInfoError(`${what} length is truncated or malformed`);
    const c = b[i++] as number;
    len += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) break;
    shift += 7;
  }
  if (len > MAX_STRING || i + len > b.length) throw new BuildInfoError(`${what} (${len} bytes) lies past the end of the data`);
  return [b.toString('utf8', i, i + len), i + len];
}

/** Parses the module info text (runtime/debug.ParseBuildInfo without the go line). */
export function parseModinfo(text: string): Omit<BuildInfo, 'goVersion'> {
  const out: Omit<BuildInfo, 'goVersion'> = { path: '', deps: [], settings: [] };
  let last: GoModule | undefined;
  const lines = text.split('\n');
  lines.forEach((line, n) => {
    const bad = (why: string): never => {
      throw new BuildInfoError(`line ${n + 1} (${JSON.stringify(line.slice(0, 80))}): ${why}`);
    };
    if (line === '') return;
    const tab = line.indexOf('\t');
    const word = tab < 0 ? line : line.slice(0, tab);
    const rest = tab < 0 ? '' : line.slice(tab + 1);
    switch (word) {
      case 'go':
        return;
      case 'path':
        out.path = rest;
        return;
      case 'mod':
      case 'dep': {
        const m = parseModule(rest) ?? bad('expected path, version and sum');
        if (word === 'mod') out.main = m;
        else out.deps.push(m);
        last = m;
        return;
      }
      case '=>': {
        const r = parseModule(rest) ?? bad('expected path, version and sum');
        if (!last || last.replace) bad('replacement without a module');
        (last as GoModule).replace = r;
        last = undefined;
        return;
      }
      case 'build':
        out.settings.push(parseSetting(rest) ?? bad('expected key=value'));
        return;
      default:
        bad(`unknown line kind ${JSON.stringify(word)}`);
    }
  });
  return out;
}

function parseModule(s: string): GoModule | undefined {
  const f = s.split('\t');
  if (f.length < 2 || f.length > 3 || !f[0]) return undefined;
  const m: GoModule = { path: f[0], version: f[1] ?? '' };
  if (f[2]) m.sum = f[2];
  return m;
}

function parseSetting(kv: string): BuildSetting | undefined {
  let key: string;
  let raw: string;
  try {
    if (kv.startsWith('"') || kv.startsWith('`')) {
      const n = goQuotedPrefixLength(kv);
      if (n < 0 || kv[n] !== '=') return undefined;
      key = goUnquote(kv.slice(0, n));
      raw = kv.slice(n + 1);
    } else {
      const eq = kv.indexOf('=');
      if (eq <= 0) return undefined;
      key = kv.slice(0, eq);
      raw = kv.slice(eq + 1);
    }
    const value = raw.startsWith('"') || raw.startsWith('`') ? goUnquote(raw) : raw;
    return { key, value };
  } catch {
    return undefined;
  }
}

/** The value of a build setting (`CGO_ENABLED`, `-ldflags`, `vcs.revision`, ...). */
export function buildSetting(bi: BuildInfo, key: string): string | undefined {
  return bi.settings.find((s) => s.key === key)?.value;
}

/** The modules compiled in: the main module and dependencies, replacements applied. */
export function effectiveModules(bi: BuildInfo): GoModule[] {
  return bi.deps.map((d) => d.replace ?? d);
}

/** True when a dependency with this module path (or a replacement of it) is linked. */
export function hasDependency(bi: BuildInfo, path: string): boolean {
  return bi.deps.some((d) => d.path === path);
}

const needsQuote = (s: string, extra: string): boolean => [...(' \t\r\n"`' + extra)].some((c) => s.includes(c));

/** The text `go version -m` prints after the file name (debug.BuildInfo.String without the go line). */
export function formatModinfo(bi: BuildInfo): string {
  const lines: string[] = [];
  if (bi.path) lines.push(`path\t${bi.path}`);
  const mod = (word: string, m: GoModule): void => {
    if (m.replace) {
      // Go ends the replaced line and then the module line, leaving an empty line.
      lines.push(`${word}\t${m.path}\t${m.version}`);
      mod('=>', m.replace);
      lines.push('');
    } else {
      lines.push(`${word}\t${m.path}\t${m.version}\t${m.sum ?? ''}`);
    }
  };
  if (bi.main) mod('mod', bi.main);
  for (const d of bi.deps) mod('dep', d);
  for (const s of bi.settings) {
    const key = s.key === '' || needsQuote(s.key, '=') ? goQuote(s.key) : s.key;
    const value = needsQuote(s.value, '') ? goQuote(s.value) : s.value;
    lines.push(`build\t${key}=${value}`);
  }
  return lines.join('\n');
}
