/**
 * Hostile OCI layouts and archives, made by hand in a test's temp dir: blobs swapped
 * for FIFOs, symlinks or other content, indexes that form a DAG, archives cut short
 * or nested 2,000 directories deep. Only goscratch's layer builder and plain files
 * are used, never a real device node.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import { pack as tarPack, type Pack } from 'tar-stream';
import { writeLayout } from '../../src/io/layout.js';
import { writeArchive } from '../../src/io/archive.js';
import type { Image } from '../../src/image/model.js';
import { testImage } from '../inspect/images.js';

export const sha = (b: Buffer | string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

export function blobFile(layout: string, digest: string): string {
  return join(layout, 'blobs', 'sha256', digest.slice('sha256:'.length));
}

/** A layout holding one image (tagged `t:1`): a Go binary at /app when given, else a small file. */
export async function imageLayout(dir: string, o: { binary?: string; text?: string } = {}): Promise<{ layout: string; image: Image }> {
  const image = await testImage(o.binary ? { binary: o.binary } : { extra: [{ type: 'file', path: '/data.txt', mode: 0o644, data: Buffer.from(o.text ?? 'data') }] });
  const layout = join(dir, 'layout');
  await writeLayout(layout, image, { tags: ['t:1'] });
  return { layout, image };
}

/** Writes a blob under its digest and returns its descriptor. */
export async function putBlob(layout: string, mediaType: string, bytes: Buffer): Promise<{ mediaType: string; digest: string; size: number }> {
  const d = { mediaType, digest: sha(bytes), size: bytes.length };
  await writeFile(blobFile(layout, d.digest), bytes);
  return d;
}

export async function setIndex(layout: string, manifests: unknown[], extra: Record<string, unknown> = {}): Promise<void> {
  await writeFile(join(layout, 'index.json'), JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.index.v1+json', manifests, ...extra }));
}

/** Packs a directory tree given as name -> bytes into a tar file (entries in the order given). */
export interface TarItem {
  name: string;
  data?: Buffer;
  type?: 'file' | 'directory' | 'symlink' | 'link';
  linkname?: string;
}

export async function writeTar(file: string, entries: TarItem[]): Promise<void> {
  const pack = tarPack();
  const done = pipeline(pack, createWriteStream(file));
  for (const e of entries) await addEntry(pack, e);
  pack.finalize();
  await done;
}

function addEntry(pack: Pack, e: TarItem): Promise<void> {
  return new Promise((resolve, reject) => {
    const header = { name: e.name, type: e.type ?? 'file', mode: 0o644, mtime: new Date(0), ...(e.linkname ? { linkname: e.linkname } : {}) };
    const cb = (err?: Error | null): void => (err ? reject(err) : resolve());
    if (header.type === 'file') pack.entry(header, e.data ?? Buffer.alloc(0), cb);
    else pack.entry(header, cb);
  });
}

/** An OCI archive of a layout directory's files (oci-layout, index.json, blobs). */
export async function archiveOfLayout(layout: string, file: string, extra: TarItem[] = []): Promise<void> {
  const { readdir } = await import('node:fs/promises');
  const names = ['oci-layout', 'index.json', ...(await readdir(join(layout, 'blobs', 'sha256'))).map((n) => `blobs/sha256/${n}`)];
  const entries = await Promise.all(names.map(async (name) => ({ name, data: await readFile(join(layout, name)) })));
  await writeTar(file, [...extra, ...entries]);
}

/** An archive as goscratch writes it, for the archive tests. */
export async function imageArchive(dir: string, image: Image): Promise<string> {
  const file = join(dir, 'image.tar');
  await writeArchive(file, image, { tags: ['t:1'] });
  return file;
}

/** `n` bytes of zeros as a stream, in 1 MiB chunks (for big entries without big buffers). */
export function zeros(n: number): Readable {
  const chunk = Buffer.alloc(1 << 20);
  let left = n;
  return new Readable({
    read() {
      if (left <= 0) return this.push(null);
      const k = Math.min(left, chunk.length);
      left -= k;
      this.push(k === chunk.length ? chunk : chunk.subarray(0, k));
    },
  });
}

export async function ensureDir(d: string): Promise<string> {
  await mkdir(d, { recursive: true });
  return d;
}
