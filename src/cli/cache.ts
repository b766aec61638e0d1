/**
 * `goscratch cache info|prune`: where goscratch keeps compiled binaries, layers and
 * `go list` answers between runs, how much it holds against its bound, and removing entries (least
 * recently used first, or all of them).
 */
import { Command, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { parseMemory } from '../runtime/size.js';
import { Cache } from '../util/cache.js';
import { UsageError } from '../util/errors.js';

const MiB = 2 ** 20;
const human = (n: number): string => (n >= 2 ** 30 ? `${(n / 2 ** 30).toFixed(1)} GiB` : `${(n / MiB).toFixed(1)} MiB`);

export function cacheCommand(): CommandUnknownOpts {
  // exitOverride before the subcommands are made, so they inherit it: a bad flag exits 2 like every command's.
  const cmd = new Command('cache').exitOverride().description('Show or prune goscratch\'s cache of compiled binaries, layers and package lists ($GOSCRATCH_CACHE, bound $GOSCRATCH_CACHE_MAX)');
  cmd
    .command('info')
    .description('Where the cache is, what it holds and its size bound')
    .option('--json', 'print the result as JSON')
    .action(async (o) => {
      const info = await Cache.fromEnv().info();
      if (o.json) return void process.stdout.write(JSON.stringify(info, null, 2) + '\n');
      process.stdout.write(
        `location: ${info.location}\nsize: ${human(info.bytes)} of ${human(info.maxBytes)} (${info.entries} entries)\n` +
          `binaries: ${info.kinds.bin.entries} (${human(info.kinds.bin.bytes)})\nlayers: ${info.kinds.layers.entries} (${human(info.kinds.layers.bytes)})\n` +
          `package lists: ${info.kinds.lists.entries} (${human(info.kinds.lists.bytes)})\n`,
      );
    });
  cmd
    .command('prune')
    .description('Remove least recently used entries until the cache fits its bound (or --max-size), or all with --all')
    .option('--all', 'remove every entry')
    .option('--max-size <size>', 'prune down to this size instead of the bound, e.g. 500Mi')
    .option('--json', 'print the result as JSON')
    .action(async (o) => {
      let maxBytes: number | undefined;
      if (o.maxSize !== undefined) {
        try {
          maxBytes = parseMemory(o.maxSize, 'flag');
        } catch (e) {
          throw new UsageError(`--max-size: ${(e as Error).message}`);
        }
      }
      const cache = Cache.fromEnv();
      const r = await cache.prune({ ...(o.all ? { all: true } : {}), ...(maxBytes !== undefined ? { maxBytes } : {}) });
      if (o.json) return void process.stdout.write(JSON.stringify({ location: cache.root, ...r }, null, 2) + '\n');
      process.stdout.write(`removed ${r.removed} entries (${human(r.freedBytes)}); ${r.entries} left (${human(r.bytes)})${r.busy ? `; ${r.busy} in use by a running build, kept` : ''}\n`);
    });
  return cmd;
}
