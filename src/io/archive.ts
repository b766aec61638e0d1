/**
 * Image archives: one tar holding an OCI layout plus docker's manifest.json, the
 * format `docker save` writes since Docker 25. `docker load` (20.10 reads
 * manifest.json, >= 25 either), `podman load` and skopeo's docker-archive: and
 * oci-archive: transports all accept it. Reading also takes plain docker-archive
 * tarballs (manifest.json only, as older `docker save` and skopeo write them).
 *
 * Reading is lazy: the tar's headers are indexed (tarindex.ts), the JSON documents
 * read from their byte ranges, and a layer's bytes only when it is opened, verified
 * as they stream. Nothing is extracted to disk.
 */
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { Transform, Writable } from 'node:stream';
import { pack as tarPack, type Header, type Pack } from 'tar-stream';
import { DigestingStream, isDigest, sha256 } from '../oci/digest.js';
import { canonicalJson } from '../oci/json.js';
import { MediaType } from '../oci/mediatypes.js';
import { hostPlatform, platformMatches } from '../oci/platform.js';
import type { Descriptor, Manifest } from '../oci/types.js';
import { DEFAULT_LIMITS } from '../image/fsview.js';
import { artifactBlobs, imageFromRaw, imagesOf, type Artifact, type Image, type Layer } from '../image/model.js';
import { openOutput, openRegular } from '../util/fs.js';
import { fsError } from '../util/fserror.js';
import { InputError } from '../util/errors.js';
import { MAX_CONFIG_BYTES, openRange, parseJson, readLocation, type BlobLocation } from './blobs.js';
import { configDiffIds, indexEntries, readLayoutStore, storeLayer, type LayoutStore } from './layout.js';
import { imageName } from './names.js';
import { indexTar, resolveEntry } from './tarindex.js';

/** The image docker loads: the one for this machine's platform, else the first. */
function dockerImage(a: Artifact): Image {
  const images = imagesOf(a);
  return images.find((i) => platformMatches(hostPlatform(), i.platform)) ?? images[0]!;
}

function blobName(digest: string): string {
  return 'blobs/sha256/' + digest.slice('sha256:'.length);
}

/** One image of an archive: an artifact and the names it is loaded under. */
export interface ArchiveImage {
  artifact: Artifact;
  tags?: readonly string[];
}

/**
 * Writes an archive to `file`: a new path or regular file is replaced atomically, a
 * FIFO or character device (`/dev/null`, a pipe) written through, a symlink followed
 * to its regular file; anything else is refused (util/fs.ts).
 */
export async function writeArchive(file: string, a: Artifact, opts: { tags?: readonly string[] } = {}): Promise<void> {
  return writeArchiveImages(file, [{ artifact: a, ...opts }]);
}

/** Writes several images into one archive, as `docker save a b` does; see packArchiveImages. */
export async function writeArchiveImages(file: string, images: readonly ArchiveImage[]): Promise<void> {
  const out = await openOutput(file, { devices: true });
  try {
    await packArchiveImages(images, out.stream).catch((e: unknown) => {
      throw fsError(e, out.path, 'write');
    });
    await out.commit();
  } catch (e) {
    await out.discard();
    throw e;
  }
}

/** Writes the archive as a tar stream into `out` (a file, or an engine's load request). */
export async function packArchive(a: Artifact, out: Writable, opts: { tags?: readonly string[] } = {}): Promise<void> {
  return packArchiveImages([{ artifact: a, ...opts }], out);
}

/**
 * Several images in one archive: every blob once, one index.json entry and one
 * manifest.json entry per image. `docker load` and `podman load` load them all;
 * skopeo's oci-archive: and docker-archive: transports then need the image named.
 */
export async function packArchiveImages(images: readonly ArchiveImage[], out: Writable): Promise<void> {
  const pack = tarPack();
  const done = pipeline(pack, out);
  const base = { uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), mode: 0o644 };
  const add = (name: string, data: Buffer): Promise<void> =>
    new Promise((res, rej) => pack.entry({ ...base, name }, data, (e) => (e ? rej(e) : res())));
  try {
    await add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    const written = new Set<string>();
    for (const { artifact } of images) {
      for (const b of artifactBlobs(artifact)) {
        if (written.has(b.digest)) continue;
        written.add(b.digest);
        if (b.kind === 'layer') await addStream(pack, { ...base, name: blobName(b.digest), size: b.size }, b.layer);
        else await add(blobName(b.digest), b.bytes);
      }
    }
    // One index.json entry per image (its first name): oci-archive readers such as
    // skopeo refuse an archive with several for one image; every name goes into
    // manifest.json for docker/podman.
    const manifests = images.flatMap(({ artifact, tags = [] }) => indexEntries(artifact, tags.slice(0, 1)));
    await add('index.json', canonicalJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests }));
    const manifestJson = images.map(({ artifact, tags = [] }) => {
      const img = dockerImage(artifact);
      return { Config: blobName(img.manifest.config.digest), RepoTags: tags.map((t) => imageName(t).short), Layers: img.layers.map((l) => blobName(l.digest)) };
    });
    await add('manifest.json', Buffer.from(JSON.stringify(manifestJson)));
    pack.finalize();
    await done;
  } catch (e) {
    pack.destroy();
    await done.catch(() => undefined);
    throw e;
  }
}

function addStream(pack: Pack, header: Partial<Header> & { name: string }, layer: Layer): Promise<void> {
  return new Promise((resolve, reject) => {
    const hasher = new DigestingStream();
    const entry = pack.entry(header, (e) => {
      if (e) return reject(e);
      if (hasher.digest() !== layer.digest) return reject(new Error(`layer ${layer.digest} changed while it was written (got ${hasher.digest()})`));
      resolve();
    });
    layer.open().then((s) => pipeline(s, hasher, entry)).catch(reject);
  });
}

