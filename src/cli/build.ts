import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { buildArtifact } from '../gobuild/pipeline.js';
import { resolveSettings, type BuildSettings } from '../gobuild/settings.js';
import { attachSboms, checkSinks, publishAll } from '../publish/publish.js';
import { archiveSink, engineSink, layoutSink, registrySink, tagsOf, type Sink } from '../publish/sinks.js';
import type { BlobProgress } from '../io/registry/upload.js';
import type { TransferProgress } from './ui/transfer.js';
import { formatPlatform } from '../oci/platform.js';
import { imageName } from '../io/names.js';
import { resolvePushReference } from '../oci/reference.js';
import { parseCpus } from '../runtime/size.js';
import { UsageError, errorMessage } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';
import type { Logger } from '../util/log.js';
import { progress } from './ui/progress.js';
import { collect, wholeNumber, positiveNumber, jobsOption, insecureRegistryOption, registryOptions } from './options.js';


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
    .description('Build a Go main package into a minimal, non-root FROM-scratch OCI image (no Docker daemon)')
    .argument('[path]', 'directory of a main package, or a package pattern such as ./cmd/server', undefined)
    .option('--platform <list>', 'comma-separated platforms, e.g. linux/amd64,linux/arm64, or all (every platform of --base) (default: this machine; env GOSCRATCH_PLATFORM)')
    .option('--base <image>', 'base image under goscratch\'s layers: scratch (default), a registry reference, oci:DIR[:NAME] or an archive')
    .option('-t, --tag <name>', 'image name and tag, e.g. hello:1.0 (repeatable; default <binary>:latest)', collect)
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
    .option('-w, --workdir <dir>', 'working directory (default /)')
    .option('-l, --label <KEY=VALUE>', 'image label (repeatable)', collect)
    .option('--annotation <KEY=VALUE>', 'manifest annotation (repeatable)', collect)
    .option('--ca-certs <source>', 'CA bundle: bundled (Node\'s Mozilla store), none, or a PEM file')
    .option('--ldflags <flags>', 'extra go build -ldflags, added after -s -w (repeatable)', collect)
    .option('--build-tags <list>', 'comma-separated Go build tags')
    .option('--load [engine]', 'load the image into a running docker (default) or podman, or the engine at unix:///path.sock')
    .option('--allow-exec', 'let goscratch.yaml make go run other programs (-toolexec, CC, GOFLAGS=-toolexec=...): only for a project you trust')
    .option('--push <ref>', 'push to a registry: host[:port]/repo[:tag]; a short name (app:v1) goes under $GOSCRATCH_REPO')
    .addOption(insecureRegistryOption())
    .option('-j, --jobs <n>', 'blobs uploaded at once when pushing (default 4)', jobsOption)
    .option('--cpus <n>', 'CPU limit the container runs under (0.5, 2 or 500m): bakes GOMAXPROCS=ceil(n)', cpusOption)
    .option('--memory <size>', 'memory limit the container runs under (512Mi, 1Gi, 512m): bakes GOMEMLIMIT')
    .option('--memory-ratio <r>', 'share of --memory given to GOMEMLIMIT (default 0.9)', positiveNumber('--memory-ratio', 1))
    .addOption(new Option('--sbom <format>', 'SBOM written next to each output and attached when pushing (default spdx)').choices(['spdx', 'cyclonedx', 'none'] as const))
    .addOption(new Option('--json', 'print the result as JSON'))
    .option('-q, --quiet', 'print only the digest')
    .action(async (path, o) => {
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      if (!o.ociLayout && !o.tarball && !o.push && !o.load) {
        throw new UsageError('nothing to write: give --oci-layout DIR, --tarball FILE, --push REF and/or --load');
      }
      const settings = await resolveSettings(path, {
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
      const transfer = o.push ? (await import('./ui/transfer.js')).createProgress() : undefined;
      const sinks = outputSinks(o, settings, transfer);
      for (const t of settings.tags) usage(() => imageName(t));
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
      const result = await buildArtifact(settings, { onStep: (s) => p.step(s), log: lines, registry: registryOptions(o) });
      for (const w of result.warnings) log.warn(w);
      for (const c of result.platforms[0]?.runtime ?? []) log.info(`${c.variable}: ${c.value ?? 'not set'} (${c.reason})`);
      const outputs = await publishAll(result, sinks, { onStep: (s) => p.step(s) }).finally(() => transfer?.stop());
      const pushed = outputs.filter((x) => x.type === 'registry').flatMap((x) => [x.path, ...(x.names ?? [])]);
      const sboms = await attachSboms(result, outputs, o.sbom ?? settings.sbom, registryOptions(o));
      p.done(`built ${result.tags.join(', ')} for ${result.platforms.map((x) => formatPlatform(x.platform)).join(', ')}`);
      const platforms = result.platforms.map((x) => ({
        platform: formatPlatform(x.platform),
        digest: x.image.digest,
        size: x.image.rawConfig.length + x.image.layers.reduce((n, l) => n + l.size, 0),
      }));
      if (o.json) {
        const runtime = result.platforms[0]?.runtime ?? [];
        process.stdout.write(JSON.stringify({ digest: result.artifact.digest, tags: result.tags, platforms, outputs, ...(o.push ? { pushed } : {}), ...(sboms.length ? { sboms } : {}), ...(runtime.length ? { runtime } : {}), warnings: result.warnings }, null, 2) + '\n');
      } else {
        process.stdout.write((pushed[0] ?? result.artifact.digest) + '\n');
      }
    });
}

type OutputFlags = { ociLayout?: string; tarball?: string; push?: string; load?: string | boolean; jobs?: number; insecureRegistry: string[] };

/** The sinks the output flags ask for, files first; the push target is resolved under GOSCRATCH_REPO or the config's repo. */
function outputSinks(o: OutputFlags, settings: Pick<BuildSettings, 'repo' | 'tags'>, transfer: TransferProgress | undefined): Sink[] {
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
      tags: [...new Set([...(explicitTag && target.tag ? [target.tag] : []), ...tagsOf(settings.tags)])],
      registry: registryOptions(o),
      ...(o.jobs ? { jobs: o.jobs } : {}),
      ...(transfer ? { onProgress: (x: BlobProgress) => transfer.push(x) } : {}),
    }));
  }
  if (o.load) sinks.push(engineSink(o.load === true ? 'docker' : o.load));
  return sinks;
}
