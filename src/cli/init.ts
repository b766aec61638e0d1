import { Command } from '@commander-js/extra-typings';
import { relative, resolve } from 'node:path';
import { initProject } from '../init/init.js';
import { formatPlatform, parsePlatform } from '../oci/platform.js';
import { UsageError } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';

export function initCommand(): Command<[string | undefined]> {
  return new Command('init')
    .description('Write a Dockerfile, .dockerignore, Makefile and goscratch.yaml for a Go module')
    .argument('[dir]', 'the module root (where go.mod is)', '.')
    .option('--package <path>', 'main package to build, e.g. ./cmd/api (needed when the module has several)')
    .option('--builder-image <image>', 'default of the Dockerfile\'s BUILDER_IMAGE (default golang:<go.mod version>-alpine)')
    .option('--port <port>', 'port to EXPOSE (default: a ":PORT" literal found in the main package)')
    .option('--platform <list>', 'platforms for the Makefile and goscratch.yaml (default linux/amd64,linux/arm64)')
    .option('-f, --force', 'overwrite existing files')
    .option('--json', 'print what was written as JSON')
    .option('-q, --quiet', 'print nothing but errors')
    .action(async (dir, o) => {
      configureLog({ quiet: Boolean(o.quiet || o.json) });
      const port = o.port === undefined ? undefined : Number(o.port);
      if (port !== undefined && !(Number.isInteger(port) && port >= 1 && port <= 65535)) {
        throw new UsageError(`--port ${JSON.stringify(o.port)}: use a port number from 1 to 65535`);
      }
      const root = resolve(dir ?? '.');
      const { plan, files } = await initProject(root, {
        ...(o.package ? { package: o.package } : {}),
        ...(o.builderImage ? { builderImage: o.builderImage } : {}),
        ...(port !== undefined ? { port } : {}),
        ...(o.platform ? { platforms: platforms(o.platform) } : {}),
        force: Boolean(o.force),
      });
      if (o.json) {
        process.stdout.write(JSON.stringify({ ...plan, files }, null, 2) + '\n');
        return;
      }
      log.info(`${plan.module}: package ${plan.package}, Go ${plan.goVersion}, builder ${plan.builderImage}${plan.port ? `, port ${plan.port}` : ''}`);
      for (const f of files) log.info(`wrote ${relative(process.cwd(), f) || f}`);
    });
}

function platforms(list: string): string[] {
  try {
    return list.split(',').filter(Boolean).map((p) => formatPlatform(parsePlatform(p)));
  } catch (e) {
    throw new UsageError(`--platform: ${(e as Error).message}`);
  }
}
