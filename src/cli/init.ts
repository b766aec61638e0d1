import { Command } from '@commander-js/extra-typings';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';

export function initCommand(): Command<[string | undefined]> {
  return new Command('init')
    .description('Write a Dockerfile, .dockerignore, goscratch.mk (and a Makefile when there is none) and goscratch.yaml for a Go module; existing files are left alone')
    .argument('[dir]', 'the module root (where go.mod is)', '.')
    .option('--main <path>', 'main package to build, e.g. ./cmd/api (default: goscratch.yaml\'s main, the module root, or the one named after the module)')
    .option('--package <path>', 'same as --main')
    .option('--builder-image <image>', 'default of the Dockerfile\'s BUILDER_IMAGE (default golang:<go.mod version>-alpine)')
    .option('--port <port>', 'port to EXPOSE (default: found in the main package: flag and env defaults, listen addresses, port constants)')
    .option('--platform <list>', 'platforms for goscratch.mk and goscratch.yaml (default linux/amd64,linux/arm64)')
    .option('-f, --force', 'replace an existing Dockerfile, .dockerignore, goscratch.mk and goscratch.yaml (never the project\'s Makefile)')
    .option('--json', 'print what was detected, written and kept as JSON')
    .option('-q, --quiet', 'print nothing but warnings and errors')
    .action(async (dir, o) => {
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
        throw new UsageError(`--port ${JSON.stringify(o.port)}: use a port number from 1 to 65535`);
      }
      if (o.main !== undefined && o.package !== undefined && o.main !== o.package) throw new UsageError('--main and --package name the same setting: give one');
      const main = o.main ?? o.package;
      const root = resolve(dir ?? '.');
      // The generator (and the config schema it checks against) loads when the command runs.
      const { initProject } = await import('../init/init.js');
      const r = await initProject(root, {
        ...(main !== undefined ? { main } : {}),
        ...(o.builderImage !== undefined ? { builderImage: o.builderImage } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(o.platform !== undefined ? { platforms: o.platform.split(',').filter(Boolean) } : {}),
        force: Boolean(o.force),
      });
      const { plan } = r;
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...plan, files: r.files, kept: r.kept, ...(r.include ? { include: r.include } : {}), ...(r.dockerfileLint ? { dockerfileLint: r.dockerfileLint } : {}), warnings: r.warnings }, null, 2) + '\n');
      } else {
        const port = plan.port === undefined ? 'no port found (--port sets one)' : `port ${plan.port} (${plan.portFrom})`;
        log.info(`${plan.module}: main package ${plan.package} (${plan.packageFrom}), Go ${plan.goVersion}, builder ${plan.builderImage}, ${port}${plan.vendor ? ', vendored modules' : ''}`);
        for (const f of r.files) log.info(`wrote ${shown(f)}`);
        for (const k of r.kept) log.info(`kept ${shown(join(root, k.file))}: ${k.note}`);
      }
      for (const w of r.warnings) log.warn(w);
    });
}

/** A path relative to the working directory when it is below it, else absolute. */
function shown(path: string): string {
  const rel = relative(process.cwd(), path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}
