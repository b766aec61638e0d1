/**
 * SBOMs (SPDX 2.3 JSON, CycloneDX 1.5 JSON) from a Go binary's build info, for
 * `goscratch sbom` and `goscratch build --sbom`, and attaching one to a pushed image.
 */
import type { Image } from '../../image/model.js';
import type { RegistryOptions } from '../../io/registry/session.js';
import type { ReferrerOptions } from '../../io/registry/push.js';
import type { Descriptor } from '../../oci/types.js';
import { MediaType } from '../../oci/mediatypes.js';
import { CA_BUNDLE_LABELS } from '../../image/scratch.js';
import { formatPlatform } from '../../oci/platform.js';
import { BuildInfoError, readBuildInfo, type BuildInfo } from '../../binary/buildinfo.js';
import { fileDigest, withFile } from '../../binary/bytes.js';
import { parseElf } from '../../binary/elf.js';
import { inspectImage } from '../inspect.js';
import { cyclonedxDocument } from './cyclonedx.js';
import { spdxDocument } from './spdx.js';
import { sbomModel, type SbomFormat, type SbomSubject } from './subject.js';

export { SBOM_FORMATS, type SbomFormat, type SbomSubject } from './subject.js';

/** The SBOM document as pretty JSON text. */
export function sbomFor(subject: SbomSubject, format: SbomFormat): string {
  const m = sbomModel(subject);
  const doc = format === 'spdx' ? spdxDocument(m) : cyclonedxDocument(m);
  return JSON.stringify(doc, null, 2) + '\n';
}

export function sbomMediaType(format: SbomFormat): string {
  return format === 'spdx' ? MediaType.spdx : MediaType.cyclonedx;
}

/** The CA bundle an image's labels name (goscratch builds record it). */
function caBundleOf(img: Image): SbomSubject['caBundle'] {
  const labels = img.config.config?.Labels ?? {};
  const source = labels[CA_BUNDLE_LABELS.source];
  const date = labels[CA_BUNDLE_LABELS.date];
  return source && date ? { source, date } : undefined;
}

/** The subject for an image: reads its entrypoint's build info from the layers. */
export async function imageSbomSubject(img: Image, name: string): Promise<SbomSubject> {
  const r = await inspectImage(img, name);
  const b = r.binary;
  const ca = caBundleOf(img);
  return {
    name,
    image: { digest: img.digest, platform: formatPlatform(img.platform), ...(img.config.created ? { created: img.config.created } : {}) },
    ...(b.path ? { binary: { path: b.path, ...(b.sha256 ? { sha256: b.sha256 } : {}), ...(b.go ? { go: b.go } : {}) } } : {}),
    ...(ca ? { caBundle: ca } : {}),
  };
}

/** The binary's Go build info, all an SBOM says of it: no function table, no sizes (as `inspect` works out). */
function goBuildInfo(path: string): BuildInfo | undefined {
  return withFile(path, (src) => {
    try {
      return readBuildInfo(parseElf(src));
    } catch (e) {
      if (e instanceof BuildInfoError) return undefined;
      throw e;
    }
  });
}

/**
 * The subject for a binary on disk (e.g. the one `build` just compiled), optionally
 * as part of an image, which saves reading the binary back out of the layers.
 */
export async function binarySbomSubject(path: string, opts: { name?: string; image?: Image; pathInImage?: string } = {}): Promise<SbomSubject> {
  const go = goBuildInfo(path);
  const img = opts.image;
  const ca = img ? caBundleOf(img) : undefined;
  return {
    name: opts.name ?? path,
    ...(ca ? { caBundle: ca } : {}),
    ...(img ? { image: { digest: img.digest, platform: formatPlatform(img.platform), ...(img.config.created ? { created: img.config.created } : {}) } } : {}),
    binary: { path: opts.pathInImage ?? path, sha256: await fileDigest(path), ...(go ? { go } : {}) },
  };
}

/** The annotation an SBOM attached to an index carries: the platform of the image it describes. */
export const SBOM_PLATFORM = 'io.goscratch.platform';

/**
 * Pushes the SBOM as an OCI 1.1 referrer of `subject` (with the `sha256-<hex>.sbom`
 * fallback tag unless `fallbackTag` says otherwise).
 */
export async function attachSbom(ref: string, subject: Descriptor, sbom: string, format: SbomFormat, registry: RegistryOptions = {}, extra: Pick<ReferrerOptions, 'annotations' | 'fallbackTag'> = {}) {
  const { pushReferrer } = await import('../../io/registry/push.js');
  const mediaType = sbomMediaType(format);
  return pushReferrer(ref, {
    subject,
    artifactType: mediaType,
    blobs: [{ mediaType, data: Buffer.from(sbom) }],
    ...extra,
    ...registry,
  });
}
