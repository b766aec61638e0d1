/**
 * One blob read from a registry as a stream, checked as it arrives: it may not run
 * past its descriptor's size, and its digest is compared after the last byte, so a
 * consumer sees an error instead of a clean end. A transient fault resumes where the
 * stream stopped (a Range request); a blob that keeps stopping at the same byte is
 * short, not unlucky.
 */
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Descriptor } from '../../oci/types.js';
import { RegistryError } from './errors.js';
import type { Repository } from './repository.js';
import { Retries } from './retry.js';

/**
 * Buffer of a blob stream, in chunks as the socket delivers them (64 KiB): about a MiB.
 * An object-mode stream hands each chunk on as it is; a byte stream would join what it
 * holds into one new buffer at every read, copying every byte once more.
 */
const STREAM_CHUNKS = 16;

export interface PullProgress {
  digest: string;
  total: number;
  received: number;
  done: boolean;
}

export function readBlob(repo: Repository, d: Descriptor, onProgress?: (p: PullProgress) => void): Readable {
  return Readable.from(chunks(repo, d, onProgress), { objectMode: true, highWaterMark: STREAM_CHUNKS });
}

async function* chunks(repo: Repository, d: Descriptor, onProgress?: (p: PullProgress) => void): AsyncGenerator<Buffer> {
  const name = `blob ${d.digest} of ${repo.fullName}`;
  const fail = (why: string): RegistryError => new RegistryError(`${name} ${why}`, { status: 0 });
  const hash = createHash('sha256');
  const retries = new Retries(`fetching ${name}`, repo.session);
  const { minBytesPerSecond, stallMs } = repo.session.policy;
  // An attempt that moved a window's worth of bytes was worth it: the retry budget starts over.
  const progress = (minBytesPerSecond * stallMs) / 1000;
  let received = 0;
  let stuck = 0;
  for (;;) {
    const before = received;
    let answered = false;
    try {
      const r = await repo.openBlob(d.digest, received);
      answered = true;
      if (!(r.start <= received)) throw fail(`came back from byte ${r.start} when asked for byte ${received}`);
      if (r.length !== undefined && r.start + r.length !== d.size) {
        throw fail(`is ${r.start + r.length} bytes long by its Content-Length, but its descriptor says ${d.size}`);
      }
      let skip = received - r.start;
      for await (const raw of r.body) {
        let c = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
        if (skip > 0) {
          const k = Math.min(skip, c.length);
          c = c.subarray(k);
          skip -= k;
          if (c.length === 0) continue;
        }
        if (received + c.length > d.size) throw fail(`is larger than its descriptor (${d.size} bytes)`);
        hash.update(c);
        received += c.length;
        onProgress?.({ digest: d.digest, total: d.size, received, done: false });
        yield c;
      }
      if (received < d.size) throw fail(`ended after ${received} of ${d.size} bytes: it is shorter than its descriptor`);
      break;
    } catch (e) {
      // A response that delivers nothing new, twice in a row, will not deliver it later.
      stuck = answered && received === before ? stuck + 1 : 0;
      if (stuck >= 2) throw fail(`stops at byte ${received} of ${d.size} on every attempt: it is shorter than its descriptor`);
      if (received - before >= progress) retries.restart();
      await retries.failed(e);
    }
  }
  const digest = 'sha256:' + hash.digest('hex');
  if (digest !== d.digest) throw fail(`is corrupt: received ${received} bytes with digest ${digest}, expected ${d.size} bytes with ${d.digest}`);
  onProgress?.({ digest: d.digest, total: d.size, received, done: true });
}
