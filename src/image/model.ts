/**
 * The one image model every command uses (in the spirit of go-containerregistry's
 * v1.Image). Values are immutable; sources produce them, sinks consume them, and the
 * transforms in mutate.ts return new values without I/O. Layer bytes are only ever
 * streamed, never collected into a whole-image buffer.
 */
import type { Readable } from 'node:stream';
import { MediaType } from '../oci/mediatypes.js';
import { canonicalJson } from '../oci/json.js';
import { sha256 } from '../oci/digest.js';
import { normalizePlatform } from '../oci/platform.js';
import type { Descriptor, ImageConfig, Index, Manifest, Platform } from '../oci/types.js';
import { InputError } from '../util/errors.js';

export interface Layer {
  /** Media type of the bytes `open()` returns (compressed or not). */
  readonly mediaType: string;
  /** Digest and size of the bytes `open()` returns. */
  readonly digest: string;
  readonly size: number;
  /** Digest of the uncompressed tar (the config's rootfs.diff_ids entry). */
  readonly diffId: string;
  readonly annotations?: Record<string, string>;
  /** Where a registry source read the layer, so a push to that registry can mount it (ggcr's MountableLayer). */
  readonly source?: LayerSource;
  /** Opens the layer's bytes as stored; each call gives a fresh stream. */
  open(): Promise<Readable>;
}

export interface LayerSource {
  registry: string;
  repository: string;
}

export interface Image {
  readonly kind: 'image';
  /**
   * Media type of the manifest, as its descriptor says (index.json, a registry's
   * Content-Type, an archive): the `mediaType` field inside is optional.
   */
  readonly mediaType: string;
  readonly manifest: Manifest;
  readonly rawManifest: Buffer;
  /** Digest of rawManifest. */
  readonly digest: string;
  readonly config: ImageConfig;
  readonly rawConfig: Buffer;
  readonly layers: readonly Layer[];
  readonly platform: Platform;
}

export interface ImageIndex {
  readonly kind: 'index';
  /** Media type of the index, as its descriptor says. */
  readonly mediaType: string;
  readonly index: Index;
  readonly rawIndex: Buffer;
  readonly digest: string;
  readonly images: readonly Image[];
}

export type Artifact = Image | ImageIndex;

export type ManifestFormat = 'oci' | 'docker';

/** Builds an image from a config and layers, writing the manifest canonically. */
export function newImage(opts: {
  config: ImageConfig;
  layers: readonly Layer[];
  annotations?: Record<string, string>;
  format?: ManifestFormat;
}): Image {
  const format = opts.format ?? 'oci';
  const config: ImageConfig = { ...opts.config, rootfs: { type: 'layers', diff_ids: opts.layers.map((l) => l.diffId) } };
  const rawConfig = canonicalJson(config);
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: format === 'oci' ? MediaType.ociManifest : MediaType.dockerManifest,
    config: { mediaType: format === 'oci' ? MediaType.ociConfig : MediaType.dockerConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: opts.layers.map(layerDescriptor),
  };
  if (opts.annotations && Object.keys(opts.annotations).length > 0) manifest.annotations = opts.annotations;
  return imageFromRaw(canonicalJson(manifest), rawConfig, opts.layers);
}

/**
 * The media type of a manifest or index: its descriptor's (`declared`), else the
 * optional field inside it; the two must agree when both are there.
 */
function documentMediaType(declared: string | undefined, field: unknown, what: string): string {
  const inside = typeof field === 'string' && field !== '' ? field : undefined;
  if (declared && inside && declared !== inside) {
    throw new InputError(`${what} says its media type is ${inside}, but its descriptor says ${declared}`);
  }
  const mt = declared || inside;
  if (!mt) throw new InputError(`${what} has no media type: neither its descriptor nor the document names one`);
  return mt;
}

/**
 * Wraps bytes read from a layout, archive or registry, keeping them exactly as they
 * are so digests survive a round trip. Checks that the layers match the manifest.
 * `mediaType` is what the manifest's descriptor says (see Image.mediaType).
 */
