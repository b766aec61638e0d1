/**
 * A registry image or index as the image model, read lazily (go-containerregistry's
 * remote.Image): the manifest, or the index and its manifests, and each config first,
 * each bounded by its descriptor; a layer's bytes only when the layer is opened.
 * Manifests and configs that several images share are read once (sinks write each
 * layer digest once), and every layer remembers where it came from, so a push to
 * the same registry can mount it.
 */
import { isDigest, sha256 } from '../../oci/digest.js';
import { isIndexMediaType, isManifestMediaType } from '../../oci/mediatypes.js';
import { formatPlatform, platformMatches } from '../../oci/platform.js';
import { toReference, type Reference } from '../../oci/reference.js';
import type { Descriptor, Index, Manifest, Platform } from '../../oci/types.js';
import { imageFromRaw, indexFromRaw, type Artifact, type Image, type Layer } from '../../image/model.js';
import { GoscratchError, InputError } from '../../util/errors.js';
import { readBlob, type PullProgress } from './blobreader.js';
import { RegistryError } from './errors.js';
import { parseJsonObject } from './json.js';
import { Repository, type FetchedManifest } from './repository.js';
import { withRetry } from './retry.js';
import { RegistrySession, type RegistryOptions } from './session.js';

export interface RemoteOptions extends RegistryOptions {
  /** Pick this platform's image from an index; without it an index is read whole. */
  platform?: Platform;
  /** Bytes received of each layer as it is read. */
  onProgress?: (p: PullProgress) => void;
}

/** An index lists at most this many manifests (distribution's 4 MiB allows ~20,000). */
export const MAX_INDEX_ENTRIES = 1000;
/** An image config is JSON of a few KiB; its descriptor may not claim more than this. */
export const MAX_CONFIG_BYTES = 8 * 1024 * 1024;

/** A descriptor from a registry names a sha256 digest (a file name and a URL path later) and a size. */
function checkDescriptor(d: Descriptor | undefined, what: string): Descriptor {
  if (!d || typeof d.digest !== 'string' || !isDigest(d.digest) || !Number.isSafeInteger(d.size) || d.size < 0) {
    throw new InputError(`${what} holds a descriptor without a sha256 digest and a size: ${JSON.stringify(d).slice(0, 200)}`);
  }
  return d;
}

class Reader {
  private readonly manifests = new Map<string, Promise<Image>>();
  private readonly configs = new Map<string, Promise<Buffer>>();

  constructor(readonly repo: Repository, private readonly opts: RemoteOptions) {}

  fetchManifest(reference: string, maxBytes?: number): Promise<FetchedManifest> {
    return withRetry(`fetching manifest ${reference} of ${this.repo.fullName}`, this.repo.session, () => this.repo.getManifest(reference, maxBytes));
  }

  /** The image a descriptor points at, read once however often it is listed. */
  image(d: Descriptor): Promise<Image> {
    let img = this.manifests.get(d.digest);
    if (!img) {
      img = this.fetchManifest(d.digest, d.size).then((m) => this.imageOf(m));
      this.manifests.set(d.digest, img);
    }
    return img;
  }

  async imageOf(m: FetchedManifest): Promise<Image> {
    const what = `manifest ${m.digest} of ${this.repo.fullName}`;
    const manifest = parseJsonObject(m.bytes, what) as unknown as Manifest;
    if (!Array.isArray(manifest.layers)) throw new InputError(`${what} is not an image manifest (no list of layers)`);
    for (const d of [manifest.config, ...manifest.layers]) checkDescriptor(d, what);
    const rawConfig = await this.config(manifest.config);
    const config = parseJsonObject(rawConfig, `config ${manifest.config.digest} of ${this.repo.fullName}`) as { rootfs?: { diff_ids?: unknown } };
    const diffIds = Array.isArray(config.rootfs?.diff_ids) ? (config.rootfs.diff_ids as unknown[]) : [];
    const layers = manifest.layers.map((d, i) => this.layer(d, typeof diffIds[i] === 'string' ? diffIds[i] : ''));
    return imageFromRaw(m.bytes, rawConfig, layers, m.mediaType);
  }

