/**
 * The inspect report: per platform, the image summary, the entrypoint binary (ELF
 * facts and Go build info) and the findings. `--format json` prints it as is.
 */
import type { Finding } from '../findings/model.js';
import type { ElfInfo } from '../binary/elf.js';
import type { BuildInfo } from '../binary/buildinfo.js';
import type { BinaryAnalysis, GoLinked } from '../binary/analyze.js';
import type { SizeAttribution } from '../binary/sizes.js';
import type { FsEntry } from '../image/fsview.js';

export interface LayerSummary {
  digest: string;
  mediaType: string;
  size: number;
  uncompressedSize: number;
  /** The history entry's `created_by` (the Dockerfile instruction or build step). */
  createdBy?: string;
}

export interface ImageSummary {
  digest: string;
  platform: string;
  created?: string;
  user?: string;
  entrypoint?: string[];
  cmd?: string[];
  workdir?: string;
  env: string[];
  exposedPorts: string[];
  labels: Record<string, string>;
  layers: LayerSummary[];
  totals: { layers: number; size: number; uncompressedSize: number };
}

export interface BinaryReport {
  /** Path inside the image, or on disk for a plain binary. */
  path?: string;
  /** argv[0] as the image config names it. */
  command?: string;
  size?: number;
  sha256?: string;
  elf?: ElfInfo;
  goStatus?: BinaryAnalysis['goStatus'];
  go?: BuildInfo;
  goError?: string;
  linked?: GoLinked;
  /** Go code bytes by module, then package (from the pclntab; absent before Go 1.18). */
  sizes?: SizeAttribution['packages'];
  /** The file's other bytes by part (ELF section, padding, headers); with `sizes` they add up to `size`. */
  unattributed?: SizeAttribution['unattributed'];
  largestFunctions?: SizeAttribution['largestFunctions'];
  /** Why the binary could not be read. */
  error?: string;
}

export interface PlatformReport {
  platform?: string;
  image?: ImageSummary;
  binary: BinaryReport;
  /** Oddities in the layers (names escaping the root, diff_id mismatches). */
  warnings: string[];
  findings: Finding[];
  /** The image's files after whiteouts; only when asked for (`inspect --html`). */
  files?: FileEntry[];
}

/** An image file as the page lists it; `layer` is the index of the layer that put it in place. */
export type FileEntry = Pick<FsEntry, 'path' | 'type' | 'mode' | 'uid' | 'gid' | 'size' | 'target'> & { layer: number };

export interface InspectReport {
  source: string;
  kind: 'image' | 'index' | 'binary';
  /** Digest of the top-level manifest or index. */
  digest?: string;
  platforms: PlatformReport[];
  /** Every platform's findings together. */
  findings: Finding[];
}
