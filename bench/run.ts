/**
 * `npm run bench`: every suite in turn, each in its own process (or those named as
 * arguments, by prefix: `npm run bench -- startup registry`). Whole-process suites
 * first, then the in-process and context ones. GOSCRATCH_BENCH_RUNS sets the number
 * of timed runs of every suite. A target not met is reported, not a failure; a suite
 * that crashes is.
 */
import { spawnSync } from 'node:child_process';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { tool } from './lib/commands.js';

const SUITES = ['startup', 'build', 'registry', 'lint', 'assembly', 'inspect', 'gomaxprocs'];
const dir = fileURLToPath(new URL('.', import.meta.url));
const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !SUITES.some((s) => s.startsWith(w)));
if (unknown.length) {
  console.error(`unknown suite ${unknown.join(', ')}; suites: ${SUITES.join(', ')}`);
  process.exit(2);
}

const go = tool('go');
const goVersion = go ? spawnSync(go, ['version'], { encoding: 'utf8' }).stdout.trim() : 'go not found';
console.log(`goscratch bench, ${new Date().toISOString()}`);
console.log(`${cpus().length} x ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, load average ${loadavg()[0]!.toFixed(1)}, Node ${process.version}, ${goVersion}`);
console.log(`runs per row: ${process.env.GOSCRATCH_BENCH_RUNS ?? "each suite's default"} (GOSCRATCH_BENCH_RUNS)`);

let failed = 0;
for (const s of SUITES.filter((s) => wanted.length === 0 || wanted.some((w) => s.startsWith(w)))) {
  console.log(`\n=== bench/${s}.ts`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}/${s}.ts`], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.log(`bench/${s}.ts failed (exit ${r.status ?? r.signal})`);
    failed++;
  }
}
process.exit(failed ? 1 : 0);
