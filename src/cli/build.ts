import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import type { BuildResult } from '../gobuild/pipeline.js';
import type { BuildSettings } from '../gobuild/settings.js';
import type { Published, Sink } from '../publish/sinks.js';
import type { BlobProgress } from '../io/registry/upload.js';
import type { TransferProgress } from './ui/transfer.js';
import { parseCpus } from '../runtime/size.js';
import { UsageError, errorMessage } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';
import type { Logger } from '../util/log.js';
import { collect, wholeNumber, positiveNumber, jobsOption, insecureRegistryOption, registryOptions } from './options.js';

// The build pipeline, the publishers and what they import (the registry client, zod,
// yaml, tar) load when the command runs, not for `goscratch build --help`.
const loadPipeline = async () => {
  const [{ buildImages }, { resolveSettings }, { attachSboms, checkSinks, publishAll }, sinks, { formatPlatform }, { resolvePushReference }, { progress }] = await Promise.all([
    import('../gobuild/pipeline.js'),
    import('../gobuild/settings.js'),
    import('../publish/publish.js'),
    import('../publish/sinks.js'),
    import('../oci/platform.js'),
    import('../oci/reference.js'),
    import('./ui/progress.js'),
  ]);
  return { buildImages, resolveSettings, attachSboms, checkSinks, publishAll, sinks, formatPlatform, resolvePushReference, progress };
};
type Pipeline = Awaited<ReturnType<typeof loadPipeline>>;

const cpusOption = (v: string): number => usage(() => parseCpus(v));

/** Runs a check, turning its error into a usage error (exit 2). */
function usage<T>(fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError(errorMessage(e));
  }
}

