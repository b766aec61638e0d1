/**
 * Image archives: one tar holding an OCI layout plus docker's manifest.json, the
 * format `docker save` writes since Docker 25. `docker load` (20.10 reads
 * manifest.json, >= 25 either), `podman load` and skopeo's docker-archive: and
 * oci-archive: transports all accept it. Reading also takes plain docker-archive
 * tarballs (manifest.json only, as older `docker save` and skopeo write them).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, readFile } from 'node:fs/promises';
import { dirname, join, normalize } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Writable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { extract as tarExtract, pack as tarPack, type Header, type Pack } from 'tar-stream';
import { DigestingStream, digestOf, sha256 } from '../oci/digest.js';
import { canonicalJson } from '../oci/json.js';
import { MediaType } from '../oci/mediatypes.js';
import { hostPlatform, platformMatches } from '../oci/platform.js';
import type { ImageConfig, Manifest } from '../oci/types.js';
import { fileLayer } from '../image/layer.js';
import { artifactBlobs, imageFromRaw, imagesOf, type Artifact, type Image, type Layer } from '../image/model.js';
import { commitTemp, discardTemp, siblingTemp, tempDir } from '../util/fs.js';
import { InputError } from '../util/errors.js';
import { indexEntries, isLayoutDir, readLayout } from './layout.js';
import { imageName } from './names.js';

/** The image docker loads: the one for this machine's platform, else the first. */
function dockerImage(a: Artifact): Image {
  const images = imagesOf(a);
  return images.find((i) => platformMatches(hostPlatform(), i.platform)) ?? images[0]!;
}

function blobName(digest: string): string {
  return 'blobs/sha256/' + digest.slice('sha256:'.length);
}

export async function writeArchive(file: string, a: Artifact, opts: { tags?: readonly string[] } = {}): Promise<void> {
  const tmp = siblingTemp(file);
  try {
    await packArchive(a, createWriteStream(tmp), opts);
    await commitTemp(tmp, file);
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
}

/** Writes the archive as a tar stream into `out` (a file, or an engine's load request). */
export async function packArchive(a: Artifact, out: Writable, opts: { tags?: readonly string[] } = {}): Promise<void> {
  const tags = opts.tags ?? [];
  const pack = tarPack();
  const done = pipeline(pack, out);
  const base = { uid: 0, gid: 0, uname: '', gname: '', mtime: new Date(0), mode: 0o644 };
  const add = (name: string, data: Buffer): Promise<void> =>
    new Promise((res, rej) => pack.entry({ ...base, name }, data, (e) => (e ? rej(e) : res())));
  try {
    await add('oci-layout', Buffer.from('{"imageLayoutVersion":"1.0.0"}'));
    for (const b of artifactBlobs(a)) {
      if (b.kind === 'layer') await addStream(pack, { ...base, name: blobName(b.digest), size: b.size }, b.layer);
      else await add(blobName(b.digest), b.bytes);
    }
    // One index.json entry (the first name): oci-archive readers such as skopeo refuse
    // an archive with several; every name goes into manifest.json for docker/podman.
    await add('index.json', canonicalJson({ schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: indexEntries(a, tags.slice(0, 1)) }));
    const img = dockerImage(a);
    const manifestJson = [{
      Config: blobName(img.manifest.config.digest),
      RepoTags: tags.map((t) => imageName(t).short),
      Layers: img.layers.map((l) => blobName(l.digest)),
    }];
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

/** Extracts regular files of an archive into a fresh temp dir, refusing unsafe names. */
async function extract(file: string): Promise<string> {
  const root = tempDir('goscratch-archive-');
  const ex = tarExtract();
  const input = createReadStream(file);
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (h, stream, next) => {
      const name = normalize(h.name).replace(/^\.\/+/, '');
      const safe = !name.startsWith('/') && !name.startsWith('..') && !name.includes('\0');
      if (h.type !== 'file' || !safe) {
        stream.resume();
        stream.on('end', next);
        return;
      }
      const target = join(root, name);
      mkdir(dirname(target), { recursive: true })
        .then(() => pipeline(stream, createWriteStream(target)))
        .then(() => next(), reject);
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
    input.on('error', reject);
  });
  input.pipe(ex);
  try {
    await done;
  } catch (e) {
    throw new InputError(`cannot read archive ${file}: ${(e as Error).message}`);
  }
  return root;
}

/** Reads an archive: its OCI layout when it has one, else its docker manifest.json. */
export async function readArchive(file: string, opts: { ref?: string } = {}): Promise<Artifact> {
  const root = await extract(file);
  if (await isLayoutDir(root)) return readLayout(root, opts);
  let entries: Array<{ Config: string; RepoTags?: string[]; Layers: string[] }>;
  try {
    entries = JSON.parse(await readFile(join(root, 'manifest.json'), 'utf8'));
  } catch {
    throw new InputError(`${file} is neither an OCI archive (no oci-layout) nor a docker archive (no readable manifest.json)`);
  }
  const entry = opts.ref ? entries.find((e) => e.RepoTags?.some((t) => t === opts.ref || imageName(t).full === imageName(opts.ref!).full)) : entries[0];
  if (!entry) throw new InputError(`no image ${opts.ref ? JSON.stringify(opts.ref) + ' ' : ''}in docker archive ${file}`);
  return dockerArchiveImage(root, entry);
}

async function dockerArchiveImage(root: string, entry: { Config: string; Layers: string[] }): Promise<Image> {
  const inside = (p: string): string => {
    const n = normalize(p);
    if (n.startsWith('..') || n.startsWith('/')) throw new InputError(`docker archive names a path outside itself: ${p}`);
    return join(root, n);
  };
  const rawConfig = await readFile(inside(entry.Config));
  const config = JSON.parse(rawConfig.toString('utf8')) as ImageConfig;
  const layers: Layer[] = [];
  for (const [i, p] of entry.Layers.entries()) {
    const path = inside(p);
    const { digest, size, gzip } = await hashFile(path);
    const diffId = gzip ? await hashGunzipped(path) : digest;
    if (config.rootfs?.diff_ids?.[i] && config.rootfs.diff_ids[i] !== diffId) {
      throw new InputError(`docker archive layer ${p} does not match the image config's diff_id ${config.rootfs.diff_ids[i]}`);
    }
    layers.push(fileLayer({ mediaType: gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest, size, diffId, path }));
  }
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    config: { mediaType: MediaType.ociConfig, digest: sha256(rawConfig), size: rawConfig.length },
    layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
  };
  return imageFromRaw(canonicalJson(manifest), rawConfig, layers);
}

async function hashFile(path: string): Promise<{ digest: string; size: number; gzip: boolean }> {
  const fh = await open(path, 'r');
  const head = Buffer.alloc(2);
  await fh.read(head, 0, 2, 0).finally(() => fh.close());
  return { ...(await digestOf(createReadStream(path))), gzip: head[0] === 0x1f && head[1] === 0x8b };
}

async function hashGunzipped(path: string): Promise<string> {
  return (await digestOf(createReadStream(path), createGunzip())).digest;
}
