/** Small images for the inspect tests, made with goscratch's own layer builder. */
import { statSync } from 'node:fs';
import { buildLayer, type LayerEntry } from '../../src/image/layerbuilder.js';
import { newImage, type Image, type Layer } from '../../src/image/model.js';
import { baseEntries, bundledCaCertificates, DEFAULT_USER } from '../../src/image/scratch.js';
import type { ContainerConfig } from '../../src/oci/types.js';

export interface TestImage {
  /** Local binary copied to `at` (default /app). */
  binary?: string;
  at?: string;
  arch?: string;
  /** passwd/group/tmp layer as goscratch builds it (default true). */
  base?: boolean;
  ca?: boolean;
  extra?: LayerEntry[];
  config?: ContainerConfig;
  layers?: Layer[];
}

export async function testImage(o: TestImage = {}): Promise<Image> {
  const layers: Layer[] = [];
  if (o.base ?? true) layers.push(await buildLayer(baseEntries(DEFAULT_USER, o.ca ? bundledCaCertificates() : undefined), { mtime: 0 }));
  if (o.extra?.length) layers.push(await buildLayer(o.extra, { mtime: 0 }));
  const at = o.at ?? '/app';
  if (o.binary) layers.push(await buildLayer([{ type: 'file', path: at, mode: 0o755, source: o.binary, size: statSync(o.binary).size }], { mtime: 0 }));
  layers.push(...(o.layers ?? []));
  return newImage({
    config: {
      architecture: o.arch ?? 'amd64',
      os: 'linux',
      config: { User: '10001:10001', Entrypoint: [at], ...o.config },
      rootfs: { type: 'layers', diff_ids: [] },
    },
    layers,
  });
}
