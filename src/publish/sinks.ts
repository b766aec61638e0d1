/**
 * Where built images go. Every sink takes the same images, each an artifact with its
 * names (like ko's publish.Interface over go-containerregistry's layout/tarball/remote
 * writers): an OCI layout (each image under its own names), an archive for `docker
 * load` (one archive holding them all, as `docker save a b` writes), a registry (one
 * image at REF, several at REF/<name>), or a running docker/podman. Each can be
 * checked before anything is built, so a run that cannot write its results fails
 * before the compile.
 */
import { resolve } from 'node:path';
import type { Artifact } from '../image/model.js';
import { writeArchiveImages } from '../io/archive.js';
import { findEngine, loadIntoEngine, pingEngine } from '../io/engine.js';
import { writeLayout } from '../io/layout.js';
import { checkOutputs } from '../io/outputs.js';
import { imageName } from '../io/names.js';
import { Reference } from '../oci/reference.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { BlobProgress } from '../io/registry/upload.js';

export type SinkType = 'oci-layout' | 'tarball' | 'registry' | 'engine';

/** One image to publish: `name` is its short name (REPO/<name> when pushing several), `tags` its image names. */
export interface SinkImage {
  name: string;
  artifact: Artifact;
  tags: readonly string[];
}

/** What one sink did with one image: `path` is a file or directory, `repo@digest`, or an engine's socket. */
export interface Published {
  type: SinkType;
  path: string;
  /** The image's name (SinkImage.name). */
  image: string;
  /** The names the artifact now has there (registry `repo:tag`s, engine image names). */
  names?: string[];
}

export interface Sink {
  readonly type: SinkType;
  /** For progress lines: "OCI layout out/", "registry.example.com/app". */
  readonly label: string;
  /** Fails, before any work, when the sink cannot take an artifact. */
  check(): Promise<void>;
  /** Publishes every image; one Published per image, in their order. */
  publish(images: readonly SinkImage[]): Promise<Published[]>;
}

export function layoutSink(dir: string): Sink {
  const path = resolve(dir);
  return {
    type: 'oci-layout',
    label: `OCI layout ${dir}`,
    check: () => checkOutputs({ layout: path }),
    publish: async (images) => {
      for (const img of images) await writeLayout(path, img.artifact, { tags: img.tags });
      return images.map((img) => ({ type: 'oci-layout', path, image: img.name }));
    },
  };
}

/** One archive with every image: `docker load` and `podman load` load them all. */
export function archiveSink(file: string): Sink {
  const path = resolve(file);
  return {
    type: 'tarball',
    label: `archive ${file}`,
    check: () => checkOutputs({ tarball: path }),
    publish: async (images) => {
      await writeArchiveImages(path, images.map((img) => ({ artifact: img.artifact, tags: img.tags })));
      return images.map((img) => ({ type: 'tarball', path, image: img.name }));
    },
  };
}

export interface RegistrySinkOptions {
  /** The repository of one image, or the parent of several (each at target/<name>). */
  target: Reference;
  /** Tags every image gets (the one written in REF); each image's own names add theirs, and `latest` when there are none at all. */
  tags: readonly string[];
  registry?: RegistryOptions;
  jobs?: number;
  onProgress?: (p: BlobProgress) => void;
}

/**
 * Pushes one image to the target, several each to target/<name> (like ko with
 * KO_DOCKER_REPO), under the target's tag and the tags of the image's names
 * (`latest` when there are none).
 */
export function registrySink(o: RegistrySinkOptions): Sink {
  return {
    type: 'registry',
    label: o.target.name,
    check: async () => {
      for (const t of o.tags) o.target.withTag(t); // an invalid tag fails here, not after the build
    },
    publish: async (images) => {
      const { pushArtifact } = await import('../io/registry/push.js');
      const out: Published[] = [];
      for (const img of images) {
        const repo = images.length === 1 ? o.target : new Reference(o.target.registry, `${o.target.repository}/${img.name}`);
        const own = [...new Set([...o.tags, ...tagsOf(img.tags)])];
        const tags = own.length ? own : ['latest'];
        const r = await pushArtifact(repo.withTag(tags[0]!), img.artifact, {
          tags,
          ...o.registry,
          ...(o.jobs ? { jobs: o.jobs } : {}),
          ...(o.onProgress ? { onProgress: o.onProgress } : {}),
        });
        out.push({ type: 'registry', path: r.ref, image: img.name, names: r.tagged });
      }
      return out;
    },
  };
}

/** Loads the image into a running docker or podman (`--load`), like ko's --local. */
export function engineSink(spec: string): Sink {
  const engine = findEngine(spec);
  return {
    type: 'engine',
    label: `${engine.name} (${engine.socket})`,
    check: () => pingEngine(engine),
    publish: async (images) => {
      const out: Published[] = [];
      for (const img of images) out.push({ type: 'engine', path: engine.socket, image: img.name, names: await loadIntoEngine(engine, img.artifact, img.tags) });
      return out;
    },
  };
}

/** The tag part of each image name, e.g. `hello:1.0` -> `1.0`. */
export function tagsOf(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => imageName(n).tag))];
}
