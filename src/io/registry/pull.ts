/**
 * Pulling an artifact: the manifest by tag or digest (OCI, Docker schema 2, indexes),
 * then every blob streamed to a file in a temporary directory with its sha256 checked
 * as it arrives. A mismatch or any other failure removes everything written.
 */
import { createWriteStream } from 'node:fs';
import { rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { DigestingStream, digestHex, sha256 } from '../../oci/digest.js';
import { isIndexMediaType, isManifestMediaType } from '../../oci/mediatypes.js';
import { formatPlatform, platformMatches } from '../../oci/platform.js';
import { toReference, type Reference } from '../../oci/reference.js';
import type { Descriptor, Index, Manifest, Platform } from '../../oci/types.js';
import { imageFromRaw, imagesOf, indexFromRaw, type Artifact, type Image, type Layer } from '../../image/model.js';
import { fileLayer } from '../../image/layer.js';
import { GoscratchError } from '../../util/errors.js';
import { discardTemp, siblingTemp, tempDir } from '../../util/fs.js';
import { commitLayout, initLayout, writeLayout } from '../layout.js';
import { RegistrySession, STREAM_BUFFER, type RegistryOptions } from './session.js';
import { parseJson, Repository, type FetchedManifest } from './repository.js';
import { RegistryError } from './errors.js';
import { withRetry } from './retry.js';
import { mapLimit } from '../../util/pool.js';
import { rememberOrigin } from './origins.js';

export interface PullOptions extends RegistryOptions {
  /** Pick this platform's image from an index; without it an index is pulled whole. */
  platform?: Platform;
  /** Blobs downloaded at once (default 4). */
  jobs?: number;
  /** Directory the layer files go to, named by digest hex (default: a temporary one). */
  blobDir?: string;
  onProgress?: (p: { digest: string; total: number; received: number; done: boolean }) => void;
}

interface Puller {
  repo: Repository;
  dir: string;
  /** Files written so far, removed if the pull fails. */
  written: string[];
  opts: PullOptions;
}

async function fetchManifest(repo: Repository, reference: string): Promise<FetchedManifest> {
  return withRetry(`fetching manifest ${reference} of ${repo.fullName}`, repo.session, () => repo.getManifest(reference));
}

/** Streams one blob to `dir`, verifying size and digest before it gets its final name. */
async function fetchBlob(p: Puller, d: Descriptor): Promise<string> {
  const final = join(p.dir, digestHex(d.digest));
  const part = `${final}.part`;
  await withRetry(`fetching blob ${d.digest} of ${p.repo.fullName}`, p.repo.session, async () => {
    const body = await p.repo.openBlob(d.digest);
    const hasher = new DigestingStream({ highWaterMark: STREAM_BUFFER });
    hasher.on('data', () => p.opts.onProgress?.({ digest: d.digest, total: d.size, received: hasher.bytes, done: false }));
    try {
      await pipeline(body, hasher, createWriteStream(part, { highWaterMark: STREAM_BUFFER }));
    } catch (e) {
      await rm(part, { force: true });
      throw e;
    }
    const digest = hasher.digest();
    const received = hasher.bytes;
    if (digest !== d.digest || received !== d.size) {
      await rm(part, { force: true });
      throw new RegistryError(
        `blob ${d.digest} of ${p.repo.fullName} is corrupt: received ${received} bytes with digest ${digest}, expected ${d.size} bytes with ${d.digest}`,
        { status: 0 },
      );
    }
    p.opts.onProgress?.({ digest: d.digest, total: d.size, received, done: true });
  });
  await rename(part, final);
  p.written.push(final);
  rememberOrigin(d.digest, p.repo.session.registry, p.repo.name);
  return final;
}

async function fetchConfig(p: Puller, d: Descriptor): Promise<Buffer> {
  return withRetry(`fetching config ${d.digest} of ${p.repo.fullName}`, p.repo.session, async () => {
    const chunks: Buffer[] = [];
    for await (const c of await p.repo.openBlob(d.digest)) chunks.push(c as Buffer);
    const data = Buffer.concat(chunks);
    if (sha256(data) !== d.digest) throw new RegistryError(`config ${d.digest} of ${p.repo.fullName} is corrupt: it hashes to ${sha256(data)}`, { status: 0 });
    return data;
  });
}

async function pullImage(p: Puller, m: FetchedManifest): Promise<Image> {
  const manifest = parseJson(m.bytes, `manifest ${m.digest}`) as Manifest;
  const rawConfig = await fetchConfig(p, manifest.config);
  const diffIds = (parseJson(rawConfig, `config ${manifest.config.digest}`) as { rootfs?: { diff_ids?: string[] } }).rootfs?.diff_ids ?? [];
  const layers = await mapLimit(manifest.layers, p.opts.jobs ?? 4, async (d, i): Promise<Layer> => {
    const path = await fetchBlob(p, d);
    return fileLayer({ mediaType: d.mediaType, digest: d.digest, size: d.size, diffId: diffIds[i] ?? '', path, ...(d.annotations ? { annotations: d.annotations } : {}) });
  });
  return imageFromRaw(m.bytes, rawConfig, layers);
}

function pickPlatform(index: Index, want: Platform, name: string): Descriptor {
  const found = index.manifests.find((d) => d.platform && platformMatches(want, d.platform));
  if (found) return found;
  const have = index.manifests.flatMap((d) => (d.platform ? [formatPlatform(d.platform)] : [])).join(', ') || 'none listed';
  throw new GoscratchError(`${name} has no image for ${formatPlatform(want)} (it has: ${have}): pick one of those with --platform`);
}

export async function pullArtifact(ref: string | Reference, opts: PullOptions = {}): Promise<Artifact> {
  const source = toReference(ref);
  const repo = new Repository(new RegistrySession(source.registry, opts), source.repository, false);
  const p: Puller = { repo, dir: opts.blobDir ?? tempDir('goscratch-pull-'), written: [], opts };
  try {
    const top = await fetchManifest(repo, source.identifier);
    if (isIndexMediaType(top.mediaType)) {
      const index = parseJson(top.bytes, `index ${top.digest}`) as Index;
      if (opts.platform) return await pullImage(p, await fetchManifest(repo, pickPlatform(index, opts.platform, source.toString()).digest));
      const images: Image[] = [];
      for (const d of index.manifests) {
        if (!isManifestMediaType(d.mediaType)) throw new GoscratchError(`${source.toString()} lists ${d.mediaType} ${d.digest}, which goscratch cannot pull (nested indexes are not supported)`);
        images.push(await pullImage(p, await fetchManifest(repo, d.digest)));
      }
      return indexFromRaw(top.bytes, images);
    }
    if (!isManifestMediaType(top.mediaType)) {
      throw new GoscratchError(`${source.toString()} is a ${top.mediaType || 'manifest without a media type'}, not an image: goscratch pulls OCI and Docker schema 2 images and indexes`);
    }
    const img = await pullImage(p, top);
    if (opts.platform && !platformMatches(opts.platform, img.platform)) {
      throw new GoscratchError(`${source.toString()} is a single ${formatPlatform(img.platform)} image, not ${formatPlatform(opts.platform)}: drop --platform or pick another reference`);
    }
    return img;
  } catch (e) {
    if (opts.blobDir) await Promise.all(p.written.map((f) => rm(f, { force: true })));
    else await rm(p.dir, { recursive: true, force: true });
    throw e;
  }
}

/** What was pulled (the artifact itself lives on in the layout). */
export interface PulledSummary {
  digest: string;
  platforms: Platform[];
}

function summary(a: Artifact): PulledSummary {
  return { digest: a.digest, platforms: imagesOf(a).map((i) => i.platform) };
}

/**
 * Pulls straight into an OCI layout. A new layout is assembled in a temporary sibling
 * with the layers downloaded into its blobs/ (no second copy) and renamed into place;
 * an existing layout gets the pulled artifact added.
 */
export async function pullIntoLayout(ref: string | Reference, dest: string, opts: PullOptions & { tags?: readonly string[] } = {}): Promise<PulledSummary> {
  const { tags, ...pullOpts } = opts;
  const layoutOpts = tags ? { tags } : {};
  if (await stat(dest).then(() => true, () => false)) {
    const a = await pullArtifact(ref, pullOpts);
    await writeLayout(dest, a, layoutOpts);
    return summary(a);
  }
  const tmp = siblingTemp(dest);
  try {
    await initLayout(tmp);
    const a = await pullArtifact(ref, { ...pullOpts, blobDir: join(tmp, 'blobs', 'sha256') });
    await writeLayout(tmp, a, layoutOpts);
    // Another process may have made dest meanwhile: then the image is added to it.
    if (!(await commitLayout(tmp, dest))) await writeLayout(dest, a, layoutOpts);
    return summary(a);
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
}
