/**
 * One way to name anything goscratch can read: an OCI layout directory, an archive
 * tarball, a registry reference, or a plain binary. The kind is detected, or forced
 * with a prefix: `oci:DIR[:NAME][@DIGEST]`, `archive:FILE`, `docker://REF`, `file:PATH`.
 */
import { open, stat } from 'node:fs/promises';
import type { Platform } from '../oci/types.js';
import { imagesOf, type Artifact, type Image } from '../image/model.js';
import { formatPlatform, platformMatches } from '../oci/platform.js';
import { UsageError } from '../util/errors.js';
import { fileKind } from '../util/fs.js';
import { readArchive } from './archive.js';
import { isLayoutDir, readLayout } from './layout.js';
import type { RegistryOptions } from './registry/session.js';

export type Source =
  | { kind: 'artifact'; via: 'oci-layout' | 'archive' | 'registry'; name: string; artifact: Artifact }
  | { kind: 'binary'; name: string; path: string };

export interface SourceOptions {
  platform?: Platform;
  registry?: RegistryOptions;
}

async function head(path: string, n: number): Promise<Buffer> {
  const fh = await open(path, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * A layout given as DIR, DIR:NAME, DIR@DIGEST or DIR:NAME@DIGEST, where NAME may hold
 * colons itself (`out:cron:v1.2`, `out:localhost:5000/app:1`): DIR is the longest
 * prefix, ending before a `:` or `@`, that is a layout directory.
 */
async function splitLayoutSpec(spec: string): Promise<{ dir: string; ref?: string } | undefined> {
  if (await isLayoutDir(spec)) return { dir: spec };
  for (let i = spec.length - 1; i > 0; i--) {
    const c = spec[i];
    if ((c === ':' || c === '@') && (await isLayoutDir(spec.slice(0, i)))) {
      return { dir: spec.slice(0, i), ref: c === '@' ? spec.slice(i) : spec.slice(i + 1) };
    }
  }
  return undefined;
}

export async function openSource(spec: string, opts: SourceOptions = {}): Promise<Source> {
  const forced = /^(oci|archive|docker|file):(?:\/\/)?(.*)$/.exec(spec);
  const kind = forced?.[1];
  const rest = forced ? forced[2]! : spec;

  if (kind === 'docker') return fromRegistry(rest, opts);
  if (kind === 'oci' || (!kind && (await splitLayoutSpec(rest)))) {
    const l = await splitLayoutSpec(rest);
    if (!l) throw new UsageError(`${rest} is not an OCI layout directory (no oci-layout file)`);
    return { kind: 'artifact', via: 'oci-layout', name: spec, artifact: await readLayout(l.dir, l.ref ? { ref: l.ref } : {}) };
  }
  const st = await stat(rest).catch(() => undefined);
  if (kind === 'archive' || kind === 'file') {
    if (!st?.isFile()) throw new UsageError(`${rest} is ${st ? fileKind(st) : 'missing'}, not a readable file`);
    if (kind === 'file') return { kind: 'binary', name: spec, path: rest };
    return { kind: 'artifact', via: 'archive', name: spec, artifact: await readArchive(rest) };
  }
  if (st?.isFile()) {
    const magic = await head(rest, 262);
    if (magic.subarray(0, 4).equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) return { kind: 'binary', name: spec, path: rest };
    if (magic.length >= 262 && magic.subarray(257, 262).toString('latin1') === 'ustar') {
      return { kind: 'artifact', via: 'archive', name: spec, artifact: await readArchive(rest) };
    }
    throw new UsageError(`${rest} is neither an ELF binary nor a tar archive`);
  }
  if (st?.isDirectory()) throw new UsageError(`${rest} is a directory but not an OCI layout (no oci-layout file)`);
  if (st) throw new UsageError(`${rest} is ${fileKind(st)}: give an OCI layout directory, an archive file, a registry reference or an ELF file`);
  if (looksLikePath(rest)) {
    throw new UsageError(`${rest} does not exist; to read it from a registry instead, write docker://${rest}`);
  }
  return fromRegistry(rest, opts);
}

/** `./x`, `/x`, `../x` or a file name ending in .tar can only mean a path, never an image reference. */
function looksLikePath(s: string): boolean {
  return /^(\.{0,2}\/)/.test(s) || /\.(tar|tgz|tar\.gz)$/.test(s);
}

/** A registry image, read lazily: layers are fetched only when a reader opens them. */
async function fromRegistry(ref: string, opts: SourceOptions): Promise<Source> {
  // Loaded only when needed: most commands never touch a registry.
  const { openRemote } = await import('./registry/remote.js');
  const artifact = await openRemote(ref, { ...opts.registry, ...(opts.platform ? { platform: opts.platform } : {}) });
  return { kind: 'artifact', via: 'registry', name: ref, artifact };
}

/** Opens a source that must be an image or index (not a bare binary). */
export async function openArtifact(spec: string, opts: SourceOptions = {}): Promise<Artifact> {
  const s = await openSource(spec, opts);
  if (s.kind !== 'artifact') throw new UsageError(`${spec} is a binary, not an image: give an OCI layout, an archive or a registry reference`);
  return s.artifact;
}

/** The images of an artifact, narrowed to one platform when asked. */
export function selectImages(a: Artifact, platform?: Platform): readonly Image[] {
  const images = imagesOf(a);
  if (!platform) return images;
  const match = images.filter((i) => platformMatches(platform, i.platform));
  if (match.length === 0) {
    throw new UsageError(`no image for ${formatPlatform(platform)}; available: ${images.map((i) => formatPlatform(i.platform)).join(', ')}`);
  }
  return match;
}