export function buildCommand(): CommandUnknownOpts {
  return new Command('build')
    .description('Build Go main packages into minimal, non-root FROM-scratch OCI images (no Docker daemon)')
    .argument('[packages...]', 'main package directories or patterns such as ./cmd/server or ./cmd/... (one image each); default: the current directory when it is a main package, else goscratch.yaml\'s main')
    .option('--platform <list>', 'comma-separated platforms, e.g. linux/amd64,linux/arm64, or all (every platform of --base) (default: this machine; env GOSCRATCH_PLATFORM)')
    .option('--base <image>', 'base image under goscratch\'s layers: scratch (default), a registry reference, oci:DIR[:NAME] or an archive')
    .option('-t, --tag <name>', 'image name and tag, e.g. hello:1.0 or registry.example.com/team/{{.Name}}:1.4 (repeatable; default <name>:latest)', collect)
    .option('--oci-layout <dir>', 'write the image into an OCI image layout directory')
    .option('--tarball <file>', 'write an archive that docker load, podman load and skopeo accept')
    .option('--user <name>', 'name of the non-root user in /etc/passwd (default appuser)')
    .option('--uid <n>', 'user id (default 10001)', wholeNumber('--uid'))
    .option('--gid <n>', 'group id (default: the uid)', wholeNumber('--gid'))
    .option('--allow-root', 'allow uid or gid 0')
    .option('--binary <path>', 'path of the binary in the image, the entrypoint (default /usr/local/bin/<name>)')
    .option('--arg <arg>', 'default argument after the entrypoint, the image Cmd (repeatable)', collect)
    .option('-p, --port <port>', 'port to expose, e.g. 9292 or 9292/udp (repeatable)', collect)
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('-w, --workdir <dir>', 'working directory (default /), owned by the user unless it is /')
    .option('--dir <path[:mode]>', 'directory owned by the user, writable, e.g. /data or /data:0700 (repeatable)', collect)
    .option('--volume <path>', 'declare a VOLUME, a directory owned by the user (repeatable)', collect)
    .option('--file <src:dst>', 'copy a file or directory into the image, e.g. ./static:/srv/static (repeatable)', collect)
    .option('--bundle <binary>', 'one image holding every binary built, with this one as the entrypoint')
    .option('-l, --label <KEY=VALUE>', 'image label (repeatable)', collect)
    .option('--annotation <KEY=VALUE>', 'manifest annotation (repeatable)', collect)
    .option('--ca-certs <source>', 'CA bundle: bundled (Node\'s Mozilla store), none, or a PEM file')
    .option('--ldflags <flags>', 'extra go build -ldflags, added after -s -w; {{.Git.Tag}}, {{.Git.ShortCommit}}, {{.Env.NAME}} allowed (repeatable)', collect)
    .option('--build-tags <list>', 'comma-separated Go build tags')
    .option('--load [engine]', 'load the image into a running docker (default) or podman, or the engine at unix:///path.sock')
    .option('--allow-exec', 'let goscratch.yaml make go run other programs (-toolexec, CC, GOFLAGS=-toolexec=...): only for a project you trust')
    .option('--push <ref>', 'push to a registry: host[:port]/repo[:tag], several images each to REPO/<name>; a short name (app:v1) goes under $GOSCRATCH_REPO')
    .addOption(insecureRegistryOption())
    .option('-j, --jobs <n>', 'go builds run at once, one per package set and platform (default 2; as ko --jobs)', jobsOption)
    .option('--cpus <n>', 'CPU limit the container runs under (0.5, 2 or 500m): bakes GOMAXPROCS=ceil(n)', cpusOption)
    .option('--memory <size>', 'memory limit the container runs under (512Mi, 1Gi, 512m): bakes GOMEMLIMIT')
    .option('--memory-ratio <r>', 'share of --memory given to GOMEMLIMIT (default 0.9)', positiveNumber('--memory-ratio', 1))
    .addOption(new Option('--sbom <format>', 'SBOM written next to each output and attached when pushing (default spdx)').choices(['spdx', 'cyclonedx', 'none'] as const))
    .addOption(new Option('--json', 'print the result as JSON'))
    .option('-q, --quiet', 'print only the digest (one line per image)')
    .action(async (packages, o) => {
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      if (!o.ociLayout && !o.tarball && !o.push && !o.load) {
        throw new UsageError('nothing to write: give --oci-layout DIR, --tarball FILE, --push REF and/or --load');
      }
      // The go build this command line ran last time, started by cli.ts while the
      // pipeline loads; the pipeline takes it if it is still the right one (golang/headstart.ts).
      const headStart = await (await import('./headstart.js')).headStartOfProcess();
      try {
        const pipeline = await loadPipeline();
        const { buildImages, resolveSettings, attachSboms, checkSinks, publishAll, formatPlatform, progress } = pipeline;
        const settings = await resolveSettings(packages, {
          ...(o.platform ? { platform: o.platform } : {}),
          ...(o.base ? { base: o.base } : {}),
          ...(o.tag ? { tag: o.tag } : {}),
          ...(o.user ? { user: o.user } : {}),
          ...(o.uid !== undefined ? { uid: o.uid } : {}),
          ...(o.gid !== undefined ? { gid: o.gid } : {}),
          ...(o.allowRoot ? { allowRoot: true } : {}),
          ...(o.binary ? { binary: o.binary } : {}),
          ...(o.arg ? { arg: o.arg } : {}),
          ...(o.port ? { port: o.port } : {}),
          ...(o.env ? { env: o.env } : {}),
          ...(o.workdir ? { workdir: o.workdir } : {}),
          ...(o.dir ? { dir: o.dir } : {}),
          ...(o.volume ? { volume: o.volume } : {}),
          ...(o.file ? { file: o.file } : {}),
          ...(o.bundle ? { bundle: o.bundle } : {}),
          ...(o.label ? { label: o.label } : {}),
          ...(o.annotation ? { annotation: o.annotation } : {}),
          ...(o.caCerts ? { caCerts: o.caCerts } : {}),
          ...(o.ldflags ? { ldflags: o.ldflags } : {}),
          ...(o.buildTags ? { tags: o.buildTags.split(',').filter(Boolean) } : {}),
          ...(o.cpus !== undefined ? { cpus: o.cpus } : {}),
          ...(o.memory !== undefined ? { memory: o.memory } : {}),
          ...(o.memoryRatio !== undefined ? { memoryRatio: o.memoryRatio } : {}),
          ...(o.allowExec ? { allowExec: true } : {}),
        });
        // Everything that can be wrong with the outputs is found before compiling.
        const transfer = o.push ? await (await import('./ui/transfer.js')).createProgress() : undefined;
        const sinks = outputSinks(pipeline, o, settings, transfer);
        await checkSinks(sinks);
        const p = progress();
        // A line for the user ends the progress line first, so the two never share one.
        const lines: Logger = {
          ...log,
          info: (m) => {
            p.done();
            log.info(m);
          },
        };
        const sbom = o.sbom ?? settings.sbom;
        // The SBOM writer loads while go compiles, when this process would only wait.
        let sbomWriter: Promise<typeof import('../inspect/sbom/build.js')> | undefined;
        const loadSbomWriter = () => (sbomWriter ??= import('../inspect/sbom/build.js'));
        const whileCompiling = (): void => void (sbom !== 'none' && loadSbomWriter().catch(() => undefined));
        const results = await buildImages(settings, { onStep: (s) => p.step(s), onProgress: (d) => p.detail(d), log: lines, registry: registryOptions(o), whileCompiling }, { ...(headStart ? { headStart } : {}), ...(o.jobs ? { jobs: o.jobs } : {}) });
        for (const w of results[0]?.warnings ?? []) log.warn(w);
        for (const c of results[0]?.platforms[0]?.runtime ?? []) log.info(`${c.variable}: ${c.value ?? 'not set'} (${c.reason})`);
        // SBOMs are made (each binary hashed) while the images are written.
        const prepared = sbom === 'none' ? undefined : loadSbomWriter().then((w) => new Map(results.map((r) => [r, w.sbomTexts(r, sbom)] as const)));
        // Their failures are attachSboms' to report, after publishing.
        void prepared?.then((m) => m.forEach((t) => t.catch(() => undefined)), () => undefined);
        const outputs = await publishAll(results, sinks, { onStep: (s) => p.step(s) }).finally(() => transfer?.stop());
        const sboms = await attachSboms(results, outputs, sbom, registryOptions(o), await prepared?.catch(() => undefined));
        // The platforms built: with --platform all, the base's.
        p.done(`built ${results.flatMap((r) => r.tags).join(', ')} for ${(results[0]?.platforms ?? []).map((x) => formatPlatform(x.platform)).join(', ')}`);
        const images = results.map((r) => imageSummary(pipeline, r, outputs.filter((x) => x.image === r.name)));
        if (o.json) {
          // One image: its fields at the top level too, as before there could be several.
          const one = images.length === 1 ? (({ name: _name, ...rest }) => rest)(images[0]!) : {};
          process.stdout.write(JSON.stringify({ ...one, images, outputs, ...(sboms.length ? { sboms } : {}), warnings: results[0]?.warnings ?? [] }, null, 2) + '\n');
        } else if (images.length === 1) {
          process.stdout.write((images[0]!.pushed?.[0] ?? images[0]!.digest) + '\n');
        } else {
          for (const i of images) process.stdout.write(o.quiet ? `${i.pushed?.[0] ?? i.digest}\n` : `${i.name} ${i.pushed?.[0] ?? i.digest}\n`);
        }
      } finally {
        await headStart?.stop();
      }
    });
}

