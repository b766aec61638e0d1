/**
 * An image from built binaries, with pure transforms on top of layers: goscratch's
 * system files (one layer per platform, merged with the base image's passwd and group
 * when there is one) and the project's files and directories (both shared by every
 * image of a build), then one layer with the image's binaries, and the config. The
 * base image goes below them afterwards (base.ts rebase).
 */
import { stat } from 'node:fs/promises';
import { posix } from 'node:path';
import { goBuildId } from '../binary/buildid.js';
import { withFile } from '../binary/bytes.js';
import { parseElf } from '../binary/elf.js';
import { buildLayer } from '../image/layerbuilder.js';
import { CA_BUNDLE_PATH } from '../image/scratch.js';
import { appendLayers, emptyImage, setAnnotations, setContainerConfig, setCreated } from '../image/mutate.js';
import type { Image, Layer } from '../image/model.js';
import type { Platform } from '../oci/types.js';
import type { Base } from './base.js';
import { projectFileEntries, readCaBundle } from './files.js';
import type { BuildSettings } from './settings.js';

export interface SharedLayers {
  /** goscratch's system files, one layer per platform (in the order of the platforms given). */
  system: Layer[];
  /** Copied files and the app user's directories; none when there are neither. */
  files: Layer | undefined;
}

/**
 * The layers every image of a build starts with. `binaryPaths`: where every image's
 * binaries go; with the files' and directories' paths, no base may hold a link or a
 * file above them.
 */
export async function sharedLayers(s: BuildSettings, base: Base, platforms: readonly Platform[], binaryPaths: readonly string[], mtime: number): Promise<SharedLayers> {
  const entries = await projectFileEntries(s.moduleDir, { files: s.files, dirs: s.dirs, dirOwner: { uid: s.user.uid, gid: s.user.gid } });
  const paths = [...new Set([...binaryPaths, ...s.files.map((f) => f.dst), ...s.dirs.map((d) => d.path)])];
  const system = { user: s.user, caBundle: await readCaBundle(s.caCerts), caIsDefault: s.caCerts === 'bundled', paths };
  // Layers compress on the thread pool, so building them together uses every core.
  const [systemLayers, files] = await Promise.all([
    base.systemLayers(platforms, system, { mtime }),
    entries.length ? buildLayer(entries, { mtime }) : undefined,
  ]);
  return { system: systemLayers, files };
}

/**
 * One layer holding an image's binaries (mode 0555) at their paths in the image. Each
 * is known by its Go build ID, which hashes its bytes: go touches an up-to-date binary
 * on every build, so its times cannot tell that it is unchanged.
 */
export async function binariesLayer(binaries: ReadonlyArray<{ path: string; source: string }>, mtime: number): Promise<Layer> {
  const entries = await Promise.all(binaries.map(async (b) => {
    const identity = withFile(b.source, (src) => goBuildId(parseElf(src)));
    return { type: 'file' as const, path: b.path, mode: 0o555, source: b.source, size: (await stat(b.source)).size, ...(identity ? { identity } : {}) };
  }));
  return buildLayer(entries, { mtime });
}

export interface ImageContent {
  /** The entrypoint. */
  binaryPath: string;
  /** Every binary's path in the image (a bundle has several). */
  binaryPaths: readonly string[];
  labels: Record<string, string>;
  annotations: Record<string, string>;
  env: string[];
  created: string;
}

export function assembleImage(platform: Platform, s: BuildSettings, layers: { system: Layer; files: Layer | undefined; app: Layer }, o: ImageContent): Image {
  const by = (what: string): { created_by: string; comment: string } => ({ created_by: `goscratch: ${what}`, comment: 'goscratch' });
  const hasCa = s.caCerts !== 'none';
  const fileParts = [...(s.files.length ? [`project files ${s.files.map((f) => f.dst).join(', ')}`] : []), ...(s.dirs.length ? [`directories of ${s.user.name} ${s.dirs.map((d) => d.path).join(', ')}`] : [])];
  let img = appendLayers(emptyImage(platform), [
    { layer: layers.system, history: by(`/etc/passwd, /etc/group (${s.user.name} ${s.user.uid}:${s.user.gid}), /etc/nsswitch.conf, /tmp${hasCa ? ', ' + CA_BUNDLE_PATH : ''}`) },
    ...(layers.files ? [{ layer: layers.files, history: by(fileParts.join('; ')) }] : []),
    { layer: layers.app, history: by(o.binaryPaths.length > 1 ? `Go binaries ${o.binaryPaths.join(', ')}` : `Go binary ${o.binaryPath}`) },
  ]);
  img = setContainerConfig(img, () => ({
    User: `${s.user.uid}:${s.user.gid}`,
    ...(s.ports.length ? { ExposedPorts: Object.fromEntries(s.ports.map((p) => [p, {}])) } : {}),
    Env: o.env,
    Entrypoint: [o.binaryPath],
    ...(s.args.length ? { Cmd: s.args } : {}),
    ...(s.volumes.length ? { Volumes: Object.fromEntries(s.volumes.map((v) => [v, {}])) } : {}),
    WorkingDir: s.workdir ?? posix.sep,
    ...(Object.keys(o.labels).length ? { Labels: o.labels } : {}),
  }));
  img = setCreated(img, o.created);
  return setAnnotations(img, o.annotations);
}