  private config(d: Descriptor): Promise<Buffer> {
    let c = this.configs.get(d.digest);
    if (!c) {
      const what = `config ${d.digest} of ${this.repo.fullName}`;
      if (!(d.size <= MAX_CONFIG_BYTES)) throw new InputError(`${what} claims ${d.size} bytes; goscratch reads configs of at most ${MAX_CONFIG_BYTES}`);
      c = withRetry(`fetching ${what}`, this.repo.session, () => this.repo.getBlob(d.digest, d.size)).then((data) => {
        if (sha256(data) !== d.digest) throw new RegistryError(`${what} is corrupt: it hashes to ${sha256(data)}`, { status: 0 });
        return data;
      });
      this.configs.set(d.digest, c);
    }
    return c;
  }

  /** A layer whose bytes are fetched (streamed and verified) each time it is opened. */
  private layer(d: Descriptor, diffId: string): Layer {
    const { repo } = this;
    return {
      mediaType: d.mediaType,
      digest: d.digest,
      size: d.size,
      diffId,
      ...(d.annotations ? { annotations: d.annotations } : {}),
      source: { registry: repo.session.registry, repository: repo.name },
      open: async () => readBlob(repo, d, this.opts.onProgress),
    };
  }
}

function pickPlatform(index: Index, want: Platform, name: string): Descriptor {
  const found = index.manifests.find((d) => d.platform && platformMatches(want, d.platform));
  if (found) return found;
  const have = index.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : [])).join(', ') || 'none listed';
  throw new GoscratchError(`${name} has no image for ${formatPlatform(want)} (it has: ${have}): pick one of those with --platform`);
}

/** The manifests an index lists, checked before any of them is fetched. */
function indexOf(top: FetchedManifest, what: string, name: string): Index {
  const index = parseJsonObject(top.bytes, what) as unknown as Index;
  if (!Array.isArray(index.manifests)) throw new InputError(`${what} has no list of manifests`);
  if (index.manifests.length > MAX_INDEX_ENTRIES) throw new InputError(`${what} lists ${index.manifests.length} manifests; goscratch reads at most ${MAX_INDEX_ENTRIES}`);
  for (const d of index.manifests) {
    checkDescriptor(d, what);
    if (!isManifestMediaType(d.mediaType)) throw new InputError(`${name} lists ${d.mediaType} ${d.digest}, which goscratch cannot pull (nested indexes are not supported)`);
  }
  return index;
}

/** Opens a registry image or index: manifests and configs now, layers when opened. */
export async function openRemote(ref: string | Reference, opts: RemoteOptions = {}): Promise<Artifact> {
  const source = toReference(ref);
  const reader = new Reader(new Repository(new RegistrySession(source.registry, opts), source.repository, false), opts);
  const name = source.toString();
  const top = await reader.fetchManifest(source.identifier);
  if (isIndexMediaType(top.mediaType)) {
    const index = indexOf(top, `index ${source.identifier} of ${reader.repo.fullName}`, name);
    if (opts.platform) return reader.image(pickPlatform(index, opts.platform, name));
    const images: Image[] = [];
    for (const d of index.manifests) {
      const img = await reader.image(d);
      if (!images.includes(img)) images.push(img);
    }
    return indexFromRaw(top.bytes, images, top.mediaType);
  }
  if (!isManifestMediaType(top.mediaType)) {
    throw new InputError(`${name} is a ${top.mediaType || 'manifest without a media type'}, not an image: goscratch pulls OCI and Docker schema 2 images and indexes`);
  }
  const img = await reader.imageOf(top);
  if (opts.platform && !platformMatches(opts.platform, img.platform)) {
    throw new GoscratchError(`${name} is a single ${formatPlatform(img.platform)} image, not ${formatPlatform(opts.platform)}: drop --platform or pick another reference`);
  }
  return img;
}
