/**
 * OCI image layout directories (image-spec image-layout.md): read any image or index
 * in one, and write artifacts into a new or existing one. A new layout is written in
 * a temp directory and renamed into place; in an existing one, blobs are added
 * atomically and index.json is replaced last.
 */
import { readFile, stat, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256 } from '../oci/digest.js';
import { canonicalJson } from '../oci/json.js';
import { isIndexMediaType } from '../oci/mediatypes.js';
import type { Descriptor, Index, Manifest } from '../oci/types.js';
import { fileLayer } from '../image/layer.js';
import { artifactBlobs, artifactDescriptor, imageFromRaw, imagesOf, indexFromRaw, type Artifact, type Image } from '../image/model.js';
import { commitTemp, discardTemp, siblingTemp, writeFileAtomic } from '../util/fs.js';
import { InputError } from '../util/errors.js';
import { blobPath, putBlobBytes, putBlobStream } from './blobs.js';
import { CONTAINERD_NAME, REF_NAME, imageName } from './names.js';

const OCI_LAYOUT = '{"imageLayoutVersion":"1.0.0"}';

/** Makes `dir` an empty OCI layout (blobs/sha256/, oci-layout, an index with no manifests). */
export async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFileAtomic(join(dir, 'oci-layout'), OCI_LAYOUT);
  await writeFileAtomic(join(dir, 'index.json'), indexJson([]));
}

export async function isLayoutDir(dir: string): Promise<boolean> {
  return stat(join(dir, 'oci-layout')).then((s) => s.isFile(), () => false);
}

async function readIndexJson(dir: string): Promise<Index> {
  try {
    return JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as Index;
  } catch (e) {
    throw new InputError(`${dir} is not a readable OCI layout (index.json: ${(e as Error).message})`);
  }
}

async function readBlob(dir: string, d: Descriptor): Promise<Buffer> {
  const bytes = await readFile(blobPath(dir, d.digest)).catch(() => {
    throw new InputError(`OCI layout ${dir} is missing blob ${d.digest}`);
  });
  if (sha256(bytes) !== d.digest) throw new InputError(`OCI layout ${dir}: blob ${d.digest} is corrupt (digest mismatch)`);
  return bytes;
}

async function readImage(dir: string, d: Descriptor): Promise<Image> {
  const rawManifest = await readBlob(dir, d);
  const manifest = JSON.parse(rawManifest.toString('utf8')) as Manifest;
  const rawConfig = await readBlob(dir, manifest.config);
  const diffIds = (JSON.parse(rawConfig.toString('utf8')) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  const layers = manifest.layers.map((l, i) =>
    fileLayer({ mediaType: l.mediaType, digest: l.digest, size: l.size, diffId: diffIds[i] ?? l.digest, path: blobPath(dir, l.digest), ...(l.annotations ? { annotations: l.annotations } : {}) }),
  );
  return imageFromRaw(rawManifest, rawConfig, layers);
}

/** Reads the artifact a descriptor points to; nested indexes are flattened into one. */
export async function readDescriptor(dir: string, d: Descriptor): Promise<Artifact> {
  if (!isIndexMediaType(d.mediaType)) return readImage(dir, d);
  const raw = await readBlob(dir, d);
  const idx = JSON.parse(raw.toString('utf8')) as Index;
  const images: Image[] = [];
  for (const child of idx.manifests) {
    const a = await readDescriptor(dir, child);
    images.push(...imagesOf(a));
  }
  return indexFromRaw(raw, images);
}

/** The names an index.json entry answers to; the full name, when present, is last. */
function refNames(d: Descriptor): string[] {
  return [d.annotations?.[REF_NAME], d.annotations?.[CONTAINERD_NAME]].filter((s): s is string => Boolean(s));
}

/** `app:1` -> `docker.io/library/app:1`; a string that is no image name stays as it is. */
function fullName(ref: string): string {
  try {
    return imageName(ref).full;
  } catch {
    return ref;
  }
}

/** Reads one artifact from a layout: the one named `ref` (tag or full name), or the only one. */
export async function readLayout(dir: string, opts: { ref?: string } = {}): Promise<Artifact> {
  if (!(await isLayoutDir(dir))) throw new InputError(`${dir} is not an OCI layout (no oci-layout file)`);
  const index = await readIndexJson(dir);
  let chosen: Descriptor | undefined;
  if (opts.ref) {
    const ref = opts.ref;
    chosen = index.manifests.find((d) => refNames(d).includes(ref) || d.digest === ref) ?? index.manifests.find((d) => refNames(d).includes(fullName(ref)));
    if (!chosen) {
      const known = index.manifests.flatMap(refNames);
      throw new InputError(`no image named ${JSON.stringify(opts.ref)} in ${dir}; it has: ${known.join(', ') || '(no names)'}`);
    }
  } else if (index.manifests.length === 1) {
    chosen = index.manifests[0];
  } else if (index.manifests.length === 0) {
    throw new InputError(`OCI layout ${dir} holds no images`);
  } else {
    const known = index.manifests.map((d) => refNames(d)[0] ?? d.digest);
    throw new InputError(`OCI layout ${dir} holds ${index.manifests.length} images; name one with ${dir}:NAME (one of: ${known.join(', ')})`);
  }
  return readDescriptor(dir, chosen!);
}

/** Writes every blob of an artifact (layers, configs, manifests, the index) under root. */
export async function writeBlobs(root: string, a: Artifact): Promise<void> {
  for (const b of artifactBlobs(a)) {
    if (b.kind === 'layer') await putBlobStream(root, b.digest, () => b.layer.open());
    else await putBlobBytes(root, b.digest, b.bytes);
  }
}

/** index.json entries for an artifact: one per tag (docker save's annotations), or one unnamed. */
export function indexEntries(a: Artifact, tags: readonly string[]): Descriptor[] {
  const d = artifactDescriptor(a);
  if (tags.length === 0) return [d];
  return tags.map((t) => {
    const n = imageName(t);
    return { ...d, annotations: { [CONTAINERD_NAME]: n.full, [REF_NAME]: n.tag } };
  });
}

export async function writeLayout(dir: string, a: Artifact, opts: { tags?: readonly string[] } = {}): Promise<void> {
  const entries = indexEntries(a, opts.tags ?? []);
  const existing = await stat(dir).then((s) => s, () => undefined);
  if (!existing) {
    const tmp = siblingTemp(dir);
    try {
      await initLayout(tmp);
      await writeBlobs(tmp, a);
      await writeFileAtomic(join(tmp, 'index.json'), indexJson(entries));
      await commitTemp(tmp, dir);
    } catch (e) {
      await discardTemp(tmp);
      throw e;
    }
    return;
  }
  if (!existing.isDirectory() || !(await isLayoutDir(dir))) {
    throw new InputError(`${dir} exists and is not an OCI layout; remove it or choose another path`);
  }
  await writeBlobs(dir, a);
  const index = await readIndexJson(dir);
  // An existing entry with one of our names moves to the new artifact; others stay.
  const key = (d: Descriptor): string | undefined => refNames(d).at(-1);
  const ours = new Set(entries.map(key));
  const kept = index.manifests.filter((d) => (key(d) === undefined ? d.digest !== a.digest : !ours.has(key(d))));
  await writeFileAtomic(join(dir, 'index.json'), indexJson([...kept, ...entries]));
}

function indexJson(manifests: Descriptor[]): Buffer {
  return canonicalJson({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests });
}
