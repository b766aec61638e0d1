/**
 * Base images made here, with goscratch's own layer builder: busybox (Debian's
 * busybox-static, a static binary) as /bin/busybox with /bin/sh and /bin/id linked to
 * it, an optional /etc/passwd and /etc/group, a /work directory, and a config with its
 * own Env, WorkingDir, Labels and Cmd. One image, or an index of one per platform,
 * written as an OCI layout under a tag.
 */
import { stat } from 'node:fs/promises';
import { buildLayer, type LayerEntry } from '../../src/image/layerbuilder.js';
import { newImage, newIndex, type Artifact, type Image, type ManifestFormat } from '../../src/image/model.js';
import { writeLayout } from '../../src/io/layout.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import type { ImageConfig, Platform } from '../../src/oci/types.js';

export const BUSYBOX = '/bin/busybox';

export interface BaseSpec {
  platforms?: Platform[];
  passwd?: string;
  group?: string;
  /** More entries for the image's one layer. */
  entries?: LayerEntry[];
  config?: ImageConfig['config'];
  /** Docker schema 2 manifests and layer media types instead of OCI. */
  format?: ManifestFormat;
}

export const BASE_PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n';
export const BASE_GROUP = 'root:x:0:\nnogroup:x:65534:\n';

export async function baseImage(spec: BaseSpec = {}): Promise<Artifact> {
  const size = (await stat(BUSYBOX)).size;
  const entries: LayerEntry[] = [
    { type: 'file', path: '/bin/busybox', mode: 0o755, source: BUSYBOX, size },
    { type: 'symlink', path: '/bin/sh', target: 'busybox' },
    { type: 'symlink', path: '/bin/id', target: 'busybox' },
    { type: 'dir', path: '/work', mode: 0o755 },
    ...(spec.passwd !== undefined ? [{ type: 'file' as const, path: '/etc/passwd', mode: 0o644, data: Buffer.from(spec.passwd) }] : []),
    ...(spec.group !== undefined ? [{ type: 'file' as const, path: '/etc/group', mode: 0o644, data: Buffer.from(spec.group) }] : []),
    ...(spec.entries ?? []),
  ];
  let layer = await buildLayer(entries, { mtime: 1_600_000_000, cache: false });
  if (spec.format === 'docker') layer = { ...layer, mediaType: MediaType.dockerLayerGzip };
  const format = spec.format ?? 'oci';
  const config = spec.config ?? { Env: ['PATH=/bin', 'BASE_ONLY=kept'], WorkingDir: '/work', Labels: { 'base.label': 'from-base' }, Cmd: ['sh'] };
  const images: Image[] = (spec.platforms ?? [{ os: 'linux', architecture: 'amd64' }]).map((p) =>
    newImage({
      config: {
        architecture: p.architecture,
        os: p.os,
        ...(p.variant ? { variant: p.variant } : {}),
        created: '2020-09-13T12:26:40Z',
        config,
        rootfs: { type: 'layers', diff_ids: [] },
        history: [{ created: '2020-09-13T12:26:40Z', created_by: 'test base: busybox' }],
      },
      layers: [layer],
      format,
    }),
  );
  return images.length === 1 ? images[0]! : newIndex(images, { format });
}

/** Writes a base image into a new OCI layout `dir` under `tag`. */
export async function writeBaseLayout(dir: string, spec: BaseSpec = {}, tag = 'base:1'): Promise<Artifact> {
  const artifact = await baseImage(spec);
  await writeLayout(dir, artifact, { tags: [tag] });
  return artifact;
}
