/**
 * Everything goscratch reads from one executable: ELF facts, Go build info, and
 * the few linked functions that decide what the image must contain (CA certificates
 * for crypto/tls, zoneinfo for time.LoadLocation).
 */
import type { ByteSource } from './bytes.js';
import { withFile } from './bytes.js';
import { parseElf, type ElfFile, type ElfInfo } from './elf.js';
import { BuildInfoError, readBuildInfo, type BuildInfo } from './buildinfo.js';
import { goFunctions } from './gofuncs.js';
import { attributeSizes, type SizeAttribution } from './sizes.js';

export interface GoLinked {
  /** Where the function names came from: the pclntab, or a scan of the file. */
  source: 'pclntab' | 'strings';
  cryptoTls: boolean;
  loadLocation: boolean;
  /** time/tzdata embeds the zone database, so LoadLocation needs no files. */
  tzdata: boolean;
  /** golang.org/x/crypto/x509roots/fallback embeds CA roots. */
  fallbackRoots: boolean;
}

export interface BinaryAnalysis {
  size: number;
  elf: ElfInfo;
  /**
   * go: a Go binary with build info; go-without-buildinfo: Go < 1.13 or info removed;
   * invalid-buildinfo: the blob is there but malformed (see goError); not-go.
   */
  goStatus: 'go' | 'go-without-buildinfo' | 'invalid-buildinfo' | 'not-go';
  go?: BuildInfo;
  goError?: string;
  linked?: GoLinked;
  /** Where the file's bytes go, by Go package and ELF section (Go >= 1.18 pclntab). */
  sizes?: SizeAttribution;
}

export function analyzeElf(elf: ElfFile): BinaryAnalysis {
  const out: BinaryAnalysis = { size: elf.src.size, elf: elf.info, goStatus: 'not-go' };
  try {
    const bi = readBuildInfo(elf);
    if (bi) {
      out.go = bi;
      out.goStatus = 'go';
    }
  } catch (e) {
    if (!(e instanceof BuildInfoError)) throw e;
    out.goStatus = 'invalid-buildinfo';
    out.goError = e.message;
  }
  const looksGo = out.goStatus !== 'not-go' || elf.section('.gopclntab') !== undefined || elf.section('.note.go.buildid') !== undefined;
  if (!looksGo) return out;
  if (out.goStatus === 'not-go') out.goStatus = 'go-without-buildinfo';
  const fns = goFunctions(elf);
  out.linked = {
    source: fns.source,
    cryptoTls: fns.hasPackage('crypto/tls'),
    loadLocation: fns.has('time.LoadLocation'),
    tzdata: fns.hasPackage('time/tzdata'),
    fallbackRoots: fns.hasPackage('golang.org/x/crypto/x509roots/fallback'),
  };
  const table = fns.functions();
  if (table) out.sizes = attributeSizes(elf, table, out.go);
  return out;
}

export function analyzeSource(src: ByteSource): BinaryAnalysis {
  return analyzeElf(parseElf(src));
}

/** Analyzes an executable on disk, reading only the parts it needs. */
export async function analyzeBinaryFile(path: string): Promise<BinaryAnalysis> {
  return withFile(path, analyzeSource);
}
