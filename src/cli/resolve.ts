import { Command, Option } from '@commander-js/extra-typings';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ResolveResult } from '../k8s/resolve.js';
import type { ManifestFile } from '../k8s/manifest.js';
import { UsageError } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';
import { collect, positiveNumber, jobsOption, insecureRegistryOption, registryOptions } from './options.js';

const MANIFEST = /\.(ya?ml|json)$/;

/** The options `resolve` and `apply` share; `action` gets the resolved YAML. */
export function resolvingCommand(name: string, description: string) {
  return new Command(name)
    .description(description)
    .requiredOption('-f, --filename <path>', 'manifest file, directory of .yaml/.yml/.json files, or - for stdin (repeatable)', collect)
    .option('-R, --recursive', 'also read subdirectories of a -f directory')
    .option('--push-to <repo>', 'repository to push images to, e.g. registry.example.com/team (default $GOSCRATCH_REPO)')
    .option('--platform <list>', 'comma-separated platforms to build, e.g. linux/amd64,linux/arm64')
    .option('--no-runtime-env', 'do not add GOMAXPROCS / GOMEMLIMIT to containers with limits')
    .option('--memory-ratio <ratio>', 'share of the memory limit for GOMEMLIMIT (default 0.9)', positiveNumber('--memory-ratio', 1))
    .option('-j, --jobs <n>', 'packages built at once (default 2)', jobsOption)
    .option('--allow-exec', 'let goscratch.yaml make go run other programs (-toolexec, CC, GOFLAGS=-toolexec=...): only for projects you trust')
    .addOption(insecureRegistryOption())
    .addOption(new Option('--json', 'print the result as JSON'))
    .option('-q, --quiet', 'print nothing but the result and errors');
}

export type ResolvingOptions = ReturnType<ReturnType<typeof resolvingCommand>['opts']>;

export async function runResolve(o: ResolvingOptions): Promise<{ result: ResolveResult; yaml: string }> {
  configureLog({ quiet: Boolean(o.quiet || o.json) });
  // The manifest resolver and the build pipeline behind it (yaml, zod, the registry
  // client) load when the command runs, not for its --help.
  const [{ buildAndPush }, { joinDocuments, resolveManifests }] = await Promise.all([import('../k8s/publish.js'), import('../k8s/resolve.js')]);
  const inputs: ManifestFile[] = [];
  for (const f of o.filename) {
    const found = await readInputs(f, Boolean(o.recursive));
    if (found.length === 0) throw new UsageError(`-f ${f}: no .yaml, .yml or .json files there${o.recursive ? '' : ' (add -R for subdirectories)'}`);
    inputs.push(...found);
  }
  const resolveImage = buildAndPush({
    ...(o.pushTo ? { repo: o.pushTo } : {}),
    ...(o.platform ? { platform: o.platform } : {}),
    registry: registryOptions(o),
    ...(o.allowExec ? { allowExec: true } : {}),
    onStep: (s) => log.info(s),
  });
  const result = await resolveManifests(inputs, {
    resolveImage,
    runtimeEnv: o.runtimeEnv,
    ...(o.memoryRatio ? { memoryRatio: o.memoryRatio } : {}),
    ...(o.jobs ? { jobs: o.jobs } : {}),
  });
  for (const i of result.images) log.info(`goscratch://${i.package} -> ${i.ref}`);
  for (const e of result.envAdded) log.info(`${e.where}: container ${e.container}: added ${e.names.join(', ')}`);
  return { result, yaml: joinDocuments(result.files.map((f) => f.text)) };
}

export function resolveCommand() {
  return resolvingCommand('resolve', 'Build and push every goscratch://<package> image in Kubernetes manifests, and print them with digests and runtime env').action(async (o) => {
    const { result, yaml } = await runResolve(o);
    process.stdout.write(o.json ? JSON.stringify({ images: result.images, envAdded: result.envAdded, yaml }, null, 2) + '\n' : yaml);
  });
}

async function readInputs(path: string, recursive: boolean): Promise<ManifestFile[]> {
  const [{ MANIFEST_LIMIT }, { readBoundedStream }] = await Promise.all([import('../k8s/manifest.js'), import('../config/read.js')]);
  if (path === '-') return [{ name: '-', text: (await readBoundedStream(process.stdin, MANIFEST_LIMIT, 'standard input')).toString('utf8') }];
  const st = await stat(path).catch(() => {
    throw new UsageError(`-f ${path}: no such file or directory`);
  });
  if (!st.isDirectory()) return [await readManifest(path)];
  const out: ManifestFile[] = [];
  for (const e of (await readdir(path, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const p = join(path, e.name);
    if (e.isDirectory() && recursive) out.push(...(await readInputs(p, true)));
    else if (e.isFile() && MANIFEST.test(e.name)) out.push(await readManifest(p));
  }
  return out;
}

/** One manifest file: a regular file of at most MANIFEST_LIMIT bytes. */
async function readManifest(path: string): Promise<ManifestFile> {
  const [{ MANIFEST_LIMIT }, { readBounded }] = await Promise.all([import('../k8s/manifest.js'), import('../util/fs.js')]);
  return { name: path, text: (await readBounded(path, MANIFEST_LIMIT, `manifest ${path}`, { as: UsageError })).toString('utf8') };
}
