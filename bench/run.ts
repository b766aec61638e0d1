/** `npm run bench`: runs every benchmark in bench/ in turn (or those named as arguments). */
import { readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const skip = new Set(['run.ts', 'stats.ts']);
const wanted = process.argv.slice(2);
const files = readdirSync(dir).filter((f) => f.endsWith('.ts') && !skip.has(f) && (wanted.length === 0 || wanted.some((w) => f.startsWith(w))));
let failed = 0;
for (const f of files.sort()) {
  console.log(`\n=== bench/${f}`);
  const r = spawnSync(process.execPath, ['--import', 'tsx', `${dir}/${f}`], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exit(failed ? 1 : 0);
