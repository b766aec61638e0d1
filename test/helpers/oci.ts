/**
 * Reading an OCI image layout the plain way (JSON files and gzip'd tar layers), so
 * end-to-end tests check goscratch's output without going through goscratch's code.
 */
import { readFile } from 'node:fs/promises';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { extract } from 'tar-stream';

interface Descriptor {
  mediaType: string;
  digest: string;
  size: number;
  platform?: { os: string; architecture: string; variant?: string };
  annotations?: Record<string, string>;
}

export interface Manifest {
  mediaType?: string;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ImageConfig {
  architecture: string;
  os: string;
  config: { User?: string; Entrypoint?: string[]; Cmd?: string[]; Env?: string[]; ExposedPorts?: Record<string, object>; Volumes?: Record<string, object>; WorkingDir?: string };
}

export interface LayoutImage {
  platform: string;
  digest: string;
  manifest: Manifest;
  config: ImageConfig;
}

const INDEX_TYPES = new Set(['application/vnd.oci.image.index.v1+json', 'application/vnd.docker.distribution.manifest.list.v2+json']);

export function blobPath(layout: string, digest: string): string {
  const [alg, hex] = digest.split(':');
  return join(layout, 'blobs', alg ?? '', hex ?? '');
}

export async function readBlobJson<T>(layout: string, digest: string): Promise<T> {
  return JSON.parse(await readFile(blobPath(layout, digest), 'utf8')) as T;
}

/** The descriptors in the layout's index.json. */
export async function layoutIndex(layout: string): Promise<Descriptor[]> {
  return (JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] }).manifests;
}

/** The `org.opencontainers.image.ref.name` values of index.json (what `umoci --image dir:REF` takes). */
export async function layoutRefs(layout: string): Promise<string[]> {
  return (await layoutIndex(layout)).flatMap((d) => d.annotations?.['org.opencontainers.image.ref.name'] ?? []);
}

/** Every image reachable from index.json (through nested indexes), with its platform from its config. */
export async function layoutImages(layout: string): Promise<LayoutImage[]> {
  const walk = async (ds: Descriptor[]): Promise<LayoutImage[]> => {
    const out: LayoutImage[] = [];
    for (const d of ds) {
      if (INDEX_TYPES.has(d.mediaType)) {
        out.push(...(await walk((await readBlobJson<{ manifests: Descriptor[] }>(layout, d.digest)).manifests)));
        continue;
      }
      const manifest = await readBlobJson<Manifest>(layout, d.digest);
      const config = await readBlobJson<ImageConfig>(layout, manifest.config.digest);
      out.push({ platform: `${config.os}/${config.architecture}`, digest: d.digest, manifest, config });
    }
    return out;
  };
  return walk(await layoutIndex(layout));
}

/** The content of `path` (absolute, as in the image) from the image's layers; the topmost layer wins. */
export async function readImageFile(layout: string, manifest: Manifest, path: string): Promise<Buffer | undefined> {
  const want = path.replace(/^\/+/, '');
  let found: Buffer | undefined;
  for (const layer of manifest.layers) {
    const ex = extract();
    ex.on('entry', (header, stream, next) => {
      const name = header.name.replace(/^\.?\/+/, '');
      if (name !== want || header.type !== 'file') {
        stream.on('end', next);
        stream.resume();
        return;
      }
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => {
        chunks.push(c as Buffer);
      });
      stream.on('end', () => {
        found = Buffer.concat(chunks);
        next();
      });
    });
    await pipeline(createReadStream(blobPath(layout, layer.digest)), createGunzip(), ex);
  }
  return found;
}
