/**
 * The image goscratch's layers go on (ko's defaultBaseImage): `scratch`, the default,
 * is nothing at all; any other base is a registry reference, an OCI layout
 * (`oci:DIR[:NAME]`) or an archive, opened through the one source resolver
 * (io/source.ts). A registry base is read lazily (manifests and configs first) and
 * each layer, once opened, is kept in goscratch's cache by its digest, verified on
 * every read; it keeps its origin, so a push to the same registry mounts it.
 *
 * On a base: the base's platforms are the ones that can be built (and all of them
 * with `--platform all`); /etc/passwd and /etc/group are the base's with the app user
 * and group added when missing (a name or id the base gives to another is refused);
 * nsswitch.conf, /tmp and the bundled CA certificates are added only where the base
 * has none; the base's config (Env such as PATH, WorkingDir, Labels, ports, volumes)
 * stays where goscratch sets nothing, while User, Entrypoint and Cmd are goscratch's;
 * and each image names its base in the org.opencontainers.image.base.* annotations.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { once } from 'node:events';
import { lstat, mkdir, readFile, realpath, rm, stat } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { FsView } from '../image/fsview.js';
import { buildLayer, type LayerOptions } from '../image/layerbuilder.js';
import { imageFromRaw, newImage, type Artifact, type Image, type Layer } from '../image/model.js';
import { mergeEnv } from '../image/mutate.js';
import { baseEntries, CA_BUNDLE_PATH, groupText, mergeGroup, mergePasswd, passwdText, type AppUser } from '../image/scratch.js';
import { openBlob, VerifyingStream } from '../io/blobs.js';
import { isLayoutDir } from '../io/layout.js';
import { openSource } from '../io/source.js';
import type { RegistryOptions } from '../io/registry/session.js';
import { isDigest } from '../oci/digest.js';
import { MediaType } from '../oci/mediatypes.js';
import { formatPlatform, parsePlatform, platformMatches } from '../oci/platform.js';
import { toReference } from '../oci/reference.js';
import type { ContainerConfig, ImageConfig, Platform } from '../oci/types.js';
import { Cache } from '../util/cache.js';
import { InputError, UsageError } from '../util/errors.js';
import { commitTemp, discardTemp, siblingTemp } from '../util/fs.js';
import { fsError } from '../util/fserror.js';
import { insideDir } from './files.js';

export const SCRATCH = 'scratch';
const ID_FILES = ['/etc/passwd', '/etc/group'] as const;
/** Far above any real passwd or group file; both together may not exceed it. */
const ID_FILE_LIMIT = 1 << 20;
export const BASE_NAME = 'org.opencontainers.image.base.name';
export const BASE_DIGEST = 'org.opencontainers.image.base.digest';

/** What goscratch puts into every image, checked against the base and added to it. */
export interface SystemFiles {
  user: AppUser;
  /** The CA bundle to write, if any. */
  caBundle: Buffer | undefined;
  /** True when the CA bundle is goscratch's default (Node's store), which a base's own bundle replaces. */
  caIsDefault: boolean;
  /** Other paths goscratch writes (the binary, project files): no base may have a link or file above them. */
  paths: readonly string[];
}

export interface Base {
  /** The platforms to build: those asked for, each checked to be in the base; with `all`, every Linux platform the base has. */
  platforms(requested: readonly Platform[], all: boolean): Platform[];
  /** The layer of goscratch's own files, one per platform (in the same order). */
  systemLayers(platforms: readonly Platform[], files: SystemFiles, opts: LayerOptions): Promise<Layer[]>;
  /** An image built with nothing below it (as on scratch), put on this base. `userEnv`: the Env entries the user set. */
  rebase(ours: Image, o: { userEnv: readonly string[]; workdir: string | undefined }): Image;
  /** Annotations for the index over the images. */
  readonly indexAnnotations: Record<string, string>;
}

export interface BaseOptions {
  registry?: RegistryOptions;
  /** Where registry layers are kept (default: the user's cache; false: nowhere). */
  cache?: Cache | false;
}