/** One image in --json: its name, digest, names, platforms, binaries, where it went. */
function imageSummary({ formatPlatform }: Pipeline, r: BuildResult, outputs: readonly Published[]) {
  const pushed = outputs.filter((x) => x.type === 'registry').flatMap((x) => [x.path, ...(x.names ?? [])]);
  const runtime = r.platforms[0]?.runtime ?? [];
  return {
    name: r.name,
    digest: r.artifact.digest,
    tags: r.tags,
    platforms: r.platforms.map((x) => ({
      platform: formatPlatform(x.platform),
      digest: x.image.digest,
      size: x.image.rawConfig.length + x.image.layers.reduce((n, l) => n + l.size, 0),
    })),
    binaries: r.binaryPaths.map((path, i) => ({ path, package: r.packages[i]!.ImportPath })),
    ...(pushed.length ? { pushed } : {}),
    ...(runtime.length ? { runtime } : {}),
  };
}

type OutputFlags = { ociLayout?: string; tarball?: string; push?: string; load?: string | boolean; insecureRegistry: string[] };

/** The sinks the output flags ask for, files first; the push target is resolved under GOSCRATCH_REPO or the config's repo. */
function outputSinks({ sinks: { layoutSink, archiveSink, registrySink, engineSink }, resolvePushReference }: Pipeline, o: OutputFlags, settings: Pick<BuildSettings, 'repo'>, transfer: TransferProgress | undefined): Sink[] {
  const sinks: Sink[] = [];
  if (o.ociLayout) sinks.push(layoutSink(o.ociLayout));
  if (o.tarball) sinks.push(archiveSink(o.tarball));
  if (o.push) {
    const target = usage(() => resolvePushReference(o.push!, settings.repo));
    // parseReference fills in `latest`; only a tag written in REF itself counts, and the
    // default image name (<name>:latest) is not a request to move `latest` in the registry.
    const explicitTag = /:[\w][\w.-]*$/.test(o.push.split('/').pop() ?? '');
    sinks.push(registrySink({
      target,
      tags: explicitTag && target.tag ? [target.tag] : [],
      registry: registryOptions(o),
      ...(transfer ? { onProgress: (x: BlobProgress) => transfer.push(x) } : {}),
    }));
  }
  if (o.load) sinks.push(engineSink(o.load === true ? 'docker' : o.load));
  return sinks;
}
