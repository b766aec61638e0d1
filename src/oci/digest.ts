import { createHash, type Hash } from 'node:crypto';
import { Transform, Writable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export function sha256(data: Buffer | string): string {
  return 'sha256:' + createHash('sha256').update(data).digest('hex');
}

export function isDigest(s: string): boolean {
  return DIGEST_RE.test(s);
}

/** The hex part of a `sha256:` digest, checked, for use in file names. */
export function digestHex(digest: string): string {
  if (!isDigest(digest)) throw new Error(`not a sha256 digest: ${JSON.stringify(digest)}`);
  return digest.slice('sha256:'.length);
}

/** A pass-through stream that hashes and counts what flows through it. */
export class DigestingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  /** Valid once the stream has ended. */
  digest(): string {
    return 'sha256:' + this.hash.copy().digest('hex');
  }
}

/** Reads a stream to its end, returning the digest and size of what it held. */
export async function digestOf(src: NodeJS.ReadableStream, ...through: NodeJS.ReadWriteStream[]): Promise<{ digest: string; size: number }> {
  const h = new DigestingStream();
  await pipeline([src, ...through, h, new Writable({ write: (_c, _e, cb) => cb() })]);
  return { digest: h.digest(), size: h.bytes };
}