/** The base named by `spec`: scratch (undefined or "scratch") or an image. */
export async function openBase(spec: string | undefined, o: BaseOptions = {}): Promise<Base> {
  if (spec === undefined || spec === SCRATCH) return scratchBase();
  const src = await openSource(spec, o.registry ? { registry: o.registry } : {});
  if (src.kind !== 'artifact') throw new UsageError(`base ${spec} is a binary, not an image: give a registry reference, an OCI layout or an archive`, { input: spec });
  let images = src.artifact.kind === 'image' ? [src.artifact] : src.artifact.images;
  const cache = o.cache ?? Cache.fromEnv();
  if (src.via === 'registry' && cache) images = images.map((img) => imageFromRaw(img.rawManifest, img.rawConfig, img.layers.map((l) => cachedLayer(l, cache))));
  // Only a registry reference is a name others can resolve; a local path stays out of the image.
  const name = src.via === 'registry' ? toReference(src.name).toString() : undefined;
  return new ImageBase(spec, name, src.artifact, images);
}

/** No base: the requested platforms, one layer of goscratch's files shared by all, nothing to rebase on. */
function scratchBase(): Base {
  return {
    platforms: (requested) => [...requested],
    systemLayers: async (platforms, f, opts) => {
      const layer = await buildLayer(baseEntries(f.user, f.caBundle), opts);
      return platforms.map(() => layer);
    },
    rebase: (ours) => ours,
    indexAnnotations: {},
  };
}

class ImageBase implements Base {
  readonly indexAnnotations: Record<string, string>;

  constructor(
    private readonly spec: string,
    private readonly name: string | undefined,
    artifact: Artifact,
    private readonly images: readonly Image[],
  ) {
    this.indexAnnotations = this.annotations(artifact.digest);
  }

  private annotations(digest: string): Record<string, string> {
    return { ...(this.name ? { [BASE_NAME]: this.name } : {}), [BASE_DIGEST]: digest };
  }

  /** Every platform of the base goscratch can build for (attestations, other OSes and unknown CPUs left out). */
  private buildable(): Platform[] {
    const out: Platform[] = [];
    for (const img of this.images) {
      let p: Platform;
      try {
        p = parsePlatform(formatPlatform(img.platform));
      } catch {
        continue;
      }
      if (!out.some((q) => platformMatches(q, p))) out.push(p);
    }
    return out;
  }

  platforms(requested: readonly Platform[], all: boolean): Platform[] {
    const have = this.buildable();
    if (all) {
      if (have.length === 0) throw new UsageError(`base ${this.spec} has no Linux image goscratch can build for (it has: ${this.listed()})`, { input: this.spec });
      return have;
    }
    for (const p of requested) {
      if (!have.some((h) => platformMatches(p, h))) {
        throw new UsageError(`base ${this.spec} has no image for ${formatPlatform(p)} (it has: ${this.listed()}): choose among those with --platform, or --platform all`, { input: this.spec });
      }
    }
    return [...requested];
  }

  private listed(): string {
    return this.images.map((i) => formatPlatform(i.platform)).join(', ') || 'none';
  }

  private image(p: Platform): Image {
    const img = this.images.find((i) => platformMatches(p, i.platform));
    if (!img) throw new Error(`no base image for ${formatPlatform(p)}: platforms() should have refused it`);
    return img;
  }

  systemLayers(platforms: readonly Platform[], f: SystemFiles, opts: LayerOptions): Promise<Layer[]> {
    return Promise.all(platforms.map(async (p) => buildLayer(await this.systemEntries(this.image(p), f), opts)));
  }

  /** Reads the base's passwd, group and what it has of goscratch's files from its layers. */
  private async systemEntries(img: Image, f: SystemFiles) {
    const where = `base ${this.spec} (${formatPlatform(img.platform)})`;
    for (const l of img.layers) layerMediaType(l, where);
    // Both files are copied out during the one pass over the layers (a second pass would read the layer again).
    const view = await FsView.open(img.layers, { capture: ID_FILES, maxFileBytes: ID_FILE_LIMIT });
    try {
      const read = async (path: string): Promise<string | undefined> => {
        if (!view.isFile(path)) return undefined;
        const copy = await view.extractFile(path, ID_FILE_LIMIT);
        try {
          return await readFile(copy.path, 'utf8');
        } finally {
          await rm(dirname(copy.path), { recursive: true, force: true });
        }
      };
      const merged = (text: string | undefined, merge: typeof mergePasswd, fresh: string): string => {
        if (text === undefined) return fresh;
        const r = merge(text, f.user);
        if ('conflict' in r) {
          throw new UsageError(`${where}: ${r.conflict}: choose the base's --user/--uid/--gid pair, or another name and id`, { input: this.spec });
        }
        return r.text;
      };
      const passwd = merged(await read(ID_FILES[0]), mergePasswd, passwdText(f.user));
      const group = merged(await read(ID_FILES[1]), mergeGroup, groupText(f.user));
      const has = new Set(['/etc/nsswitch.conf', '/tmp'].filter((p) => view.lookup(p, false)));
      if (f.caIsDefault && view.isFile(CA_BUNDLE_PATH)) has.add(CA_BUNDLE_PATH);
      const entries = baseEntries(f.user, f.caBundle, { passwd, group, has });
      for (const path of [...entries.map((e) => e.path), ...f.paths]) checkAncestors(view, path, where);
      return entries;
    } finally {
      await view.close();
    }
  }

