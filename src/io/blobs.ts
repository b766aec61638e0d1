/**
 * Content-addressed blob files, as in an OCI layout's blobs/sha256/ directory. Writes
 * go through a temp file and are verified against their digest before the rename.
 */
import { createWriteStream } from 'node:fs';
import { access, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import { DigestingStream, digestHex } from '../oci/digest.js';
import { commitTemp, discardTemp, siblingTemp, writeFileAtomic } from '../util/fs.js';

export function blobPath(root: string, digest: string): string {
  return join(root, 'blobs', 'sha256', digestHex(digest));
}

async function exists(p: string): Promise<boolean> {
  return access(p).then(() => true, () => false);
}

/** Writes a blob from a stream unless present; fails (writing nothing) on a digest mismatch. */
export async function putBlobStream(root: string, digest: string, open: () => Promise<Readable>): Promise<void> {
  const target = blobPath(root, digest);
  if (await exists(target)) return;
  await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
  const tmp = siblingTemp(target);
  const hasher = new DigestingStream();
  try {
    await pipeline(await open(), hasher, createWriteStream(tmp));
    if (hasher.digest() !== digest) throw new Error(`blob content does not match its digest ${digest} (got ${hasher.digest()})`);
    await commitTemp(tmp, target);
  } catch (e) {
    await discardTemp(tmp);
    throw e;
  }
}

export async function putBlobBytes(root: string, digest: string, bytes: Buffer): Promise<void> {
  const target = blobPath(root, digest);
  if (await exists(target)) return;
  await mkdir(join(root, 'blobs', 'sha256'), { recursive: true });
  await writeFileAtomic(target, bytes);
}
