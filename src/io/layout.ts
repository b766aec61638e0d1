/**
 * OCI image layouts (image-spec image-layout.md): read any image or index in one, from
 * a directory or an archive's entries, and write artifacts into a new or existing one.
 *
 * Reading trusts nothing: every JSON document is read up to a bound, checked against
 * its descriptor and parsed without quoting it back; an index is walked once per
 * digest (a DAG of indexes costs its size, not its paths) to a bounded depth; layers
 * are verified when opened (blobs.ts). Writing: a new layout is assembled in a temp
 * directory and renamed into place; an existing one gets its blobs added atomically
 * and index.json rewritten under a lock, keeping its other entries and annotations.
 */
import { lstat, mkdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalJson } from '../oci/json.js';
import { isIndexMediaType, MediaType } from '../oci/mediatypes.js';
import type { Descriptor, Index } from '../oci/types.js';
import { artifactBlobs, artifactDescriptor, imageFromRaw, imagesOf, indexFromRaw, type Artifact, type Image, type Layer } from '../image/model.js';
import { commitTemp, discardTemp, siblingTemp, writeFileAtomic } from '../util/fs.js';
import { withLock } from '../util/lock.js';
import { InputError, UsageError } from '../util/errors.js';
import { isDigest } from '../oci/digest.js';
import { checkBlob, checkDescriptor, MAX_CONFIG_BYTES, MAX_MANIFEST_BYTES, openBlob, parseJson, putBlobBytes, putBlobStream, readBlob, readLocation, type BlobLocation } from './blobs.js';
import { CONTAINERD_NAME, REF_NAME, imageName } from './names.js';

const OCI_LAYOUT = '{"imageLayoutVersion":"1.0.0"}';
/** Indexes nested deeper than this are refused (real ones nest one or two deep). */
const MAX_DEPTH = 8;
/** The most distinct manifests and indexes read for one artifact. */
const MAX_MANIFESTS = 1000;

/**
 * Where a layout's files are: a directory, or the entries of an archive. `locate`
 * gives the location of `index.json`, `oci-layout` or `blobs/sha256/<hex>`, or
 * undefined when the store knows it is absent.
 */
export interface LayoutStore {
  /** The directory or archive, for messages. */
  readonly name: string;
  locate(file: string): BlobLocation | undefined;
}

/** A layout directory: its files must be regular files, not symlinks. */
export function directoryStore(dir: string): LayoutStore {
  return { name: dir, locate: (file) => ({ path: join(dir, file), noFollow: true }) };
}

function blobName(digest: string): string {
  return 'blobs/sha256/' + digest.slice('sha256:'.length);
}

function located(store: LayoutStore, file: string, what: string): BlobLocation {
  const loc = store.locate(file);
  if (!loc) throw new InputError(`${store.name}: ${what} is missing`);
  return loc;
}

/** Makes `dir` an empty OCI layout (blobs/sha256/, oci-layout, an index with no manifests). */
export async function initLayout(dir: string): Promise<void> {
  await mkdir(join(dir, 'blobs', 'sha256'), { recursive: true });
  await writeFileAtomic(join(dir, 'oci-layout'), OCI_LAYOUT, undefined, { links: false });
  await writeFileAtomic(join(dir, 'index.json'), indexJson({}, []), undefined, { links: false });
}

export async function isLayoutDir(dir: string): Promise<boolean> {
  return stat(join(dir, 'oci-layout')).then((s) => s.isFile(), () => false);
}

/** index.json as read: its manifests checked, its other fields kept as they are. */
async function readIndexJson(store: LayoutStore): Promise<Index> {
  const loc = located(store, 'index.json', 'index.json');
  const index = parseJson(await readLocation(loc, MAX_CONFIG_BYTES, `${store.name}/index.json`), `${store.name}/index.json`) as Index;
  checkIndex(index, `${store.name}/index.json`);
  return index;
}

function checkIndex(index: Index, what: string): void {
  if (!index || typeof index !== 'object' || !Array.isArray(index.manifests)) throw new InputError(`${what} is not an image index: it has no "manifests" list`);
  index.manifests.forEach((d) => checkDescriptor(d, what));
}

/** Reads artifacts from one store, each manifest once, within the bounds. */
class LayoutReader {
  private readonly seen = new Map<string, Promise<Artifact>>();

  constructor(private readonly store: LayoutStore) {}

  private async blob(d: Descriptor, max: number, what: string): Promise<Buffer> {
    return readBlob(located(this.store, blobName(d.digest), `${what} ${d.digest}`), d, max, `${this.store.name}: ${what} ${d.digest}`);
  }

  read(d: Descriptor, depth = 0): Promise<Artifact> {
    let a = this.seen.get(d.digest);
    if (!a) {
      if (this.seen.size >= MAX_MANIFESTS) throw new InputError(`${this.store.name} lists more than ${MAX_MANIFESTS} manifests under one image`);
      a = isIndexMediaType(d.mediaType) ? this.index(d, depth) : this.image(d);
      this.seen.set(d.digest, a);
    }
    return a;
  }