  rebase(ours: Image, o: { userEnv: readonly string[]; workdir: string | undefined }): Image {
    const base = this.image(ours.platform);
    const where = `base ${this.spec} (${formatPlatform(base.platform)})`;
    const bc = containerConfig(base.config, where);
    const mine = ours.config.config ?? {};
    // goscratch's defaults (PATH) give way to the base's, and the base's to what the user set.
    const env = mergeEnv(mergeEnv(mine.Env ?? [], bc.Env ?? []), o.userEnv);
    const labels = { ...bc.Labels, ...mine.Labels };
    const ports = { ...bc.ExposedPorts, ...mine.ExposedPorts };
    // The base's volumes stay beside the user's (--volume), as a Dockerfile's VOLUME adds to its base's.
    const volumes = { ...bc.Volumes, ...mine.Volumes };
    const { Cmd: _baseCmd, ...kept } = bc;
    const merged: ContainerConfig = {
      ...kept,
      ...mine,
      Env: env,
      WorkingDir: o.workdir ?? (bc.WorkingDir || mine.WorkingDir || '/'),
      ...(Object.keys(labels).length ? { Labels: labels } : {}),
      ...(Object.keys(ports).length ? { ExposedPorts: ports } : {}),
      ...(Object.keys(volumes).length ? { Volumes: volumes } : {}),
    };
    const history = base.config.history ?? [];
    if (!Array.isArray(history)) throw new InputError(`${where}: its config's history is not a list`);
    const { variant: _baseVariant, ...top } = base.config;
    const config: ImageConfig = {
      ...top,
      architecture: ours.config.architecture,
      os: ours.config.os,
      ...(ours.config.variant ? { variant: ours.config.variant } : {}),
      ...(ours.config.created ? { created: ours.config.created } : {}),
      config: merged,
      rootfs: { type: 'layers', diff_ids: [] },
      history: [...history, ...(ours.config.history ?? [])],
    };
    return newImage({
      config,
      layers: [...base.layers.map((l) => layerMediaType(l, where)), ...ours.layers],
      annotations: { ...this.annotations(base.digest), ...ours.manifest.annotations },
    });
  }
}

/**
 * A base layer as goscratch's OCI manifest lists it: a Docker layer is the same gzip
 * bytes under the OCI media type; foreign (Windows) and unknown layers are refused.
 */
function layerMediaType(l: Layer, where: string): Layer {
  if (!isDigest(l.diffId)) throw new InputError(`${where}: layer ${l.digest} has no diff_id in the image config (${JSON.stringify(l.diffId).slice(0, 80)}); the image is malformed`);
  if (l.mediaType === MediaType.dockerLayerGzip) return { ...l, mediaType: MediaType.ociLayerGzip };
  if (l.mediaType === MediaType.ociLayerGzip || l.mediaType === MediaType.ociLayer || l.mediaType === MediaType.ociLayerZstd) return l;
  throw new UsageError(`${where}: layer ${l.digest} is ${l.mediaType}, which goscratch cannot put in a Linux image: choose another base`);
}

/** The base's container config, its fields checked to have the types goscratch merges. */
function containerConfig(c: ImageConfig, where: string): ContainerConfig {
  const cc: unknown = c.config ?? {};
  const bad = (field: string): InputError => new InputError(`${where}: its config's ${field} is malformed`);
  if (typeof cc !== 'object' || cc === null || Array.isArray(cc)) throw bad('config');
  const r = cc as Record<string, unknown>;
  if (r.Env !== undefined && r.Env !== null && (!Array.isArray(r.Env) || r.Env.some((e) => typeof e !== 'string'))) throw bad('Env');
  if (r.WorkingDir !== undefined && r.WorkingDir !== null && typeof r.WorkingDir !== 'string') throw bad('WorkingDir');
  for (const k of ['Labels', 'ExposedPorts', 'Volumes']) {
    const v = r[k];
    if (v !== undefined && v !== null && (typeof v !== 'object' || Array.isArray(v))) throw bad(k);
  }
  if (r.Labels && Object.values(r.Labels).some((v) => typeof v !== 'string')) throw bad('Labels');
  // null is how Go writes an empty list or map; it means "none".
  return Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as ContainerConfig;
}

