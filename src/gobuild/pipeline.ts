/**
 * The Go build source: a main package becomes one image per platform (an index when
 * there are several). Compile in parallel, refuse binaries that cannot run in
 * scratch, then assemble layers (shared base files, project files, the binary) and
 * the config with pure transforms. Writing the result is the sinks' job.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { posix } from 'node:path';
import { parseElf, readElfFile } from '../binary/elf.js';
import { withFile } from '../binary/bytes.js';
import { readBuildInfo, type BuildInfo } from '../binary/buildinfo.js';
import { runtimeEnv, type RuntimeChoice, type RuntimeDecision } from '../runtime/env.js';
import { findMainPackage, selectToolchain, type GoPackage } from '../golang/toolchain.js';
import { compile } from '../golang/compile.js';
import { buildLayer } from '../image/layerbuilder.js';
import { caBundleLabels, CA_BUNDLE_PATH } from '../image/scratch.js';
import { appendLayers, emptyImage, mergeEnv, setAnnotations, setContainerConfig, setCreated } from '../image/mutate.js';
import { newIndex, type Artifact, type Image, type Layer } from '../image/model.js';
import { formatPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { BuildError } from '../util/errors.js';
import { mapLimit } from '../util/pool.js';
import { projectFileEntries, readCaBundle } from './files.js';
import { provenance, provenanceLabels, type Provenance } from './metadata.js';
import type { BuildSettings } from './settings.js';
import { openBase } from './base.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { Logger } from '../util/log.js';

export const DEFAULT_PATH = 'PATH=/usr/local/bin:/usr/bin:/bin';

export interface BuiltPlatform {
  platform: Platform;
  image: Image;
  /** The compiled binary on disk (in goscratch's cache, see golang/compile.ts). */
  binary: string;
  buildInfo: BuildInfo | undefined;
  /** What runtime tuning set or left alone, and why (empty without --cpus/--memory). */
  runtime: RuntimeChoice[];
}

export interface BuildResult {
  artifact: Artifact;
  platforms: BuiltPlatform[];
  package: GoPackage;
  provenance: Provenance;
  /** Image names, defaulting to `<binary name>:latest`. */
  tags: string[];
  binaryPath: string;
  warnings: string[];
}

export interface BuildHooks {
  onStep?: (step: string) => void;
  /** Where a toolchain download is announced (one line). */
  log?: Logger;
  /** How a registry base image is pulled (insecure hosts, credentials). */
  registry?: RegistryOptions;
}

/** `example.com/cmd/server` -> `server`; a trailing major version (`/v2`) is skipped. */
export function binaryName(importPath: string): string {
  const parts = importPath.split('/').filter(Boolean);
  let name = parts.pop() ?? 'app';
  if (/^v\d+$/.test(name) && parts.length > 0) name = parts.pop()!;
  return name;
}

/** Refuses a binary that cannot run in an empty image, saying why and how to fix it. */
export async function checkScratchBinary(path: string, platform: Platform): Promise<void> {
  const elf = await readElfFile(path);
  if (!elf.static) {
    const why = elf.interpreter ? `it needs the dynamic loader ${elf.interpreter}` : `it needs shared libraries (${elf.needed.join(', ')})`;
    throw new BuildError(
      `the binary for ${formatPlatform(platform)} is dynamically linked: ${why}, which a scratch image does not have, so it would fail with "no such file or directory". ` +
        'This comes from cgo (CGO_ENABLED=1) or -buildmode=pie / -linkmode=external: remove CGO_ENABLED=1 from build.env, or drop those flags, or use pure-Go packages (e.g. build tags netgo,osusergo).',
    );
  }
  if (elf.goarch !== platform.architecture) {
    throw new BuildError(
      `the binary for ${formatPlatform(platform)} is built for ${elf.machineName} (${elf.goarch ?? 'unknown'}): it would fail with "exec format error". Remove GOARCH from build.env and let --platform choose it.`,
    );
  }
}

