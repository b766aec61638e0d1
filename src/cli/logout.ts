import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { eraseCredentials, registryHost } from '../io/registry/index.js';
import { configureLog, log } from './ui/log.js';

export function logoutCommand(): CommandUnknownOpts {
  return new Command('logout')
    .description('Remove stored credentials for a registry')
    .argument('[host]', 'registry host[:port] (default docker.io)')
    .addOption(new Option('--json', 'print the result as JSON'))
    .action(async (host, o) => {
      configureLog({ quiet: Boolean(o.json) });
      const registry = registryHost(host);
      const removed = await eraseCredentials(registry);
      log.info(removed ? `removed the credentials for ${registry}` : `not logged in to ${registry}`);
      if (o.json) process.stdout.write(JSON.stringify({ registry, removed }, null, 2) + '\n');
    });
}
