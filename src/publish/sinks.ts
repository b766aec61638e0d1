/**
 * Where a built artifact goes. Every sink takes the same artifact and image names
 * (like ko's publish.Interface over go-containerregistry's layout/tarball/remote
 * writers): an OCI layout, an archive for `docker load`, a registry, or a running
 * docker/podman. Each can be checked before anything is built, so a run that cannot
 * write its results fails before the compile.
 */
import { resolve } from 'node:path';
import type { Artifact } from '../image/model.js';
import { writeArchive } from '../io/archive.js';
import { findEngine, loadIntoEngine, pingEngine } from '../io/engine.js';
import { writeLayout } from '../io/layout.js';
import { checkOutputs } from '../io/outputs.js';
import { imageName } from '../io/names.js';
import type { Reference } from '../oci/reference.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { BlobProgress } from '../io/registry/upload.js';

export type SinkType = 'oci-layout' | 'tarball' | 'registry' | 'engine';

/** What one sink did: `path` is a file or directory, `repo@digest`, or an engine's socket. */
export interface Published {
  type: SinkType;
  path: string;
  /** The names the artifact now has there (registry `repo:tag`s, engine image names). */
  names?: string[];
}

export interface Sink {
  readonly type: SinkType;
  /** For progress lines: "OCI layout out/", "registry.example.com/app". */
  readonly label: string;
  /** Fails, before any work, when the sink cannot take an artifact. */
  check(): Promise<void>;
  publish(a: Artifact, tags: readonly string[]): Promise<Published>;
}

export function layoutSink(dir: string): Sink {
  const path = resolve(dir);
  return {
    type: 'oci-layout',
    label: `OCI layout ${dir}`,
    check: () => checkOutputs({ layout: path }),
    publish: async (a, tags) => {
      await writeLayout(path, a, { tags });
      return { type: 'oci-layout', path };
    },
  };
}

export function archiveSink(file: string): Sink {
  const path = resolve(file);
  return {
    type: 'tarball',
    label: `archive ${file}`,
    check: () => checkOutputs({ tarball: path }),
    publish: async (a, tags) => {
      await writeArchive(path, a, { tags });
      return { type: 'tarball', path };
    },
  };
}

export interface RegistrySinkOptions {
  /** The repository, with the tag written in the reference, if any. */
  target: Reference;
  /** Tags to push besides the target's own; `latest` when there are none at all. */
  tags: readonly string[];
  registry?: RegistryOptions;
  jobs?: number;
  onProgress?: (p: BlobProgress) => void;
}

/** Pushes the artifact under the target's tag and every image name's tag (`latest` when none is given). */
export function registrySink(o: RegistrySinkOptions): Sink {
  return {
    type: 'registry',
    label: o.target.name,
    check: async () => {
      for (const t of o.tags) o.target.withTag(t); // an invalid tag fails here, not after the build
    },
    publish: async (a) => {
      const { pushArtifact } = await import('../io/registry/push.js');
      const tags = o.tags.length ? [...o.tags] : ['latest'];
      const r = await pushArtifact(o.target.withTag(tags[0]!), a, {
        tags,
        ...o.registry,
        ...(o.jobs ? { jobs: o.jobs } : {}),
        ...(o.onProgress ? { onProgress: o.onProgress } : {}),
      });
      return { type: 'registry', path: r.ref, names: r.tagged };
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
    publish: async (a, tags) => ({ type: 'engine', path: engine.socket, names: await loadIntoEngine(engine, a, tags) }),
  };
}

/** The tag part of each image name, e.g. `hello:1.0` -> `1.0`. */
export function tagsOf(names: readonly string[]): string[] {
  return [...new Set(names.map((n) => imageName(n).tag))];
}
