/**
 * The resolver `goscratch resolve` uses for real: build the package with the build
 * pipeline (goscratch.yaml of its module applies), publish it to REPO/<image name>:latest
 * and attach its SBOM, through the same publish path as build --push. Packages of one
 * module are built together.
 */
import { createHash } from 'node:crypto';
import { buildArtifact, buildImages, type BuildHooks, type BuildResult } from '../gobuild/pipeline.js';
import { resolveSettings, type BuildFlags, type BuildSettings } from '../gobuild/settings.js';
import { isWildcard, named } from '../golang/packages.js';
import type { RegistryOptions } from '../io/registry/index.js';
import { parseReference } from '../oci/reference.js';
import { attachSboms, publishAll } from '../publish/publish.js';
import { registrySink } from '../publish/sinks.js';
import { UsageError } from '../util/errors.js';
import type { ImageResolver, ResolvedImage } from './resolve.js';

export interface PublishOptions {
  /** Repository prefix, e.g. registry.example.com/team; else the build settings' (GOSCRATCH_REPO, else the module's `repo`). */
  repo?: string;
  /** Comma-separated platforms (default: goscratch.yaml, else this machine). */
  platform?: string;
  /** Let each module's goscratch.yaml make go run other programs (build --allow-exec). */
  allowExec?: boolean;
  registry?: RegistryOptions;
  onStep?: (step: string) => void;
}

/**
 * Builds and pushes each package it is asked for. Told every package first
 * (`prepare`), it builds the packages of one module together, as `build ./a ./b`
 * does: one `go list`, one `go build` per platform for what they share. A package
 * whose batch fails is built again on its own, so each error is reported at its own
 * reference.
 */
export function buildAndPush(opts: PublishOptions): ImageResolver {
  // Two packages with one binary name (cmd/a/server, cmd/b/server) must not share a repository.
  const names = new Map<string, string>();
  const flags = { ...(opts.platform ? { platform: opts.platform } : {}), ...(opts.allowExec ? { allowExec: true } : {}) };
  // The registry options reach a registry base image too (--insecure-registry, credentials).
  const hooks: BuildHooks = { ...(opts.onStep ? { onStep: opts.onStep } : {}), ...(opts.registry ? { registry: opts.registry } : {}) };
  const prepared = new Map<string, Promise<BuildResult | undefined>>();

  const resolver: ImageResolver = async (pkg): Promise<ResolvedImage> => {
    const settings = await resolveSettings(pkg, flags);
    const repo = (opts.repo ?? settings.repo)?.replace(/\/+$/, '');
    if (!repo) throw new UsageError('no repository to push to: pass --push-to REPO (e.g. registry.example.com/team) or set GOSCRATCH_REPO');
    const result = (await prepared.get(pkg)) ?? (await buildArtifact(settings, hooks));
    const importPath = result.package.ImportPath;
    let name = result.name;
    if (names.has(name) && names.get(name) !== importPath) name += '-' + createHash('sha256').update(importPath).digest('hex').slice(0, 8);
    names.set(name, importPath);
    const sink = registrySink({ target: parseReference(`${repo}/${name}`), tags: ['latest'], ...(opts.registry ? { registry: opts.registry } : {}) });
    const published = await publishAll([{ ...result, name }], [sink]);
    await attachSboms([{ ...result, name }], published, settings.sbom, opts.registry);
    const pushed = published[0]!;
    const buildInfo = result.platforms[0]?.buildInfo;
    return { ref: pushed.path, ...(buildInfo ? { buildInfo } : {}) };
  };

  resolver.prepare = (packages) => {
    const built = buildTogether(packages, flags, hooks);
    built.catch(() => undefined);
    for (const pkg of packages) prepared.set(pkg, built.then((m) => m.get(pkg), () => undefined));
  };
  return resolver;
}

/** The packages of each module with two or more, built in one run per module; packages whose run failed are missing. */
async function buildTogether(packages: readonly string[], flags: BuildFlags, hooks: BuildHooks): Promise<Map<string, BuildResult>> {
  const byModule = new Map<string, Array<{ pkg: string; settings: BuildSettings }>>();
  for (const pkg of packages) {
    const settings = await resolveSettings(pkg, flags).catch(() => undefined);
    if (!settings || settings.patterns.some(isWildcard)) continue; // its error comes when it is resolved on its own
    byModule.set(settings.moduleDir, [...(byModule.get(settings.moduleDir) ?? []), { pkg, settings }]);
  }
  const out = new Map<string, BuildResult>();
  for (const batch of [...byModule.values()].filter((b) => b.length > 1)) {
    const first = batch[0]!.settings;
    const results = await buildImages({ ...first, patterns: batch.flatMap((x) => x.settings.patterns) }, hooks).catch(() => []);
    for (const { pkg, settings } of batch) {
      const r = results.find((x) => named(x.package, settings.patterns[0]!, first.moduleDir));
      if (r) out.set(pkg, r);
    }
  }
  return out;
}