/** Refuses a path whose parent directory in the base is a symlink or a file: goscratch's layer would replace it. */
function checkAncestors(view: FsView, path: string, where: string): void {
  const parts = path.split('/').filter(Boolean);
  for (let i = 1; i < parts.length; i++) {
    const dir = '/' + parts.slice(0, i).join('/');
    const e = view.lookup(dir, false);
    if (e && e.type !== 'dir') {
      const what = e.type === 'symlink' ? `a symbolic link (to ${e.target ?? '?'})` : `a ${e.type === 'file' ? 'file' : 'special file'}`;
      throw new UsageError(`${where}: ${dir} is ${what}, so goscratch cannot write ${path} without replacing it: choose a path under a real directory (e.g. --binary), or another base`);
    }
  }
}

/**
 * A registry layer kept in goscratch's cache by its digest: fetched (and verified)
 * the first time it is opened, read from the cache after that, checked on every read.
 * A cache that cannot be written (a read-only home) streams from the registry.
 */
function cachedLayer(layer: Layer, cache: Cache): Layer {
  const file = cache.entryPath('layers', layer.digest.slice('sha256:'.length));
  const what = `base layer ${layer.digest}`;
  return {
    ...layer,
    open: async () => {
      const st = await lstat(file).catch(() => undefined);
      if (st?.isFile() && st.size === layer.size) {
        await cache.touch(file);
      } else if (!(await fetchInto(layer, file, what))) {
        return layer.open();
      }
      return openBlob({ path: file, noFollow: true }, layer, `${what} in the cache (${file})`);
    },
  };
}

/** Copies the layer into `file` through a temporary file; false when the cache cannot be written. */
async function fetchInto(layer: Layer, file: string, what: string): Promise<boolean> {
  const tmp = siblingTemp(file);
  let out: WriteStream;
  try {
    await mkdir(dirname(file), { recursive: true });
    out = createWriteStream(tmp, { flags: 'wx', mode: 0o644 });
    await once(out, 'open');
  } catch {
    await discardTemp(tmp);
    return false;
  }
  try {
    await pipeline(await layer.open(), new VerifyingStream(layer, what), out);
    await commitTemp(tmp, file);
    return true;
  } catch (e) {
    await discardTemp(tmp);
    throw fsError(e, tmp, 'write');
  }
}

/**
 * `base:` from goscratch.yaml. A layout or archive in the project is resolved against
 * the module root and may not lead outside it (through a symbolic link either), so a
 * project never puts files from elsewhere on the machine into an image; anything else
 * is a registry reference.
 */
export async function configBase(value: string, moduleDir: string): Promise<string> {
  if (value === SCRATCH || value.startsWith('docker://')) return value;
  const forced = /^(oci|archive):(.*)$/.exec(value);
  const rest = forced ? forced[2]! : value;
  const colon = rest.lastIndexOf(':');
  // oci:DIR:NAME names one image of a layout; DIR may itself hold a colon.
  const candidates = [{ path: rest, name: '' }, ...(colon > 0 && forced?.[1] !== 'archive' ? [{ path: rest.slice(0, colon), name: rest.slice(colon) }] : [])];
  for (const c of candidates) {
    const abs = resolve(moduleDir, c.path);
    const st = await stat(abs).catch(() => undefined);
    const kind = forced?.[1] ?? (st?.isFile() ? 'archive' : st && (await isLayoutDir(abs)) ? 'oci' : undefined);
    if (!st || !kind || (kind === 'archive' && c.name)) continue;
    const real = await realpath(abs);
    if (!insideDir(await realpath(moduleDir), real)) {
      throw new UsageError(`base: ${value} leads outside the project (to ${real}); copy the image into the project, or give it with --base`, { input: 'base' });
    }
    return `${kind}:${abs}${c.name}`;
  }
  if (forced || /^\.{0,2}\//.test(rest)) throw new UsageError(`base: ${value} does not exist in the project (paths are relative to ${moduleDir})`, { input: 'base' });
  return value;
}
