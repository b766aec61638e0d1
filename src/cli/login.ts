import { Command, Option, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { text } from 'node:stream/consumers';
import { checkLogin, registryHost, storeCredentials } from '../io/registry/index.js';
import { UsageError } from '../util/errors.js';
import { configureLog, log } from './ui/log.js';
import { insecureRegistryOption, registryOptions } from './options.js';


export function loginCommand(): CommandUnknownOpts {
  return new Command('login')
    .description('Check credentials against a registry and store them where docker does ($DOCKER_CONFIG/config.json or its credsStore)')
    .argument('[host]', 'registry host[:port] (default docker.io)')
    .requiredOption('-u, --username <user>', 'user name')
    .option('--password-stdin', 'read the password (or token) from stdin')
    .addOption(insecureRegistryOption())
    .addOption(new Option('--json', 'print the result as JSON'))
    .action(async (host, o) => {
      configureLog({ quiet: Boolean(o.json) });
      if (!o.passwordStdin) {
        throw new UsageError('give the password on stdin with --password-stdin (e.g. `echo "$TOKEN" | goscratch login HOST -u USER --password-stdin`), so it stays out of the shell history');
      }
      const registry = registryHost(host);
      const password = (await text(process.stdin)).replace(/\r?\n$/, '');
      if (!password) throw new UsageError('no password on stdin');
      await checkLogin(registry, { username: o.username, password }, registryOptions(o));
      const storedIn = await storeCredentials(registry, o.username, password);
      log.info(`logged in to ${registry} as ${o.username}; credentials stored in ${storedIn}`);
      if (o.json) process.stdout.write(JSON.stringify({ registry, username: o.username, storedIn }, null, 2) + '\n');
    });
}