  private async index(d: Descriptor, depth: number): Promise<Artifact> {
    if (depth >= MAX_DEPTH) throw new InputError(`${this.store.name}: index ${d.digest} is nested more than ${MAX_DEPTH} deep`);
    const raw = await this.blob(d, MAX_MANIFEST_BYTES, 'index');
    const what = `${this.store.name}: index ${d.digest}`;
    const idx = parseJson(raw, what) as Index;
    checkIndex(idx, what);
    // Nested indexes are flattened into one list of images, each image once.
    const images = new Map<string, Image>();
    for (const child of idx.manifests) {
      for (const img of imagesOf(await this.read(child, depth + 1))) images.set(img.digest, img);
    }
    return indexFromRaw(raw, [...images.values()], d.mediaType);
  }

  private async image(d: Descriptor): Promise<Image> {
    const rawManifest = await this.blob(d, MAX_MANIFEST_BYTES, 'manifest');
    const what = `${this.store.name}: manifest ${d.digest}`;
    const manifest = parseJson(rawManifest, what) as { config?: unknown; layers?: unknown };
    if (!manifest || typeof manifest !== 'object' || !Array.isArray(manifest.layers)) throw new InputError(`${what} is not an image manifest: it has no "layers" list`);
    const config = checkDescriptor(manifest.config, `${what} (config)`);
    const layerDescs = manifest.layers.map((l) => checkDescriptor(l, `${what} (layers)`));
    const rawConfig = await this.blob(config, MAX_CONFIG_BYTES, 'config');
    const diffIds = configDiffIds(rawConfig, `${this.store.name}: config ${config.digest}`);
    // Each layer is there as a regular file of its size (a FIFO or symlink fails here,
    // before any command starts work); its digest is checked as it is read.
    for (const l of layerDescs) await checkBlob(located(this.store, blobName(l.digest), `layer ${l.digest}`), l, `${this.store.name}: layer ${l.digest}`);
    const layers = layerDescs.map((l, i) => storeLayer(this.store, l, diffIds[i] ?? l.digest));
    return imageFromRaw(rawManifest, rawConfig, layers, d.mediaType);
  }
}

/** The config's rootfs.diff_ids, checked to be a list of strings. */
export function configDiffIds(rawConfig: Buffer, what: string): string[] {
  const c = parseJson(rawConfig, what) as { rootfs?: { diff_ids?: unknown } } | null;
  if (!c || typeof c !== 'object') throw new InputError(`${what} is not an image config (not a JSON object)`);
  const ids = c.rootfs?.diff_ids ?? [];
  if (!Array.isArray(ids) || ids.some((x) => typeof x !== 'string')) throw new InputError(`${what}: rootfs.diff_ids is not a list of digests`);
  return ids as string[];
}

/**
 * A layer whose bytes stay in the store until opened, and are verified as they are
 * read; `file` is where the store keeps it (default: blobs/sha256/<hex>).
 */
export function storeLayer(store: LayoutStore, d: Descriptor, diffId: string, file = blobName(d.digest)): Layer {
  const what = `${store.name}: layer ${d.digest}`;
  return {
    mediaType: d.mediaType,
    digest: d.digest,
    size: d.size,
    diffId,
    ...(d.annotations ? { annotations: d.annotations } : {}),
    open: async () => openBlob(located(store, file, `layer ${d.digest}`), d, what),
  };
}

/** Reads the artifact a descriptor points to; nested indexes are flattened into one. */
export async function readDescriptor(store: LayoutStore, d: Descriptor): Promise<Artifact> {
  return new LayoutReader(store).read(d);
}

/** The names an index.json entry answers to; the full name, when present, is last. */
function refNames(d: Descriptor): string[] {
  return [d.annotations?.[REF_NAME], d.annotations?.[CONTAINERD_NAME]].filter((s): s is string => typeof s === 'string' && s !== '');
}

/** `app:1` -> `docker.io/library/app:1`; a string that is no image name stays as it is. */
function fullName(ref: string): string {
  try {
    return imageName(ref).full;
  } catch {
    return ref;
  }
}

/** How an entry is listed in messages: its full name (or tag) and digest. */
function describeEntry(d: Descriptor): string {
  const n = refNames(d).at(-1);
  return n ? `${n} (${d.digest})` : d.digest;
}

/** `NAME`, `NAME@sha256:…` or `sha256:…` / `@sha256:…`, split into its parts. */
function parseSelector(sel: string): { name?: string; digest?: string } {
  const at = sel.lastIndexOf('@');
  const digestPart = at >= 0 ? sel.slice(at + 1) : /^sha256:/.test(sel) ? sel : undefined;
  const name = at >= 0 ? sel.slice(0, at) : digestPart ? '' : sel;
  if (digestPart !== undefined && !isDigest(digestPart)) {
    throw new UsageError(`invalid digest ${JSON.stringify(digestPart)} in ${JSON.stringify(sel)}: expected sha256: and 64 hex digits`);
  }
  return { ...(name ? { name } : {}), ...(digestPart ? { digest: digestPart } : {}) };
}

/**
 * The index.json entries a selector names. A name matches an entry's full name
 * (`cron:v1.2` is `docker.io/library/cron:v1.2`) before its short tag (`v1.2`); a
 * digest matches the entry's digest. Entries for one digest count once.
 */
