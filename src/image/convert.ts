/**
 * Conversions between forms of one image that keep what runs in it, each returning
 * the artifact itself when there is nothing to change:
 * - Docker schema 2 to OCI media types, as `skopeo copy … oci:` does, for readers of
 *   OCI layouts (skopeo's oci: transport, podman, umoci refuse Docker types there).
 *   Configs and layers keep their bytes; manifests and indexes are rewritten, so they
 *   get new digests, and each records the digest it came from under SOURCE_DIGEST.
 * - Uncompressed layers to gzip, as crane and skopeo do on push (a `docker save`
 *   archive holds plain tars), with goscratch's deterministic gzip: the same layer
 *   always gives the same bytes.
 */
import type { Readable } from 'node:stream';
import { canonicalJson } from '../oci/json.js';
import { digestOf } from '../oci/digest.js';
import { MediaType } from '../oci/mediatypes.js';
import type { Index, Manifest } from '../oci/types.js';
import { imageFromRaw, indexFromRaw, type Artifact, type Image, type ImageIndex, type Layer } from './model.js';
import { gzipStream } from './pgzip.js';

/** The annotation a converted manifest or index records its source's digest under. */
export const SOURCE_DIGEST = 'io.goscratch.source.digest';

const OCI_TYPE: Record<string, string> = {
  [MediaType.dockerConfig]: MediaType.ociConfig,
  [MediaType.dockerLayer]: MediaType.ociLayer,
  [MediaType.dockerLayerGzip]: MediaType.ociLayerGzip,
  [MediaType.dockerForeignLayerGzip]: MediaType.ociNondistributableLayerGzip,
};

const GZIP_TYPE: Record<string, string> = {
  [MediaType.ociLayer]: MediaType.ociLayerGzip,
  [MediaType.dockerLayer]: MediaType.dockerLayerGzip,
};

/** The image over these layers (manifest fields changed as given), its config bytes unchanged. */
function rewriteImage(img: Image, layers: readonly Layer[], fields: Partial<Manifest> = {}, mediaType = img.mediaType): Image {
  const manifest: Manifest = {
    ...img.manifest,
    ...fields,
    layers: img.manifest.layers.map((d, i) => ({ ...d, mediaType: layers[i]!.mediaType, digest: layers[i]!.digest, size: layers[i]!.size })),
  };
  return imageFromRaw(canonicalJson(manifest), img.rawConfig, layers, mediaType);
}

/** The index over new versions of its images (same order), its entries pointing at them. */
function replaceImages(idx: ImageIndex, images: readonly Image[], fields: Partial<Index> = {}, mediaType = idx.mediaType): ImageIndex {
  const byDigest = new Map(idx.images.map((img, i) => [img.digest, images[i]!]));
  const index: Index = {
    ...idx.index,
    ...fields,
    manifests: idx.index.manifests.map((d) => {
      const img = byDigest.get(d.digest);
      return img ? { ...d, mediaType: img.mediaType, digest: img.digest, size: img.rawManifest.length } : d;
    }),
  };
  return indexFromRaw(canonicalJson(index), images, mediaType);
}

function imageToOci(img: Image): Image {
  if (img.mediaType !== MediaType.dockerManifest) return img;
  const layers = img.layers.map((l) => (OCI_TYPE[l.mediaType] ? { ...l, mediaType: OCI_TYPE[l.mediaType]! } : l));
  const config = { ...img.manifest.config, mediaType: OCI_TYPE[img.manifest.config.mediaType] ?? img.manifest.config.mediaType };
  const annotations = { ...img.manifest.annotations, [SOURCE_DIGEST]: img.digest };
  return rewriteImage(img, layers, { mediaType: MediaType.ociManifest, config, annotations }, MediaType.ociManifest);
}

/** The artifact with OCI media types throughout (see the file comment). */
export function toOci(a: Artifact): Artifact {
  if (a.kind === 'image') return imageToOci(a);
  const images = a.images.map(imageToOci);
  if (a.mediaType === MediaType.ociIndex && images.every((img, i) => img === a.images[i])) return a;
  return replaceImages(a, images, { mediaType: MediaType.ociIndex, annotations: { ...a.index.annotations, [SOURCE_DIGEST]: a.digest } }, MediaType.ociIndex);
}

/** An uncompressed layer as gzip: read once here for its digest, compressed again on each open(). */
async function gzipLayer(l: Layer): Promise<Layer> {
  const mediaType = GZIP_TYPE[l.mediaType];
  if (!mediaType) return l;
  const open = async (): Promise<Readable> => {
    const src = await l.open();
    const gz = gzipStream();
    src.on('error', (e) => gz.destroy(e));
    return src.pipe(gz);
  };
  const { digest, size } = await digestOf(await open());
  return { mediaType, digest, size, diffId: l.diffId || l.digest, ...(l.annotations ? { annotations: l.annotations } : {}), open };
}

/** The artifact with every uncompressed layer gzipped (see the file comment); each distinct layer is compressed once. */
export async function gzipLayers(a: Artifact): Promise<Artifact> {
  const done = new Map<string, Promise<Layer>>();
  const gzip = (l: Layer): Promise<Layer> => {
    let p = done.get(l.digest);
    if (!p) done.set(l.digest, (p = gzipLayer(l)));
    return p;
  };
  const rewrite = async (img: Image): Promise<Image> => {
    if (!img.layers.some((l) => GZIP_TYPE[l.mediaType])) return img;
    const layers: Layer[] = [];
    for (const l of img.layers) layers.push(await gzip(l));
    return rewriteImage(img, layers);
  };
  if (a.kind === 'image') return rewrite(a);
  const images: Image[] = [];
  for (const img of a.images) images.push(await rewrite(img));
  return images.every((img, i) => img === a.images[i]) ? a : replaceImages(a, images);
}