export async function buildArtifact(s: BuildSettings, hooks: BuildHooks = {}): Promise<BuildResult> {
  const step = hooks.onStep ?? (() => undefined);
  if (s.base) step(`reading the base image ${s.base}`);
  // The base decides which platforms can be built; go.mod which Go builds them.
  const [toolchain, base] = await Promise.all([
    selectToolchain(s.moduleDir, s.toolchain, hooks.log ? { log: hooks.log } : {}),
    openBase(s.base, hooks.registry ? { registry: hooks.registry } : {}),
  ]);
  const targets = base.platforms(s.platforms, s.allPlatforms);
  const go = toolchain.go;
  // `go list` (is it one main package?) runs alongside the compile, which takes the
  // same pattern: an unchanged build then costs about one go command, not two.
  const jobs = Math.max(1, Math.min(2, availableParallelism()));
  const compiling = mapLimit(targets, jobs, async (platform) => {
    step(`compiling ${s.pattern === '.' ? s.moduleDir : s.pattern} for ${formatPlatform(platform)}`);
    const bin = await compile({ go, dir: s.moduleDir, importPath: s.pattern, platform, ldflags: s.ldflags, tags: s.goTags, flags: s.goFlags, env: [...toolchain.env, ...s.goEnv] });
    await checkScratchBinary(bin, platform);
    return bin;
  });
  compiling.catch(() => undefined); // a listing error below is the one reported
  const [pkg, prov] = await Promise.all([findMainPackage(go, s.moduleDir, s.pattern, toolchain.env), provenance(s.moduleDir)]);
  const binaries = await compiling;
  const name = binaryName(pkg.ImportPath);
  const binaryPath = s.binaryPath ?? `/usr/local/bin/${name}`;
  const warnings: string[] = [];
  if (s.user.uid !== 0) {
    for (const p of s.ports.filter((p) => Number(p.split('/')[0]) < 1024)) {
      warnings.push(`port ${p} is below 1024 but the image runs as uid ${s.user.uid}: binding it needs root or CAP_NET_BIND_SERVICE (Docker >= 20.10 allows it by lowering net.ipv4.ip_unprivileged_port_start; Kubernetes and Podman rootless usually do not). Use a port above 1024, e.g. 8080.`);
    }
  }


  step('assembling layers');
  const layerOpts = { mtime: prov.epoch };
  const fileEntries = await projectFileEntries(s.moduleDir, s.files);
  // Layers compress on the thread pool, so building them together uses every core.
  const system = { user: s.user, caBundle: await readCaBundle(s.caCerts), caIsDefault: s.caCerts === 'bundled', paths: [binaryPath, ...s.files.map((f) => f.dst)] };
  const [systemLayers, files, ...appLayers] = await Promise.all([
    base.systemLayers(targets, system, layerOpts),
    fileEntries.length ? buildLayer(fileEntries, layerOpts) : undefined,
    ...binaries.map(async (bin) => buildLayer([{ type: 'file', path: binaryPath, mode: 0o555, source: bin, size: (await stat(bin)).size }], layerOpts)),
  ]);
  const labels = { ...provenanceLabels(prov), ...caBundleLabels(s.caCerts), ...s.labels };
  const annotations = { ...provenanceLabels(prov), ...s.annotations };

  const platforms: BuiltPlatform[] = [];
  for (const [i, platform] of targets.entries()) {
    const bin = binaries[i]!;
    const buildInfo = withFile(bin, (src) => readBuildInfo(parseElf(src)));
    const tuned = tuneRuntime(s, buildInfo);
    const env = mergeEnv(mergeEnv([DEFAULT_PATH], s.env), tuned.env);
    const ours = assemble(platform, s, { base: systemLayers[i]!, files, app: appLayers[i]! }, { binaryPath, labels, annotations, env, created: prov.created, hasCa: s.caCerts !== 'none' });
    const image = base.rebase(ours, { userEnv: mergeEnv(s.env, tuned.env), workdir: s.workdir });
    platforms.push({ platform, image, binary: bin, buildInfo, runtime: tuned.choices });
  }
  const artifact: Artifact = platforms.length === 1 ? platforms[0]!.image : newIndex(platforms.map((p) => p.image), { annotations: { ...base.indexAnnotations, ...annotations } });
  const tags = s.tags.length ? s.tags : [`${name}:latest`];
  return { artifact, platforms, package: pkg, provenance: prov, tags, binaryPath, warnings };
}

/** GOMAXPROCS/GOMEMLIMIT for the limits the image will run under, unless the binary handles them. */
function tuneRuntime(s: BuildSettings, buildInfo: BuildInfo | undefined): RuntimeDecision {
  const { cpus, memory, memoryRatio } = s.runtime;
  if (cpus === undefined && memory === undefined) return { env: [], choices: [] };
  return runtimeEnv({ ...(cpus !== undefined ? { cpus } : {}), ...(memory !== undefined ? { memory } : {}), memoryRatio, ...(buildInfo ? { buildInfo } : {}), env: s.env });
}

function assemble(
  platform: Platform,
  s: BuildSettings,
  layers: { base: Layer; files: Layer | undefined; app: Layer },
  o: { binaryPath: string; labels: Record<string, string>; annotations: Record<string, string>; env: string[]; created: string; hasCa: boolean },
): Image {
  const by = (what: string): { created_by: string; comment: string } => ({ created_by: `goscratch: ${what}`, comment: 'goscratch' });
  let img = appendLayers(emptyImage(platform), [
    { layer: layers.base, history: by(`/etc/passwd, /etc/group (${s.user.name} ${s.user.uid}:${s.user.gid}), /etc/nsswitch.conf, /tmp${o.hasCa ? ', ' + CA_BUNDLE_PATH : ''}`) },
    ...(layers.files ? [{ layer: layers.files, history: by(`project files ${s.files.map((f) => f.dst).join(', ')}`) }] : []),
    { layer: layers.app, history: by(`Go binary ${o.binaryPath}`) },
  ]);
  img = setContainerConfig(img, () => ({
    User: `${s.user.uid}:${s.user.gid}`,
    ...(s.ports.length ? { ExposedPorts: Object.fromEntries(s.ports.map((p) => [p, {}])) } : {}),
    Env: o.env,
    Entrypoint: [o.binaryPath],
    ...(s.args.length ? { Cmd: s.args } : {}),
    WorkingDir: s.workdir ?? posix.sep,
    ...(Object.keys(o.labels).length ? { Labels: o.labels } : {}),
  }));
  img = setCreated(img, o.created);
  return setAnnotations(img, o.annotations);
}
