/**
 * `inspect` as a library: any source (layout, archive, registry, ELF file) to a
 * report. Each image is read through a virtual file system view; its entrypoint is
 * copied to a temporary file, analyzed and removed.
 */
import type { Artifact, Image } from '../image/model.js';
import { FsView, type FsEntry, type FsLimits } from '../image/fsview.js';
import { formatPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { openSource, selectImages } from '../io/source.js';
import type { RegistryOptions } from '../io/registry/session.js';
import { analyzeBinaryFile, type BinaryAnalysis } from '../binary/analyze.js';
import { fileDigest } from '../binary/bytes.js';
import { GoscratchError } from '../util/errors.js';
import { audit } from './checks.js';
import { entrypointCandidates, entrypointFacts, imageFacts } from './facts.js';
import type { BinaryReport, FileEntry, ImageSummary, InspectReport, PlatformReport } from './report.js';

export interface InspectOptions {
  platform?: Platform;
  limits?: Partial<FsLimits>;
  /** For the Go support check; defaults to now. */
  today?: Date;
  registry?: RegistryOptions;
  /** List the image's files in the report (`files`), for the HTML page. */
  files?: boolean;
}

export async function inspectSource(spec: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const src = await openSource(spec, { ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.registry ? { registry: opts.registry } : {}) });
  if (src.kind === 'binary') return inspectBinary(src.path, src.name, opts);
  return inspectArtifact(src.artifact, src.name, opts);
}

export async function inspectArtifact(a: Artifact, name: string, opts: InspectOptions = {}): Promise<InspectReport> {
  const images = selectImages(a, opts.platform);
  const platforms: PlatformReport[] = [];
  for (const img of images) platforms.push(await inspectImage(img, images.length > 1 ? `${name} (${formatPlatform(img.platform)})` : name, opts));
  return { source: name, kind: a.kind, digest: a.digest, platforms, findings: platforms.flatMap((p) => p.findings) };
}

export async function inspectImage(img: Image, name: string, opts: InspectOptions = {}): Promise<PlatformReport> {
  const view = await FsView.open(img.layers, { ...opts.limits, capture: entrypointCandidates(img) });
  let facts;
  let ep;
  try {
    facts = await imageFacts(img, view);
    ep = await entrypointFacts(img, view);
  } finally {
    await view.close();
  }
  const binary: BinaryReport = {
    ...(ep.path ? { path: ep.path } : {}),
    ...(ep.command ? { command: ep.command } : {}),
    ...(ep.sha256 ? { sha256: ep.sha256 } : {}),
    ...(ep.analysis ? binaryFields(ep.analysis) : {}),
    ...(ep.error ? { error: ep.error } : {}),
  };
  const files = opts.files ? view.all().map(fileEntry) : undefined;
  const findings = audit({
    file: name,
    image: facts,
    ...(ep.analysis ? { binary: ep.analysis } : {}),
    ...(ep.path ? { binaryPath: ep.path } : {}),
    ...(ep.missing && ep.error ? { entrypointMissing: ep.error } : {}),
    ...(opts.today ? { today: opts.today } : {}),
  });
  return { platform: formatPlatform(img.platform), image: summarize(img, view), binary, warnings: [...view.warnings], findings, ...(files ? { files } : {}) };
}

function fileEntry(e: FsEntry): FileEntry {
  return { path: e.path, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, size: e.size, ...(e.target !== undefined ? { target: e.target } : {}), layer: e.addedBy };
}

export async function inspectBinary(path: string, name: string, opts: InspectOptions = {}): Promise<InspectReport> {
  let a: BinaryAnalysis;
  try {
    a = await analyzeBinaryFile(path);
  } catch (e) {
    throw new GoscratchError(`cannot inspect ${name}: ${(e as Error).message}`);
  }
  const findings = audit({ file: name, binary: a, binaryPath: path, ...(opts.today ? { today: opts.today } : {}) });
  const binary: BinaryReport = { path, sha256: await fileDigest(path), ...binaryFields(a) };
  const platform = a.elf.goarch ? `linux/${a.elf.goarch}` : undefined;
  return { source: name, kind: 'binary', platforms: [{ ...(platform ? { platform } : {}), binary, warnings: [], findings }], findings };
}

function binaryFields(a: BinaryAnalysis): BinaryReport {
  return {
    size: a.size,
    elf: a.elf,
    goStatus: a.goStatus,
    ...(a.go ? { go: a.go } : {}),
    ...(a.goError ? { goError: a.goError } : {}),
    ...(a.linked ? { linked: a.linked } : {}),
    ...(a.sizes ? { sizes: a.sizes.packages, unattributed: a.sizes.unattributed, largestFunctions: a.sizes.largestFunctions } : {}),
  };
}

function summarize(img: Image, view: FsView): ImageSummary {
  const c = img.config.config ?? {};
  // History entries without empty_layer belong to the layers in order (when they are as many).
  const built = (img.config.history ?? []).filter((h) => !h.empty_layer);
  const steps = built.length === view.layerStats.length ? built : [];
  const layers = view.layerStats.map((l, i) => {
    const by = steps[i]?.created_by;
    return { digest: l.digest, mediaType: l.mediaType, size: l.size, uncompressedSize: l.uncompressedSize, ...(by ? { createdBy: by } : {}) };
  });
  return {
    digest: img.digest,
    platform: formatPlatform(img.platform),
    ...(img.config.created ? { created: img.config.created } : {}),
    ...(c.User !== undefined ? { user: c.User } : {}),
    ...(c.Entrypoint ? { entrypoint: c.Entrypoint } : {}),
    ...(c.Cmd ? { cmd: c.Cmd } : {}),
    ...(c.WorkingDir ? { workdir: c.WorkingDir } : {}),
    env: c.Env ?? [],
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    labels: c.Labels ?? {},
    layers,
    totals: {
      layers: layers.length,
      size: layers.reduce((n, l) => n + l.size, 0),
      uncompressedSize: layers.reduce((n, l) => n + l.uncompressedSize, 0),
    },
  };
}
