/**
 * Small real images for registry tests: deterministic tar+gzip layers of random
 * (incompressible) files, so every image has distinct blobs.
 */
import { randomBytes } from 'node:crypto';
import { buildLayer } from '../../src/image/layerbuilder.js';
import { newImage, newIndex, type Image, type ImageIndex, type Layer, type ManifestFormat } from '../../src/image/model.js';
import type { Platform } from '../../src/oci/types.js';

export async function testImage(opts: { layerSizes?: number[]; platform?: Platform; format?: ManifestFormat; baseLayers?: Layer[] } = {}): Promise<Image> {
  const platform = opts.platform ?? { os: 'linux', architecture: 'amd64' };
  const layers = [...(opts.baseLayers ?? [])];
  for (const [i, size] of (opts.layerSizes ?? [4096, 8192, 16384]).entries()) {
    layers.push(await buildLayer([{ type: 'file', path: `/data/layer${i}.bin`, mode: 0o644, data: randomBytes(size) }], { mtime: 0 }));
  }
  return newImage({
    config: { architecture: platform.architecture, os: platform.os, ...(platform.variant ? { variant: platform.variant } : {}), config: { Entrypoint: ['/data/layer0.bin'] }, rootfs: { type: 'layers', diff_ids: [] } },
    layers,
    ...(opts.format ? { format: opts.format } : {}),
  });
}

/** Two platforms; with `sharedBase`, both images start with the same layer, as images built from one base do. */
export async function testIndex(opts: { sharedBase?: boolean } = {}): Promise<ImageIndex> {
  const base = opts.sharedBase ? [await buildLayer([{ type: 'file', path: '/base.bin', mode: 0o644, data: randomBytes(40_000) }], { mtime: 0 })] : [];
  const amd = await testImage({ platform: { os: 'linux', architecture: 'amd64' }, baseLayers: base });
  const arm = await testImage({ platform: { os: 'linux', architecture: 'arm64' }, baseLayers: base });
  return newIndex([amd, arm]);
}
