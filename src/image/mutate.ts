/**
 * Pure transforms of the image model (like go-containerregistry's mutate): each
 * returns a new Image or ImageIndex and does no I/O.
 */
import { indexFromRaw, newImage, type Image, type ImageIndex, type Layer, type ManifestFormat } from './model.js';
import { canonicalJson } from '../oci/json.js';
import type { ContainerConfig, HistoryEntry, ImageConfig, Index, Platform } from '../oci/types.js';
import { MediaType } from '../oci/mediatypes.js';

function formatOf(img: Image): ManifestFormat {
  return img.mediaType === MediaType.dockerManifest ? 'docker' : 'oci';
}

function rebuild(img: Image, config: ImageConfig, layers: readonly Layer[] = img.layers, annotations = img.manifest.annotations): Image {
  return newImage({ config, layers, format: formatOf(img), ...(annotations ? { annotations } : {}) });
}

/** An empty image for a platform: no layers, no config. */
export function emptyImage(platform: Platform): Image {
  const config: ImageConfig = { architecture: platform.architecture, os: platform.os, rootfs: { type: 'layers', diff_ids: [] } };
  if (platform.variant) config.variant = platform.variant;
  return newImage({ config, layers: [] });
}

export function setContainerConfig(img: Image, update: (c: ContainerConfig) => ContainerConfig): Image {
  return rebuild(img, { ...img.config, config: update({ ...(img.config.config ?? {}) }) });
}

export function appendLayers(img: Image, additions: ReadonlyArray<{ layer: Layer; history: HistoryEntry }>): Image {
  const history = [...(img.config.history ?? []), ...additions.map((a) => a.history)];
  return rebuild(img, { ...img.config, history }, [...img.layers, ...additions.map((a) => a.layer)]);
}

/** Sets the image's creation time and every history entry's time. */
export function setCreated(img: Image, created: string): Image {
  const history = img.config.history?.map((h) => ({ ...h, created }));
  return rebuild(img, { ...img.config, created, ...(history ? { history } : {}) });
}

export function setAnnotations(img: Image, annotations: Record<string, string>): Image {
  return rebuild(img, img.config, img.layers, { ...(img.manifest.annotations ?? {}), ...annotations });
}

/** Adds index annotations; the index keeps its media type (OCI or Docker list) and its entries as they are. */
export function setIndexAnnotations(idx: ImageIndex, annotations: Record<string, string>): ImageIndex {
  const index: Index = { ...idx.index, annotations: { ...(idx.index.annotations ?? {}), ...annotations } };
  return indexFromRaw(canonicalJson(index), idx.images, idx.mediaType);
}

/** Adds environment entries, replacing earlier ones with the same name. */
export function mergeEnv(env: readonly string[], add: readonly string[]): string[] {
  const names = new Set(add.map((e) => e.split('=')[0]));
  return [...env.filter((e) => !names.has(e.split('=')[0])), ...add];
}
