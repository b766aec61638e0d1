/**
 * Pushing an artifact: every blob first (deduplicated, a bounded number at a time),
 * then image manifests by digest, then the top-level manifest under each tag last,
 * so a push that fails half-way never moves a tag. Uncompressed layers (a `docker
 * save` archive's) are gzipped first, deterministically, unless digests are preserved.
 */
import { Readable } from 'node:stream';
import { MediaType } from '../../oci/mediatypes.js';
import { canonicalJson } from '../../oci/json.js';
import { digestHex, sha256 } from '../../oci/digest.js';
import { toReference, type Reference } from '../../oci/reference.js';
import type { Descriptor, Index, Manifest } from '../../oci/types.js';
import { artifactBlobs, rawManifestOf, type Artifact, type Layer } from '../../image/model.js';
import { gzipLayers } from '../../image/convert.js';
import { GoscratchError } from '../../util/errors.js';
import { RegistrySession, type RegistryOptions } from './session.js';
import { Repository } from './repository.js';
import { pushBlob, type Blob, type BlobOutcome, type BlobProgress, type UploadOptions } from './upload.js';
import { withRetry } from './retry.js';
import { mapLimit } from '../../util/pool.js';
import { parseJsonObject } from './json.js';

export interface PushOptions extends RegistryOptions, Pick<UploadOptions, 'chunkThreshold' | 'chunkSize'> {
  /** Tags besides the reference's own. */
  tags?: string[];
  /** Blobs uploaded at once (default 4). */
  jobs?: number;
  onProgress?: (p: BlobProgress) => void;
  /** Push uncompressed layers as they are instead of gzipping them (skopeo's --preserve-digests). */
  preserveDigests?: boolean;
}

export interface PushResult {
  /** `registry/repository@sha256:...` */
  ref: string;
  digest: string;
  /** Every `registry/repository:tag` that now points at the digest. */
  tagged: string[];
  /** How each blob got there. */
  blobs: Record<string, BlobOutcome>;
}

function bufferBlob(data: Buffer): Blob {
  return { digest: sha256(data), size: data.length, open: async () => Readable.from([data]) };
}

/** The repository a layer can be mounted from: where a registry source read it, when that is another repository of the target registry. */
function mountFrom(layer: Layer, target: Reference): string[] {
  const s = layer.source;
  return s && s.registry === target.registry && s.repository !== target.repository ? [s.repository] : [];
}

async function putManifest(repo: Repository, reference: string, bytes: Buffer, mediaType: string): Promise<{ subject?: string }> {
  return withRetry(`pushing manifest ${reference} to ${repo.fullName}`, repo.session, () => repo.putManifest(reference, bytes, mediaType));
}

export async function pushArtifact(ref: string | Reference, input: Artifact, opts: PushOptions = {}): Promise<PushResult> {
  const target = toReference(ref);
  // Registries and their clients expect compressed layers (crane cannot read others back), as `docker save` tars are not.
  const artifact = opts.preserveDigests ? input : await gzipLayers(input);
  const digest = artifact.digest;
  if (target.digest && target.digest !== digest) {
    throw new GoscratchError(`cannot push to ${target.toString()}: the image's digest is ${digest}; drop the @digest part or use a tag`);
  }
  const tags = [...new Set([...(target.tag && !target.digest ? [target.tag] : []), ...(opts.tags ?? [])])];
  for (const t of tags) target.withTag(t); // rejects an invalid tag before anything is uploaded
  const repo = new Repository(new RegistrySession(target.registry, opts), target.repository, true);

  const blobs = artifactBlobs(artifact).flatMap((b) => {
    if (b.kind === 'layer') return [{ blob: b.layer as Blob, mountFrom: mountFrom(b.layer, target) }];
    return b.kind === 'config' ? [{ blob: bufferBlob(b.bytes), mountFrom: [] }] : [];
  });
  const outcomes: Record<string, BlobOutcome> = {};
  await mapLimit(blobs, opts.jobs ?? 4, async ({ blob, mountFrom }) => {
    const upload: UploadOptions = { mountFrom };
    if (opts.chunkThreshold !== undefined) upload.chunkThreshold = opts.chunkThreshold;
    if (opts.chunkSize !== undefined) upload.chunkSize = opts.chunkSize;
    if (opts.onProgress) upload.onProgress = opts.onProgress;
    outcomes[blob.digest] = await pushBlob(repo, blob, upload);
  });

  // Image manifests of an index go up by digest before the index that lists them.
  for (const b of artifactBlobs(artifact)) if (b.kind === 'manifest' && artifact.kind === 'index') await putManifest(repo, b.digest, b.bytes, b.mediaType);
  const bytes = rawManifestOf(artifact);
  if (tags.length === 0) await putManifest(repo, digest, bytes, artifact.mediaType);
  for (const t of tags) await putManifest(repo, t, bytes, artifact.mediaType);
  return { ref: `${target.name}@${digest}`, digest, tagged: tags.map((t) => `${target.name}:${t}`), blobs: outcomes };
}

