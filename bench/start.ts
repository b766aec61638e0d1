/**
 * Process start: `goscratch --version`, `lint --help` and `build --help` as whole
 * processes against `node -e 0`, the floor any Node CLI stands on. Runs are
 * interleaved (one of each command per round) so a busy machine slows every command
 * alike; medians are printed, with the ratio to `node -e 0`.
 *
 *   node --import tsx bench/start.ts [--runs 20] [--node /path/to/node] [--cli dist/cli.js] [--before other/dist/cli.js]
 *
 * `--before` adds the same commands for another build (e.g. a copy of an earlier
 * dist/), measured in the same rounds.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, ms, printTable } from './stats.js';

const root = fileURLToPath(new URL('..', import.meta.url));

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const runs = Number(arg('--runs') ?? 20);
const node = arg('--node') ?? process.execPath;
const cli = arg('--cli') ?? join(root, 'dist/cli.js');
const before = arg('--before');
if (!existsSync(cli)) throw new Error(`${cli} does not exist; run npm run build first`);

const commands: Array<[string, string[]]> = [['node -e 0', ['-e', '0']]];
for (const [label, file] of [['', cli], ['before: ', before]] as const) {
  if (!file) continue;
  for (const args of [['--version'], ['lint', '--help'], ['build', '--help']]) commands.push([`${label}goscratch ${args.join(' ')}`, [file, ...args]]);
}

const times = commands.map(() => [] as number[]);
// One untimed round first: the page cache, and Node's compile cache where it has one.
for (const [, args] of commands) spawnSync(node, args, { cwd: root, stdio: 'ignore' });
for (let r = 0; r < runs; r++) {
  commands.forEach(([label, args], i) => {
    const t = performance.now();
    const res = spawnSync(node, args, { cwd: root, stdio: 'ignore' });
    times[i]!.push(performance.now() - t);
    if (res.status !== 0) throw new Error(`${label} exited ${res.status}`);
  });
}

const floor = median(times[0]!);
const version = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
printTable(`whole-process start, median of ${runs} interleaved runs, node ${version}`, commands.map(([label], i) => {
  const m = median(times[i]!);
  return [label, ms(m), i === 0 ? '' : `${(m / floor).toFixed(2)}x node -e 0, +${ms(m - floor)}`];
}));
