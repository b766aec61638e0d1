/**
 * The publish path `build` and `resolve` share: check every sink, hand the built
 * artifact to each, then attach SBOMs once, after publishing (files next to file
 * outputs, OCI referrers on pushed images).
 */
import type { BuildResult } from '../gobuild/pipeline.js';
import type { SbomFormat } from '../inspect/sbom/subject.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { Published, Sink } from './sinks.js';
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

/** Publishes to each sink in turn (files first, then registries and engines). */
export async function publishAll(result: Pick<BuildResult, 'artifact' | 'tags'>, sinks: readonly Sink[], hooks: PublishHooks = {}): Promise<Published[]> {
  const out: Published[] = [];
  for (const s of sinks) {
    hooks.onStep?.(s.type === 'registry' ? `pushing to ${s.label}` : s.type === 'engine' ? `loading into ${s.label}` : `writing ${s.label}`);
    out.push(await s.publish(result.artifact, result.tags));
  }
  return out;
}

/** SBOMs of what was published: files next to file outputs, referrers of pushed images. Returns what was written. */
export async function attachSboms(result: BuildResult, published: readonly Published[], format: SbomFormat | 'none', registry: RegistryOptions = {}): Promise<string[]> {
  if (format === 'none') return [];
  // An SBOM goes next to a layout or a regular file, never beside a device or FIFO (`--tarball /dev/null`).
  const files = [];
  for (const p of published) if ((p.type === 'oci-layout' || p.type === 'tarball') && (await isFileOrDir(p.path))) files.push(p.path);
  const pushed = published.filter((p) => p.type === 'registry').map((p) => p.path);
  if (files.length === 0 && pushed.length === 0) return [];
  const { buildSboms } = await import('../inspect/sbom/build.js');
  return buildSboms(result, format, { files, pushedTo: pushed, registry });
}