export interface ReferrerOptions extends RegistryOptions {
  /** The manifest the referrer is about (an image or index in the same repository). */
  subject: Descriptor;
  artifactType: string;
  blobs: { mediaType: string; data: Buffer; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
  /**
   * Tag for the referrer itself when the registry has no referrers API, besides the
   * OCI 1.1 `sha256-<hex>` index: by default `sha256-<hex>.sbom` for an SBOM (cosign's
   * convention), none for other artifact types; `false` for none.
   */
  fallbackTag?: string | false;
}

/** SBOM artifact types, whose referrers get cosign's `.sbom` tag. */
const SBOM_TYPES: ReadonlySet<string> = new Set([MediaType.spdx, MediaType.cyclonedx]);

export interface ReferrerResult {
  ref: string;
  digest: string;
  /** True when the registry indexed the subject itself (OCI 1.1 referrers API). */
  referrersApi: boolean;
  /** Tags written when it did not. */
  tags: string[];
}

const EMPTY_JSON = Buffer.from('{}');

/**
 * Pushes an artifact manifest with a `subject` (e.g. an SBOM attached to an image).
 * Registries without the referrers API get the OCI 1.1 fallback (the `sha256-<hex>`
 * index of referrers) and, for an SBOM, a `sha256-<hex>.sbom` tag on the manifest itself.
 */
export async function pushReferrer(ref: string | Reference, opts: ReferrerOptions): Promise<ReferrerResult> {
  const target = toReference(ref);
  const repo = new Repository(new RegistrySession(target.registry, opts), target.repository, true);
  const layers: Descriptor[] = opts.blobs.map((b) => ({ mediaType: b.mediaType, digest: sha256(b.data), size: b.data.length, ...(b.annotations ? { annotations: b.annotations } : {}) }));
  const manifest: Manifest = {
    schemaVersion: 2,
    mediaType: MediaType.ociManifest,
    artifactType: opts.artifactType,
    config: { mediaType: MediaType.ociEmpty, digest: sha256(EMPTY_JSON), size: EMPTY_JSON.length },
    layers,
    subject: { mediaType: opts.subject.mediaType, digest: opts.subject.digest, size: opts.subject.size },
  };
  if (opts.annotations) manifest.annotations = opts.annotations;
  const bytes = canonicalJson(manifest);
  const digest = sha256(bytes);
  for (const data of [EMPTY_JSON, ...opts.blobs.map((b) => b.data)]) await pushBlob(repo, bufferBlob(data));
  const { subject } = await putManifest(repo, digest, bytes, MediaType.ociManifest);
  const result: ReferrerResult = { ref: `${target.name}@${digest}`, digest, referrersApi: Boolean(subject), tags: [] };
  if (subject) return result;

  const hex = digestHex(opts.subject.digest);
  const fallbackTag = opts.fallbackTag ?? (SBOM_TYPES.has(opts.artifactType) ? `sha256-${hex}.sbom` : false);
  if (fallbackTag) await putManifest(repo, fallbackTag, bytes, MediaType.ociManifest);
  // The OCI 1.1 referrers tag schema: an index at `sha256-<hex>` listing every referrer.
  const indexTag = `sha256-${hex}`;
  const existing = await withRetry(`reading ${indexTag} of ${repo.fullName}`, repo.session, async () => {
    const present = await repo.manifestDigest(indexTag);
    return present ? repo.getManifest(indexTag) : undefined;
  });
  const index: Index = existing ? (parseJsonObject(existing.bytes, `the referrers index ${indexTag} of ${repo.fullName}`) as unknown as Index) : { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: [] };
  if (!Array.isArray(index.manifests)) index.manifests = [];
  if (!index.manifests.some((d) => d.digest === digest)) {
    const d: Descriptor = { mediaType: MediaType.ociManifest, digest, size: bytes.length, artifactType: opts.artifactType };
    if (opts.annotations) d.annotations = opts.annotations;
    index.manifests.push(d);
    await putManifest(repo, indexTag, canonicalJson(index), MediaType.ociIndex);
  }
  result.tags = [...(fallbackTag ? [fallbackTag] : []), indexTag].map((t) => `${target.name}:${t}`);
  return result;
}
