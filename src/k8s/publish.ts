/**
 * The resolver `goscratch resolve` uses for real: build the package with the build
 * pipeline (goscratch.yaml of its module applies), publish it to REPO/<image name>:latest
 * and attach its SBOM, through the same publish path as build --push.
 */
import { createHash } from 'node:crypto';
import { buildArtifact } from '../gobuild/pipeline.js';
import { resolveSettings } from '../gobuild/settings.js';
import type { RegistryOptions } from '../io/registry/index.js';
import { parseReference } from '../oci/reference.js';
import { attachSboms, publishAll } from '../publish/publish.js';
import { registrySink } from '../publish/sinks.js';
import { UsageError } from '../util/errors.js';
import type { ImageResolver, ResolvedImage } from './resolve.js';

export interface PublishOptions {
  /** Repository prefix, e.g. registry.example.com/team; else $GOSCRATCH_REPO, else the module's `repo` setting. */
  repo?: string;
  /** Comma-separated platforms (default: goscratch.yaml, else this machine). */
  platform?: string;
  /** Let each module's goscratch.yaml make go run other programs (build --allow-exec). */
  allowExec?: boolean;
  registry?: RegistryOptions;
  /** Blobs uploaded at once per push. */
  jobs?: number;
  onStep?: (step: string) => void;
}

export function buildAndPush(opts: PublishOptions): ImageResolver {
  // Two packages with one binary name (cmd/a/server, cmd/b/server) must not share a repository.
  const names = new Map<string, string>();
  return async (pkg): Promise<ResolvedImage> => {
    const settings = await resolveSettings(pkg, { ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.allowExec ? { allowExec: true } : {}) });
    const repo = (opts.repo ?? process.env.GOSCRATCH_REPO ?? settings.repo)?.replace(/\/+$/, '');
    if (!repo) throw new UsageError('no repository to push to: pass --push-to REPO (e.g. registry.example.com/team) or set GOSCRATCH_REPO');
    const result = await buildArtifact(settings, opts.onStep ? { onStep: opts.onStep } : {});
    const importPath = result.package.ImportPath;
    let name = result.name;
    if (names.has(name) && names.get(name) !== importPath) name += '-' + createHash('sha256').update(importPath).digest('hex').slice(0, 8);
    names.set(name, importPath);
    const sink = registrySink({ target: parseReference(`${repo}/${name}`), tags: ['latest'], ...(opts.registry ? { registry: opts.registry } : {}), ...(opts.jobs ? { jobs: opts.jobs } : {}) });
    const published = await publishAll([{ ...result, name }], [sink]);
    await attachSboms([{ ...result, name }], published, settings.sbom, opts.registry);
    const pushed = published[0]!;
    const buildInfo = result.platforms[0]?.buildInfo;
    return { ref: pushed.path, ...(buildInfo ? { buildInfo } : {}) };
  };
}
