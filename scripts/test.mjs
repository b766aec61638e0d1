// Runs every test file under test/ with node's test runner (TypeScript through tsx).
// Node 20's --test takes no globs, so the files are listed here. Extra arguments are
// passed through (e.g. `npm test -- --test-name-pattern=lint` or a file path).
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

function find(dir) {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) return find(p);
    return p.endsWith('.test.ts') ? [p] : [];
  }).sort();
}

const args = process.argv.slice(2);
const files = args.some((a) => a.endsWith('.ts')) ? [] : find('test');
// Tests get a cache of their own, never the user's ~/.cache/goscratch; removed after the run.
const cache = mkdtempSync(join(tmpdir(), 'goscratch-test-cache-'));
const env = { ...process.env, GOSCRATCH_CACHE: cache };
delete env.GOSCRATCH_CACHE_MAX;
// --test-force-exit: a file whose process lingers after its last test (a stray loader
// handle) must not hold the whole run; every test and hook has finished by then.
const r = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-force-exit', '--test-reporter=spec', ...args, ...files], { stdio: 'inherit', env });
rmSync(cache, { recursive: true, force: true });
process.exit(r.status ?? 1);
