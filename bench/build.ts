/**
 * `goscratch build DIR --tarball F` on examples/hello against `go build` of the same
 * package with the flags and environment goscratch passes (compileArgs/compileEnv of
 * src/golang/compile.ts, with goscratch's default tags), whole processes, interleaved:
 *   - warm: a prior identical run of each (goscratch's cache filled, go's output up to
 *     date), as when a developer rebuilds unchanged code, more than two seconds after
 *     the last edit. Target: at most 0.20 s more than go build.
 *   - fresh goscratch cache: an empty GOSCRATCH_CACHE for every run (Go's own build
 *     cache stays warm for both), against go build into a new output directory, so
 *     both link. No target; for context.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { compileArgs, compileEnv, type CompileOptions } from '../src/golang/compile.js';
import { hostPlatform } from '../src/oci/platform.js';
import { copyExample } from '../test/helpers/fixtures.js';
import { goscratch, skipReason, tool } from './lib/commands.js';
import { compared, differenceAtMost, printTable } from './lib/report.js';
import { interleave, runCount, type Contender } from './lib/timing.js';

const RUNS = runCount(7);
const missing = skipReason('go');
if (missing) {
  console.log(`goscratch build vs go build: ${missing}`);
  process.exit(0);
}
const work = mkdtempSync(join(tmpdir(), 'goscratch-bench-build-'));
try {
  const src = join(work, 'hello');
  await copyExample('hello', src);
  // goscratch's caches do not trust files changed within two seconds (as git's index):
  // a developer's rebuild comes later than that after the last edit, so the bench does too.
  await sleep(2_100);
  const go = tool('go')!;
  // goscratch's default tags (src/gobuild/settings.ts): examples/hello sets none.
  const opts: CompileOptions = { go, dir: src, packages: ['.'], platform: hostPlatform(), tags: ['timetzdata'] };
  const goEnv = compileEnv(opts);
  const goBuild = (out: () => string): Contender => ({ name: 'go build', argv: () => [go, ...compileArgs(opts, out(), goEnv)], cwd: src, env: goEnv });
  const gsBuild = (tarball: string, cache: () => string): Contender => ({ name: 'goscratch build', argv: goscratch('build', '.', '--tarball', tarball, '-q'), cwd: src, env: () => ({ GOSCRATCH_CACHE: cache() }) });

  const warmCache = join(work, 'cache');
  const warm = await interleave([gsBuild(join(work, 'warm.tar'), () => warmCache), goBuild(() => join(work, 'go-out'))], RUNS);

  let freshCache = '';
  let n = 0;
  const fresh = await interleave(
    [
      {
        ...gsBuild(join(work, 'fresh.tar'), () => freshCache),
        before: () => void (freshCache = mkdtempSync(join(work, 'fresh-cache-'))),
        after: () => rmSync(freshCache, { recursive: true, force: true }),
      },
      { ...goBuild(() => join(work, `go-new-${n}`)), after: () => rmSync(join(work, `go-new-${n++}`), { recursive: true, force: true }) },
    ],
    RUNS,
  );

  printTable(`goscratch build vs go build, examples/hello, whole processes (median of ${RUNS} interleaved runs, min - max)`, [
    { label: 'go build (same flags and env), warm', stats: warm.get('go build')! },
    { label: 'goscratch build --tarball, warm', stats: warm.get('goscratch build')!, verdict: differenceAtMost(warm.get('goscratch build')!, warm.get('go build')!, 'go build', 200) },
    { label: 'go build into a new output dir', stats: fresh.get('go build')! },
    { label: 'goscratch build --tarball, fresh GOSCRATCH_CACHE', stats: fresh.get('goscratch build')!, note: `${compared(fresh.get('goscratch build')!, fresh.get('go build')!, 'go build')} (no target)` },
  ]);
} finally {
  rmSync(work, { recursive: true, force: true });
}