export function imageFromRaw(rawManifest: Buffer, rawConfig: Buffer, layers: readonly Layer[], mediaType?: string): Image {
  const manifest = JSON.parse(rawManifest.toString('utf8')) as Manifest;
  const digest = sha256(rawManifest);
  const config = JSON.parse(rawConfig.toString('utf8')) as ImageConfig;
  if (manifest.config.digest !== sha256(rawConfig)) {
    throw new Error(`image config does not match its manifest: expected ${manifest.config.digest}, got ${sha256(rawConfig)}`);
  }
  if (manifest.layers.length !== layers.length || manifest.layers.some((d, i) => d.digest !== layers[i]?.digest)) {
    throw new Error('image layers do not match the manifest');
  }
  const platform: Platform = normalizePlatform({ os: config.os, architecture: config.architecture, ...(config.variant ? { variant: config.variant } : {}) });
  return { kind: 'image', mediaType: documentMediaType(mediaType, manifest.mediaType, `manifest ${digest}`), manifest, rawManifest, digest, config, rawConfig, layers, platform };
}

export function layerDescriptor(l: Layer): Descriptor {
  const d: Descriptor = { mediaType: l.mediaType, digest: l.digest, size: l.size };
  if (l.annotations && Object.keys(l.annotations).length > 0) d.annotations = l.annotations;
  return d;
}

/** The descriptor that points at an image's manifest, with its platform. */
export function imageDescriptor(img: Image): Descriptor {
  return { mediaType: img.mediaType, digest: img.digest, size: img.rawManifest.length, platform: img.platform };
}

/**
 * An index over images. `descriptors` may carry extra fields for each entry
 * (annotations, say), kept as given; digest, size, media type and platform always
 * come from the image itself.
 */
export function newIndex(
  images: readonly Image[],
  opts: { annotations?: Record<string, string>; format?: ManifestFormat; descriptors?: readonly (Partial<Descriptor> | undefined)[] } = {},
): ImageIndex {
  const index: Index = {
    schemaVersion: 2,
    mediaType: (opts.format ?? 'oci') === 'oci' ? MediaType.ociIndex : MediaType.dockerManifestList,
    manifests: images.map((img, i) => ({ ...opts.descriptors?.[i], ...imageDescriptor(img) })),
  };
  if (opts.annotations && Object.keys(opts.annotations).length > 0) index.annotations = opts.annotations;
  return indexFromRaw(canonicalJson(index), images);
}

/** Wraps an index's bytes as read; `mediaType` is its descriptor's (see ImageIndex.mediaType). */
export function indexFromRaw(rawIndex: Buffer, images: readonly Image[], mediaType?: string): ImageIndex {
  const index = JSON.parse(rawIndex.toString('utf8')) as Index;
  const digest = sha256(rawIndex);
  return { kind: 'index', mediaType: documentMediaType(mediaType, index.mediaType, `index ${digest}`), index, rawIndex, digest, images };
}

/** The images of an artifact: itself, or an index's children. */
export function imagesOf(a: Artifact): readonly Image[] {
  return a.kind === 'image' ? [a] : a.images;
}

/** Descriptor of the artifact's top-level manifest (image manifest or index). */
export function artifactDescriptor(a: Artifact): Descriptor {
  return { mediaType: a.mediaType, digest: a.digest, size: rawManifestOf(a).length };
}

export function rawManifestOf(a: Artifact): Buffer {
  return a.kind === 'image' ? a.rawManifest : a.rawIndex;
}

/** One blob of an artifact: a layer (streamed) or a config or manifest (in memory). */
export type ArtifactBlob =
  | { kind: 'layer'; digest: string; size: number; layer: Layer }
  | { kind: 'config' | 'manifest' | 'index'; digest: string; size: number; mediaType: string; bytes: Buffer };

/**
 * Every blob of an artifact once, in the order a writer must store them so nothing
 * refers to a blob not yet written: each image's layers and config, then its manifest,
 * then the index. Shared layers and configs appear once.
 */
export function artifactBlobs(a: Artifact): ArtifactBlob[] {
  const out: ArtifactBlob[] = [];
  const seen = new Set<string>();
  const add = (b: ArtifactBlob): void => {
    if (seen.has(b.digest)) return;
    seen.add(b.digest);
    out.push(b);
  };
  for (const img of imagesOf(a)) {
    for (const layer of img.layers) add({ kind: 'layer', digest: layer.digest, size: layer.size, layer });
    add({ kind: 'config', digest: img.manifest.config.digest, size: img.rawConfig.length, mediaType: img.manifest.config.mediaType, bytes: img.rawConfig });
    add({ kind: 'manifest', digest: img.digest, size: img.rawManifest.length, mediaType: img.mediaType, bytes: img.rawManifest });
  }
  if (a.kind === 'index') add({ kind: 'index', digest: a.digest, size: a.rawIndex.length, mediaType: a.mediaType, bytes: a.rawIndex });
  return out;
}
