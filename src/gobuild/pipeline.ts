/**
 * The Go build source: main packages become images, one per package (or one bundle
 * of them all), each with one image per platform (an index when there are several).
 * One `go list` chooses the packages (plan.ts); packages with the same options are one
 * `go build` per platform, a bounded number at a time; binaries that cannot run in
 * scratch are refused; then each image is assembled (assemble.ts) and put on the base
 * image (base.ts), which decides which platforms can be built. go.mod decides which Go
 * builds them (toolchain.ts). Writing the results is the sinks' job.
 */
import { access } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { parseElf, readElfFile } from '../binary/elf.js';
import { withFile } from '../binary/bytes.js';
import { readBuildInfo, type BuildInfo } from '../binary/buildinfo.js';
import { runtimeEnv, type RuntimeChoice, type RuntimeDecision } from '../runtime/env.js';
import { selectToolchain } from '../golang/toolchain.js';
import { isWildcard, type GoPackage } from '../golang/packages.js';
import { compile } from '../golang/compile.js';
import type { HeadStart } from '../golang/headstart.js';
import { caBundleLabels } from '../image/scratch.js';
import { mergeEnv } from '../image/mutate.js';
import { newIndex, type Artifact, type Image } from '../image/model.js';
import { formatPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { BuildError, UsageError } from '../util/errors.js';
import { mapLimit } from '../util/pool.js';
import type { RegistryOptions } from '../io/registry/session.js';
import type { Logger } from '../util/log.js';
import { assembleImage, binariesLayer, sharedLayers } from './assemble.js';
import { openBase } from './base.js';
import { provenance, provenanceLabels, type Provenance } from './metadata.js';
import { imageTags, planImages, selectMains, type Plan, type PlannedBinary } from './plan.js';
import type { BuildSettings, GoBuildOptions } from './settings.js';

export { execName as binaryName } from '../golang/packages.js';

export const DEFAULT_PATH = 'PATH=/usr/local/bin:/usr/bin:/bin';

export interface BuiltPlatform {
  platform: Platform;
  image: Image;
  /** The entrypoint's compiled binary on disk (in goscratch's cache, see golang/compile.ts). */
  binary: string;
  buildInfo: BuildInfo | undefined;
  /** What runtime tuning set or left alone, and why (empty without --cpus/--memory). */
  runtime: RuntimeChoice[];
}

export interface BuildResult {
  /** The image's name: `{{.Name}}` in tags, REPO/<name> when pushing several. */
  name: string;
  artifact: Artifact;
  platforms: BuiltPlatform[];
  /** The entrypoint's package. */
  package: GoPackage;
  /** Every package whose binary is in the image (a bundle has several), the entrypoint first. */
  packages: GoPackage[];
  provenance: Provenance;
  /** Image names, defaulting to `<name>:latest`. */
  tags: string[];
  /** The entrypoint's path in the image. */
  binaryPath: string;
  binaryPaths: string[];
  warnings: string[];
}

export interface BuildHooks {
  onStep?: (step: string) => void;
  /** Detail of the current step, as it changes ("37 packages compiled"). */
  onProgress?: (detail: string) => void;
  /** Where a toolchain download is announced (one line). */
  log?: Logger;
  /** How a registry base image is pulled (insecure hosts, credentials). */
  registry?: RegistryOptions;
  /** Called once go has started compiling: work to start while this process would wait (loading what publishing needs). */
  whileCompiling?: () => void;
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

/** Builds exactly one image (resolve's `goscratch://` references); a pattern matching several is an error. */
export async function buildArtifact(s: BuildSettings, hooks: BuildHooks = {}): Promise<BuildResult> {
  return (await buildImages(s, hooks, { one: true }))[0]!;
}

/** Compiles at once: each `go build` uses every core itself, so two overlap the link of one with the compile of the other. */
const JOBS = Math.max(1, Math.min(2, availableParallelism()));

interface CompileUnit {
  packages: string[];
  options: GoBuildOptions;
  platform: Platform;
}

/**
 * `one`: refuse patterns that match several main packages; `jobs`: go builds at once
 * (default JOBS); `headStart`: the go build this command ran last time, already started
 * (golang/headstart.ts), which a build of one compile takes when it is the same.
 */
export async function buildImages(s: BuildSettings, hooks: BuildHooks = {}, o: { one?: boolean; jobs?: number; headStart?: HeadStart } = {}): Promise<BuildResult[]> {
  const step = hooks.onStep ?? (() => undefined);
  if (s.base) step(`reading the base image ${s.base}`);
  // The base decides which platforms can be built; go.mod which Go builds them.
  const [toolchain, base] = await Promise.all([
    selectToolchain(s.moduleDir, s.toolchain, hooks.log ? { log: hooks.log } : {}),
    openBase(s.base, hooks.registry ? { registry: hooks.registry } : {}),
  ]);
  const targets = base.platforms(s.platforms, s.allPlatforms);
  const go = toolchain.go;
  const platformList = targets.map(formatPlatform).join(', ');
  let compiled = 0;
  const onPackage = (): void => {
    compiled++;
    hooks.onProgress?.(`${compiled} package${compiled === 1 ? '' : 's'} compiled`);
  };
  const compileAll = async (units: readonly CompileUnit[]): Promise<string[]> => {
    const head = units.length === 1 ? o.headStart : undefined;
    if (!head) await o.headStart?.stop();
    return mapLimit(units, o.jobs ?? JOBS, (u) => compile({ go, dir: s.moduleDir, packages: u.packages, platform: u.platform, ldflags: u.options.ldflags, tags: u.options.goTags, flags: u.options.goFlags, env: [...toolchain.env, ...u.options.goEnv], onPackage }, undefined, head));
  };

  // One package named, with no per-package settings: compile it while `go list` runs,
  // so an unchanged build costs about one go command, not two.
  const single = s.current ?? (s.patterns.length === 1 && !isWildcard(s.patterns[0]!) ? s.patterns[0] : undefined);
  const early = single !== undefined && s.builds.length === 0 ? single : undefined;
  let speculative: Promise<string[]> | undefined;
  if (early !== undefined) {
    step(`compiling ${early === '.' ? s.moduleDir : early} for ${platformList}`);
    speculative = compileAll(targets.map((platform) => ({ packages: [early], options: s, platform })));
    speculative.catch(() => undefined); // a listing error below is the one reported
    hooks.whileCompiling?.();
  }
  const [{ mains, patterns }, prov] = await Promise.all([selectMains(go, s, toolchain.env), provenance(s.moduleDir)]);
  const plan = planImages(s, mains);
  if (o.one && plan.images.length > 1) {
    throw new UsageError(`${patterns.join(' ')} matches ${mains.length} main packages (${mains.map((p) => p.ImportPath).join(', ')}); name one of them here`);
  }
  const several = plan.images.length > 1;
  const tags = plan.images.map((img) => imageTags(s, img.name, several));
  // The layers every image shares need no binary: they are made while go compiles.
  const imagePaths = plan.images.map((img) => (s.bundle ? img.binaries.map((b) => `/usr/local/bin/${b.file}`) : [s.binaryPath ?? `/usr/local/bin/${img.binaries[0]!.file}`]));
  const sharing = sharedLayers(s, base, targets, imagePaths.flat(), prov.epoch);
  sharing.catch(() => undefined); // a compile error below is the one reported

  let outputs: string[];
  if (speculative && patterns.length === 1 && patterns[0] === early && plan.groups.length === 1) {
    outputs = await speculative;
  } else {
    await speculative?.catch(() => undefined);
    const what = mains.length === 1 ? mains[0]!.ImportPath : `${mains.length} packages`;
    step(`compiling ${what} for ${platformList}`);
    const compiling = compileAll(plan.groups.flatMap((g) => targets.map((platform) => ({ packages: g.packages.map((p) => p.ImportPath), options: g.options, platform }))));
    if (!speculative) hooks.whileCompiling?.();
    outputs = await compiling;
  }
  // outputs[group * platforms + platform]: the directory go wrote that compile's binaries into.
  const binaryFile = (b: PlannedBinary, pi: number): string => join(outputs[b.group * targets.length + pi]!, b.file);
  await checkBinaries(plan, targets, binaryFile);

  step('assembling layers');
  const shared = await sharing;
  const labels = { ...provenanceLabels(prov), ...caBundleLabels(s.caCerts), ...s.labels };
  const annotations = { ...provenanceLabels(prov), ...s.annotations };
  const warnings = portWarnings(s);
  return Promise.all(plan.images.map(async (img, ii): Promise<BuildResult> => {
    const binaryPaths = imagePaths[ii]!;
    const platforms = await Promise.all(targets.map(async (platform, pi): Promise<BuiltPlatform> => {
      const sources = img.binaries.map((b) => binaryFile(b, pi));
      const app = await binariesLayer(binaryPaths.map((path, i) => ({ path, source: sources[i]! })), prov.epoch);
      const binary = sources[0]!;
      const buildInfo = withFile(binary, (src) => readBuildInfo(parseElf(src)));
      const tuned = tuneRuntime(s, buildInfo);
      const env = mergeEnv(mergeEnv([DEFAULT_PATH], s.env), tuned.env);
      const ours = assembleImage(platform, s, { system: shared.system[pi]!, files: shared.files, app }, { binaryPath: binaryPaths[0]!, binaryPaths, labels, annotations, env, created: prov.created });
      const image = base.rebase(ours, { userEnv: mergeEnv(s.env, tuned.env), workdir: s.workdir });
      return { platform, image, binary, buildInfo, runtime: tuned.choices };
    }));
    const artifact: Artifact = platforms.length === 1 ? platforms[0]!.image : newIndex(platforms.map((p) => p.image), { annotations: { ...base.indexAnnotations, ...annotations } });
    return {
      name: img.name,
      artifact,
      platforms,
      package: img.binaries[0]!.pkg,
      packages: img.binaries.map((b) => b.pkg),
      provenance: prov,
      tags: tags[ii]!,
      binaryPath: binaryPaths[0]!,
      binaryPaths,
      warnings,
    };
  }));
}

/** Every binary exists and can run in scratch on its platform. */
async function checkBinaries(plan: Plan, platforms: readonly Platform[], file: (b: PlannedBinary, pi: number) => string): Promise<void> {
  for (const b of plan.images.flatMap((img) => img.binaries)) {
    for (const [pi, platform] of platforms.entries()) {
      const path = file(b, pi);
      await access(path).catch(() => {
        throw new BuildError(`go build wrote no binary for ${b.pkg.ImportPath} (${formatPlatform(platform)}): is it a main package?`);
      });
      await checkScratchBinary(path, platform);
    }
  }
}

function portWarnings(s: BuildSettings): string[] {
  if (s.user.uid === 0) return [];
  return s.ports
    .filter((p) => Number(p.split('/')[0]) < 1024)
    .map((p) => `port ${p} is below 1024 but the image runs as uid ${s.user.uid}: binding it needs root or CAP_NET_BIND_SERVICE (Docker >= 20.10 allows it by lowering net.ipv4.ip_unprivileged_port_start; Kubernetes and Podman rootless usually do not). Use a port above 1024, e.g. 8080.`);
}

/** GOMAXPROCS/GOMEMLIMIT for the limits the image will run under, unless the binary handles them. */
function tuneRuntime(s: BuildSettings, buildInfo: BuildInfo | undefined): RuntimeDecision {
  const { cpus, memory, memoryRatio } = s.runtime;
  if (cpus === undefined && memory === undefined) return { env: [], choices: [] };
  return runtimeEnv({ ...(cpus !== undefined ? { cpus } : {}), ...(memory !== undefined ? { memory } : {}), memoryRatio, ...(buildInfo ? { buildInfo } : {}), env: s.env });
}
