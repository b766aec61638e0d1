/**
 * Pulling into an OCI layout: the remote artifact's layers are streamed straight into
 * the layout's blobs/ (a bounded number at a time, each digest once, verified as it
 * arrives), then its configs, manifests and index.json are written. A new layout is
 * assembled in a temporary sibling and renamed into place only when complete.
 */
import { stat } from 'node:fs/promises';
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
}

/** What was pulled (the artifact itself lives on in the layout). */
export interface PulledSummary {
  digest: string;
  platforms: Platform[];
}

function distinctLayers(a: Artifact): Layer[] {
  const byDigest = new Map<string, Layer>();
  for (const img of imagesOf(a)) for (const l of img.layers) byDigest.set(l.digest, l);
  return [...byDigest.values()];
}

export async function pullIntoLayout(ref: string | Reference, dest: string, opts: PullOptions = {}): Promise<PulledSummary> {
  const a = await openRemote(ref, opts);
  const existing = await stat(dest).then(() => true, () => false);
  if (existing && !(await isLayoutDir(dest))) throw new InputError(`${dest} exists and is not an OCI layout; remove it or choose another path`);
  // Blobs added to an existing layout are verified and content-addressed: a failed pull leaves nothing wrong behind.
  const root = existing ? dest : siblingTemp(dest);
  try {
    if (!existing) await initLayout(root);
    await mapLimit(distinctLayers(a), opts.jobs ?? 4, (l) => putBlobStream(root, l.digest, () => l.open()));
    await writeLayout(root, a, opts.tags ? { tags: opts.tags } : {});
    // Another process may have made dest meanwhile: then the image is added to it.
    if (!existing && !(await commitLayout(root, dest))) await writeLayout(dest, a, opts.tags ? { tags: opts.tags } : {});
  } catch (e) {
    if (!existing) await discardTemp(root);
    throw e;
  }
  return { digest: a.digest, platforms: imagesOf(a).map((i) => i.platform) };
}
