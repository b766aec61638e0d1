/**
 * SBOMs for what `build` (and `resolve`) just built: one per platform image, from the
 * binary just compiled, written next to each file output (`hello.tar.spdx.json`, or
 * `hello.tar.linux-arm64.spdx.json` for several platforms) and attached to each pushed
 * image as an OCI referrer. With several platforms each SBOM is also attached to the
 * index, which the tag and `resolve` point at, annotated with its platform; the
 * index's referrers then list them all (no `.sbom` tag: there is one per platform).
 */
import type { BuildResult } from '../../gobuild/pipeline.js';
import { artifactDescriptor, imageDescriptor } from '../../image/model.js';
import type { RegistryOptions } from '../../io/registry/session.js';
import { formatPlatform } from '../../oci/platform.js';
import { writeFileAtomic } from '../../util/fs.js';
import { attachSbom, binarySbomSubject, SBOM_PLATFORM, sbomFor, type SbomFormat } from './index.js';

/** Each result's SBOM texts (one per platform) by format, made once. */
const made = new WeakMap<BuildResult, Map<SbomFormat, Promise<string[]>>>();

/**
 * Starts making the SBOMs of `results` (hashing each binary), so that they are made
 * while the images are written or pushed; buildSboms then finds them made.
 */
export function prepareSboms(results: readonly BuildResult[], format: SbomFormat): void {
  for (const r of results) void sbomTexts(r, format).catch(() => undefined); // buildSboms reports a failure
}

function sbomTexts(result: BuildResult, format: SbomFormat): Promise<string[]> {
  const byFormat = made.get(result) ?? new Map<SbomFormat, Promise<string[]>>();
  made.set(result, byFormat);
  let texts = byFormat.get(format);
  if (!texts) {
    texts = Promise.all(result.platforms.map(async (x) => sbomFor(await binarySbomSubject(x.binary, { name: result.tags[0] ?? result.binaryPath, image: x.image, pathInImage: result.binaryPath }), format)));
    byFormat.set(format, texts);
  }
  return texts;
}

export async function buildSboms(result: BuildResult, format: SbomFormat, o: { files: readonly string[]; pushedTo: readonly string[]; registry?: RegistryOptions }): Promise<string[]> {
  const written: string[] = [];
  const index = result.artifact.kind === 'index' ? artifactDescriptor(result.artifact) : undefined;
  const texts = await sbomTexts(result, format);
  for (const [i, x] of result.platforms.entries()) {
    const text = texts[i]!;
    const suffix = result.platforms.length > 1 ? `.${formatPlatform(x.platform).replace(/^linux\//, 'linux-').replaceAll('/', '')}` : '';
    for (const f of o.files) {
      const path = `${f}${suffix}.${format}.json`;
      await writeFileAtomic(path, text);
      written.push(path);
    }
    for (const ref of o.pushedTo) {
      written.push((await attachSbom(ref, imageDescriptor(x.image), text, format, o.registry)).ref);
      if (index) written.push((await attachSbom(ref, index, text, format, o.registry, { annotations: { [SBOM_PLATFORM]: formatPlatform(x.platform) }, fallbackTag: false })).ref);
    }
  }
  return written;
}
