/**
 * The publish path `build` and `resolve` share: check every sink, hand the built
 * images to each, then attach SBOMs once, after publishing (files next to file
 * outputs, OCI referrers on pushed images).
 */
import type { BuildResult } from '../gobuild/pipeline.js';
import type { SbomFormat } from '../inspect/sbom/subject.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { Published, Sink, SinkImage } from './sinks.js';
import { stat } from 'node:fs/promises';

async function isFileOrDir(path: string): Promise<boolean> {
  const st = await stat(path).catch(() => undefined);
  return Boolean(st?.isFile() || st?.isDirectory());
}

export interface PublishHooks {
  onStep?: (step: string) => void;
}

/** Checks every sink; run it before building so that nothing is compiled in vain. */
export async function checkSinks(sinks: readonly Sink[]): Promise<void> {
  for (const s of sinks) await s.check();
}

/** Publishes every image to each sink in turn (files first, then registries and engines). */
export async function publishAll(images: readonly SinkImage[], sinks: readonly Sink[], hooks: PublishHooks = {}): Promise<Published[]> {
  const out: Published[] = [];
  for (const s of sinks) {
    hooks.onStep?.(s.type === 'registry' ? `pushing to ${s.label}` : s.type === 'engine' ? `loading into ${s.label}` : `writing ${s.label}`);
    out.push(...(await s.publish(images)));
  }
  return out;
}

/**
 * SBOMs of what was published: files next to file outputs (`out.tar.spdx.json`, or
 * `out.tar.<name>.spdx.json` when the output holds several images), referrers of
 * pushed images. `prepared`: results' SBOM texts started earlier (inspect/sbom/build.ts
 * sbomTexts), so that they were made while the images were written. Returns what was written.
 */
export async function attachSboms(results: readonly BuildResult[], published: readonly Published[], format: SbomFormat | 'none', registry: RegistryOptions = {}, prepared?: ReadonlyMap<BuildResult, Promise<string[]>>): Promise<string[]> {
  if (format === 'none') return [];
  const written: string[] = [];
  for (const result of results) {
    const mine = published.filter((p) => p.image === result.name);
    // An SBOM goes next to a layout or a regular file, never beside a device or FIFO (`--tarball /dev/null`).
    const files = [];
    for (const p of mine) if ((p.type === 'oci-layout' || p.type === 'tarball') && (await isFileOrDir(p.path))) files.push(results.length > 1 ? `${p.path}.${result.name}` : p.path);
    const pushed = mine.filter((p) => p.type === 'registry').map((p) => p.path);
    if (files.length === 0 && pushed.length === 0) continue;
    const { buildSboms } = await import('../inspect/sbom/build.js');
    const texts = prepared?.get(result);
    written.push(...(await buildSboms(result, format, { files, pushedTo: pushed, registry, ...(texts ? { texts } : {}) })));
  }
  return written;
}
