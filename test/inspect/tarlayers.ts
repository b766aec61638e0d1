/**
 * Hand-made layers for the image file system tests: any tar header, including the
 * hostile ones goscratch's own layer builder refuses to write.
 */
import { gzipSync } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { bufferLayer } from '../../src/image/layer.js';
import type { Layer } from '../../src/image/model.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { sha256 } from '../../src/oci/digest.js';

export interface RawEntry {
  name: string;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  data?: Buffer | string;
  linkname?: string;
  mode?: number;
}

export async function tarBytes(entries: readonly RawEntry[]): Promise<Buffer> {
  const p = tarPack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve, reject) => {
    p.on('end', () => resolve());
    p.on('error', reject);
  });
  for (const e of entries) {
    const type = e.type ?? 'file';
    const data = type === 'file' ? Buffer.from(e.data ?? '') : undefined;
    await new Promise<void>((resolve, reject) => {
      const header = { name: e.name, type, mode: e.mode ?? (type === 'directory' ? 0o755 : 0o644), mtime: new Date(0), ...(e.linkname !== undefined ? { linkname: e.linkname } : {}) };
      const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (data) p.entry(header, data, cb);
      else p.entry(header, cb);
    });
  }
  p.finalize();
  await ended;
  return Buffer.concat(chunks);
}

/** A layer from raw tar bytes, gzip-compressed unless told otherwise. */
export function layerFromTar(tar: Buffer, opts: { gzip?: boolean; cut?: number } = {}): Layer {
  const gzip = opts.gzip ?? true;
  let bytes = gzip ? gzipSync(tar, { level: 1 }) : tar;
  if (opts.cut !== undefined) bytes = bytes.subarray(0, opts.cut);
  return bufferLayer({ mediaType: gzip ? MediaType.ociLayerGzip : MediaType.ociLayer, digest: sha256(bytes), diffId: sha256(tar), bytes });
}

export async function rawLayer(entries: readonly RawEntry[], opts: { gzip?: boolean } = {}): Promise<Layer> {
  return layerFromTar(await tarBytes(entries), opts);
}
