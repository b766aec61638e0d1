/**
 * Pushes one blob: skip it when the registry has it, mount it from a sibling
 * repository when possible, else upload it monolithically (small blobs) or in
 * chunks (large blobs) that resume from the registry's reported range after a fault.
 */
import type { Readable } from 'node:stream';
import { withRetry, RetryableError } from './retry.js';
import { RegistryError } from './errors.js';
import type { Repository } from './repository.js';

export interface Blob {
  digest: string;
  size: number;
  open(): Promise<Readable>;
}

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

export interface BlobProgress {
  digest: string;
  total: number;
  sent: number;
  state: 'checking' | 'uploading' | BlobOutcome;
}

export interface UploadOptions {
  /** Blobs larger than this go up in chunks (default 32 MiB). */
  chunkThreshold?: number;
  /** Size of one PATCH (default 32 MiB). */
  chunkSize?: number;
  /** Repositories of the same registry the blob may be mounted from. */
  mountFrom?: readonly string[];
  onProgress?: (p: BlobProgress) => void;
}

const MiB = 1024 * 1024;

/** Reads a stream in order, handing out consecutive byte ranges. */
class ByteReader {
  private readonly it: AsyncIterator<Buffer>;
  private pending: Buffer | undefined;

  constructor(private readonly stream: Readable) {
    this.it = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  }

  static async at(blob: Blob, offset: number): Promise<ByteReader> {
    const r = new ByteReader(await blob.open());
    for await (const _ of r.take(offset)) {
      // skipping what the registry already has
    }
    return r;
  }

  async *take(n: number, onBytes?: (k: number) => void): AsyncIterable<Buffer> {
    let left = n;
    while (left > 0) {
      let chunk = this.pending;
      this.pending = undefined;
      if (!chunk) {
        const next = await this.it.next();
        if (next.done) throw new RegistryError(`the blob ended ${left} bytes early: its size does not match its descriptor`, { status: 0 });
        chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value);
      }
      if (chunk.length > left) {
        this.pending = chunk.subarray(left);
        chunk = chunk.subarray(0, left);
      }
      left -= chunk.length;
      onBytes?.(chunk.length);
      yield chunk;
    }
  }

  close(): void {
    this.stream.destroy();
  }
}

export async function pushBlob(repo: Repository, blob: Blob, opts: UploadOptions = {}): Promise<BlobOutcome> {
  const threshold = opts.chunkThreshold ?? 32 * MiB;
  const chunkSize = Math.max(1, opts.chunkSize ?? 32 * MiB);
  const what = `pushing blob ${blob.digest} (${blob.size} bytes) to ${repo.fullName}`;
  const report = (state: BlobProgress['state'], sent: number): void => opts.onProgress?.({ digest: blob.digest, total: blob.size, sent, state });
  // An upload session survives failed attempts so a chunked upload can resume.
  let session: { location: string; offset: number; unsure?: boolean } | undefined;
  let mountTried = false;

  return withRetry(what, repo.session, async () => {
    report('checking', 0);
    if (await repo.blobExists(blob.digest)) {
      report('exists', blob.size);
      return 'exists';
    }
    if (!session && !mountTried) {
      mountTried = true;
      for (const from of opts.mountFrom ?? []) {
        if (from === repo.name) continue;
        const r = await repo.mountBlob(blob.digest, from);
        if (r.mounted) {
          report('mounted', blob.size);
          return 'mounted';
        }
        session = { location: r.location, offset: 0 };
        break;
      }
    }
    if (session?.unsure) {
      const now = await repo.uploadOffset(session.location);
      session = now ? { location: now.location, offset: Math.min(now.offset, blob.size) } : undefined;
    }
    session ??= { location: await repo.startUpload(), offset: 0 };
    let sent = session.offset;
    const onBytes = (k: number): void => {
      sent += k;
      report('uploading', sent);
    };

    if (blob.size <= threshold) {
      // Monolithic: one PUT with the whole blob; a failure restarts from scratch.
      const location = session.location;
      session = undefined;
      sent = 0;
      await repo.completeUpload(location, blob.digest, { length: blob.size, data: () => wholeBlob(blob, onBytes) }, what);
      report('uploaded', blob.size);
      return 'uploaded';
    }

    const resumed = session.offset > 0;
    const reader = await ByteReader.at(blob, session.offset);
    try {
      while (session.offset < blob.size) {
        const length = Math.min(chunkSize, blob.size - session.offset);
        const start: number = session.offset;
        // Only the first try of a chunk can stream; a retry re-reads from a fresh reader.
        let used = false;
        const body = (): AsyncIterable<Buffer> => {
          if (used) throw new RetryableError('chunk body requested twice');
          used = true;
          return reader.take(length, onBytes);
        };
        const next = await repo.patch(session.location, start, length, body, what);
        session = { location: next, offset: start + length };
      }
    } catch (e) {
      // The registry may hold part of the chunk: the next attempt asks it how much.
      if (session) session.unsure = true;
      throw e;
    } finally {
      reader.close();
    }
    try {
      await repo.completeUpload(session.location, blob.digest, undefined, what);
    } catch (e) {
      if (resumed && e instanceof RegistryError && (e.code === 'DIGEST_INVALID' || e.code === 'BLOB_UPLOAD_INVALID')) {
        // A resumed upload the registry assembled wrongly: start over once more.
        session = undefined;
        throw new RetryableError(`the resumed upload did not match (${e.message}); starting over`);
      }
      throw e;
    }
    report('uploaded', blob.size);
    return 'uploaded';
  });
}

async function* wholeBlob(blob: Blob, onBytes: (k: number) => void): AsyncIterable<Buffer> {
  const reader = new ByteReader(await blob.open());
  try {
    yield* reader.take(blob.size, onBytes);
  } finally {
    reader.close();
  }
}
