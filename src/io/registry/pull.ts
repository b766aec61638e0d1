/**
 * Pulling into an OCI layout: the remote artifact's layers are streamed straight into
 * the layout's blobs/ (a bounded number at a time, each digest once, hashed once as it
 * arrives), then its configs, manifests and index.json are written. A new layout is
 * assembled in a temporary sibling and renamed into place only when complete.
 *
 * What a pull writes is OCI, as `skopeo copy … oci:` writes it: Docker schema 2
 * manifests and lists are converted (image/convert.ts), since skopeo's oci:
 * transport, podman and umoci refuse Docker media types in a layout. The source
 * digest is recorded in the converted manifest; `preserveDigests` keeps the bytes.
 */
import { stat } from 'node:fs/promises';
import { toOci } from '../../image/convert.js';
import { imagesOf, type Artifact, type Layer } from '../../image/model.js';
import type { Reference } from '../../oci/reference.js';
import type { Platform } from '../../oci/types.js';
import { InputError } from '../../util/errors.js';
import { discardTemp, siblingTemp } from '../../util/fs.js';
import { mapLimit } from '../../util/pool.js';
import { putBlobStream } from '../blobs.js';
import { commitLayout, initLayout, isLayoutDir, writeLayout } from '../layout.js';
import { openRemote, type RemoteOptions } from './remote.js';

export interface PullOptions extends RemoteOptions {
  /** Blobs downloaded at once (default 4). */
  jobs?: number;
  /** Names for the artifact in the layout's index.json. */
  tags?: readonly string[];
  /** Keep the registry's bytes and digests, Docker media types too (skopeo's --preserve-digests). */
  preserveDigests?: boolean;
}

/** What was pulled (the artifact itself lives on in the layout). */
export interface PulledSummary {
  /** The digest in the destination. */
  digest: string;
  /** The digest in the registry (differs when Docker media types were converted). */
  sourceDigest: string;
  platforms: Platform[];
}

/** The remote artifact as a pull writes it: converted to OCI unless `preserveDigests`. */
export async function openForPull(ref: string | Reference, opts: PullOptions = {}): Promise<{ artifact: Artifact; sourceDigest: string }> {
  const remote = await openRemote(ref, opts);
  return { artifact: opts.preserveDigests ? remote : toOci(remote), sourceDigest: remote.digest };
}

function distinctLayers(a: Artifact): Layer[] {
  const byDigest = new Map<string, Layer>();
  for (const img of imagesOf(a)) for (const l of img.layers) byDigest.set(l.digest, l);
  return [...byDigest.values()];
}

export async function pullIntoLayout(ref: string | Reference, dest: string, opts: PullOptions = {}): Promise<PulledSummary> {
  const { artifact: a, sourceDigest } = await openForPull(ref, opts);
  const existing = await stat(dest).then(() => true, () => false);
  if (existing && !(await isLayoutDir(dest))) throw new InputError(`${dest} exists and is not an OCI layout; remove it or choose another path`);
  // Blobs added to an existing layout are verified and content-addressed: a failed pull leaves nothing wrong behind.
  const root = existing ? dest : siblingTemp(dest);
  try {
    if (!existing) await initLayout(root);
    await mapLimit(distinctLayers(a), opts.jobs ?? 4, (l) => putBlobStream(root, l.digest, () => l.open(), l.size, { checked: true }));
    await writeLayout(root, a, opts.tags ? { tags: opts.tags } : {});
    // Another process may have made dest meanwhile: then the image is added to it.
    if (!existing && !(await commitLayout(root, dest))) await writeLayout(dest, a, opts.tags ? { tags: opts.tags } : {});
  } catch (e) {
    if (!existing) await discardTemp(root);
    throw e;
  }
  return { digest: a.digest, sourceDigest, platforms: imagesOf(a).map((i) => i.platform) };
}
