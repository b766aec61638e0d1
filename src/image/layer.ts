import { createReadStream } from 'node:fs';
import { Readable } from 'node:stream';
import type { Layer } from './model.js';

/** A layer whose stored bytes are held in memory (built layers are small). */
export function bufferLayer(opts: { mediaType: string; digest: string; diffId: string; bytes: Buffer; annotations?: Record<string, string> }): Layer {
  const { bytes, ...rest } = opts;
  return { ...rest, size: bytes.length, open: async () => Readable.from([bytes]) };
}

/** A layer whose stored bytes are a file on disk (layout blobs, pulled blobs). */
export function fileLayer(opts: { mediaType: string; digest: string; size: number; diffId: string; path: string; annotations?: Record<string, string> }): Layer {
  const { path, ...rest } = opts;
  return { ...rest, open: async () => createReadStream(path) };
}