/** An archive's entries as a layout store: names resolve to byte ranges of the file. */
function archiveStore(file: string, entries: Awaited<ReturnType<typeof indexTar>>): LayoutStore {
  return {
    name: file,
    locate: (name) => {
      const r = resolveEntry(entries, name);
      return r ? { path: file, range: r } : undefined;
    },
  };
}

/** Reads an archive: its OCI layout when it has one, else its docker manifest.json. */
export async function readArchive(file: string, opts: { ref?: string } = {}): Promise<Artifact> {
  const store = archiveStore(file, await indexTar(file));
  if (store.locate('oci-layout')) return readLayoutStore(store, opts);
  const loc = store.locate('manifest.json');
  if (!loc) throw new InputError(`${file} is neither an OCI archive (no oci-layout) nor a docker archive (no manifest.json)`, { input: file });
  const entries = parseJson(await readLocation(loc, MAX_CONFIG_BYTES, `${file}: manifest.json`), `${file}: manifest.json`) as DockerEntry[];
  if (!Array.isArray(entries) || !entries.every(isDockerEntry)) throw new InputError(`${file}: manifest.json is not a docker archive manifest (a list of {Config, Layers})`, { input: file });
  const entry = opts.ref ? entries.find((e) => e.RepoTags?.some((t) => t === opts.ref || fullName(t) === fullName(opts.ref!))) : entries[0];
  if (!entry) throw new InputError(`no image ${opts.ref ? JSON.stringify(opts.ref) + ' ' : ''}in docker archive ${file}`);
  return dockerArchiveImage(store, entry);
}

interface DockerEntry {
  Config: string;
  RepoTags?: string[];
  Layers: string[];
}

function isDockerEntry(e: unknown): e is DockerEntry {
  const x = e as Partial<DockerEntry> | null;
  return Boolean(x) && typeof x!.Config === 'string' && Array.isArray(x!.Layers) && x!.Layers.every((l) => typeof l === 'string') &&
    (x!.RepoTags === undefined || x!.RepoTags === null || (Array.isArray(x!.RepoTags) && x!.RepoTags.every((t) => typeof t === 'string')));
}

function fullName(t: string): string {
  try {
    return imageName(t).full;
  } catch {
    return t;
  }
}

/**
 * An image from a docker-archive entry. An uncompressed layer's digest is its diff_id
 * from the config, checked when the layer is read; a gzip layer is hashed once here
 * (compressed and uncompressed, in one streaming pass) to learn its digest.
 */
async function dockerArchiveImage(store: LayoutStore, entry: DockerEntry): Promise<Image> {
  const locate = (p: string, what: string): BlobLocation => {
    const loc = store.locate(p);
    if (!loc) throw new InputError(`docker archive ${store.name} has no ${what} ${JSON.stringify(p)}`);
    return loc;
  };
  const configLoc = locate(entry.Config, 'config');
  const rawConfig = await readLocation(configLoc, MAX_CONFIG_BYTES, `${store.name}: config ${entry.Config}`);
  const diffIds = configDiffIds(rawConfig, `${store.name}: config ${entry.Config}`);
  if (diffIds.length !== entry.Layers.length) {
    throw new InputError(`docker archive ${store.name}: the config lists ${diffIds.length} layers, manifest.json ${entry.Layers.length}`);
  }
  const layers: Layer[] = [];
  for (const [i, p] of entry.Layers.entries()) {
    const loc = locate(p, 'layer');
    const size = loc.range!.size;
    const diffId = diffIds[i]!;
    if (!isDigest(diffId)) throw new InputError(`docker archive ${store.name}: diff_id ${JSON.stringify(diffId)} is not a sha256 digest`);
    const gzip = await isGzip(loc);
    const digest = gzip ? await hashGzipLayer(loc, size, diffId, `${store.name}: layer ${p}`) : diffId;
    const d: Descriptor = { mediaType: gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest, size };
    layers.push(storeLayer(store, d, diffId, p));
  }
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return imageFromRaw(canonicalJson(manifest), rawConfig, layers);
}

async function isGzip(loc: BlobLocation): Promise<boolean> {
  const { fh } = await openRegular(loc.path, loc.path);
  try {
    const head = Buffer.alloc(2);
    await fh.read(head, 0, 2, loc.range?.start ?? 0);
    return head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}

/**
 * The digest of a gzip layer's bytes, checking that they expand to the config's
 * diff_id, within the bounds inspect reads layers with (a bomb stops early).
 */
async function hashGzipLayer(loc: BlobLocation, size: number, diffId: string, what: string): Promise<string> {
  const compressed = new DigestingStream();
  const expanded = new DigestingStream();
  const lim = DEFAULT_LIMITS;
  let n = 0;
  const bound = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      n += chunk.length;
      if (n > lim.maxLayerBytes || (n > lim.ratioFloor && n > lim.maxRatio * Math.max(1, compressed.bytes))) {
        return cb(new InputError(`${what} expands past ${n} bytes from ${compressed.bytes}; refusing to read further (a decompression bomb?)`));
      }
      cb(null, chunk);
    },
  });
  try {
    await pipeline(await openRange(loc, size, what), compressed, createGunzip(), bound, expanded, new Writable({ write: (_c, _e, cb) => cb() }));
  } catch (e) {
    if (e instanceof InputError) throw e;
    throw new InputError(`${what} is not a readable gzip stream (${(e as Error).message})`);
  }
  if (expanded.digest() !== diffId) throw new InputError(`${what} does not match the image config's diff_id ${diffId}`);
  return compressed.digest();
}