function selectEntries(manifests: readonly Descriptor[], sel: { name?: string; digest?: string }): Descriptor[] {
  let found = manifests.filter((d) => !sel.digest || d.digest === sel.digest);
  if (sel.name !== undefined) {
    const name = sel.name;
    const full = found.filter((d) => refNames(d).some((n) => n === name || fullName(n) === fullName(name)));
    found = full.length ? full : found.filter((d) => d.annotations?.[REF_NAME] === name);
  }
  const byDigest = new Map<string, Descriptor>();
  for (const d of found) if (!byDigest.has(d.digest)) byDigest.set(d.digest, d);
  return [...byDigest.values()];
}

/**
 * Reads one artifact from a layout store: the one `ref` names (a full name, a short
 * tag that only one image has, `sha256:…`, or `NAME@sha256:…`), or the only one.
 */
export async function readLayoutStore(store: LayoutStore, opts: { ref?: string } = {}): Promise<Artifact> {
  const index = await readIndexJson(store);
  const dir = store.name;
  if (index.manifests.length === 0) throw new InputError(`OCI layout ${dir} holds no images`);
  const all = index.manifests.map(describeEntry).join(', ');
  if (opts.ref === undefined) {
    if (index.manifests.length > 1) throw new UsageError(`OCI layout ${dir} holds ${index.manifests.length} images; name one with ${dir}:NAME or ${dir}@sha256:… (one of: ${all})`);
    return readDescriptor(store, index.manifests[0]!);
  }
  const chosen = selectEntries(index.manifests, parseSelector(opts.ref));
  if (chosen.length === 0) throw new InputError(`no image ${JSON.stringify(opts.ref)} in ${dir}; it has: ${all}`);
  if (chosen.length > 1) {
    throw new UsageError(`${JSON.stringify(opts.ref)} names ${chosen.length} images in ${dir}: ${chosen.map(describeEntry).join(', ')}; name one with ${dir}:NAME (its full name) or ${dir}@sha256:…`);
  }
  return readDescriptor(store, chosen[0]!);
}

/** Reads one artifact from a layout directory (see readLayoutStore). */
export async function readLayout(dir: string, opts: { ref?: string } = {}): Promise<Artifact> {
  if (!(await isLayoutDir(dir))) throw new InputError(`${dir} is not an OCI layout (no oci-layout file)`);
  return readLayoutStore(directoryStore(dir), opts);
}

/** Writes every blob of an artifact (layers, configs, manifests, the index) under root. */
export async function writeBlobs(root: string, a: Artifact): Promise<void> {
  for (const b of artifactBlobs(a)) {
    if (b.kind === 'layer') await putBlobStream(root, b.digest, () => b.layer.open(), b.size);
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
  if (!(await lstat(dir).catch(() => undefined))) {
    const tmp = siblingTemp(dir);
    try {
      await initLayout(tmp);
      await writeBlobs(tmp, a);
      await writeFileAtomic(join(tmp, 'index.json'), indexJson({}, entries), undefined, { links: false });
      if (await commitLayout(tmp, dir)) return;
    } finally {
      await discardTemp(tmp);
    }
  }
  await addToLayout(dir, a, entries);
}

/**
 * Renames a layout finished in `tmp` to `dir`. False when another process created
 * `dir` in the meantime: the caller then adds its artifact to that one instead.
 */
export async function commitLayout(tmp: string, dir: string): Promise<boolean> {
  try {
    await commitTemp(tmp, dir);
    return true;
  } catch (e) {
    const code = ((e as { cause?: NodeJS.ErrnoException }).cause ?? (e as NodeJS.ErrnoException)).code;
    if (code === 'ENOTEMPTY' || code === 'EEXIST' || code === 'ENOTDIR') return false;
    throw e;
  }
}

/** Adds an artifact to an existing layout: blobs first, then index.json under the layout's lock. */
async function addToLayout(dir: string, a: Artifact, entries: Descriptor[]): Promise<void> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory() || !(await isLayoutDir(dir))) {
    throw new InputError(`${dir} exists and is not an OCI layout; remove it or choose another path`);
  }
  await writeBlobs(dir, a);
  await withLock(join(dir, 'index.json.lock'), { what: `the OCI layout ${dir}` }, async () => {
    const index = await readIndexJson(directoryStore(dir));
    // An existing entry with one of our names moves to the new artifact; others stay.
    const key = (d: Descriptor): string | undefined => refNames(d).at(-1);
    const ours = new Set(entries.map(key));
    const kept = index.manifests.filter((d) => (key(d) === undefined ? d.digest !== a.digest : !ours.has(key(d))));
    await writeFileAtomic(join(dir, 'index.json'), indexJson(index, [...kept, ...entries]), undefined, { links: false });
  });
}

/** index.json with these manifests, keeping every other field of `base` (annotations, ...). */
function indexJson(base: Partial<Index>, manifests: Descriptor[]): Buffer {
  return canonicalJson({ ...base, schemaVersion: 2, mediaType: base.mediaType ?? MediaType.ociIndex, manifests });
}
