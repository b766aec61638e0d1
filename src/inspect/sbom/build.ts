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

/** A result's SBOM texts, one per platform (each binary hashed). */
export function sbomTexts(result: BuildResult, format: SbomFormat): Promise<string[]> {
  return Promise.all(result.platforms.map(async (x) => sbomFor(await binarySbomSubject(x.binary, { name: result.tags[0] ?? result.binaryPath, image: x.image, pathInImage: result.binaryPath }), format)));
}

/** `texts`: the result's SBOM texts when they were started earlier (sbomTexts), to be made while the images were written. */
export async function buildSboms(result: BuildResult, format: SbomFormat, o: { files: readonly string[]; pushedTo: readonly string[]; registry?: RegistryOptions; texts?: Promise<string[]> }): Promise<string[]> {
  const written: string[] = [];
  const index = result.artifact.kind === 'index' ? artifactDescriptor(result.artifact) : undefined;
  const texts = await (o.texts ?? sbomTexts(result, format));
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
