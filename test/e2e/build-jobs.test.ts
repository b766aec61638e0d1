/**
 * `build --jobs N`: at most N go builds at once (one per set of packages and platform),
 * as ko's --jobs. `go` is a script that logs when each `go build` starts and ends, and
 * waits a second first so that builds allowed to overlap do.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, toolPath } from '../helpers/tools.js';

describe('goscratch build --jobs', needTools('go'), () => {
  let dir = '';
  let src = '';
  let log = '';
  before(async () => {
    dir = await makeTempDir('e2e-jobs');
    src = await writeModule(join(dir, 'src'), { 'main.go': 'package main\n\nfunc main() {}\n' });
    log = join(dir, 'go.log');
    await writeFile(join(dir, 'go'), `#!/bin/sh
if [ "$1" = build ]; then
  echo start >> '${log}'; sleep 1; '${toolPath('go')}' "$@"; s=$?; echo end >> '${log}'; exit $s
fi
exec '${toolPath('go')}' "$@"
`);
    await chmod(join(dir, 'go'), 0o755);
  });
  after(() => removeTree(dir));

  async function builds(jobs: string[]): Promise<string[]> {
    await rm(log, { force: true });
    // A cache of its own each time, so that both platforms really compile.
    const cache = await makeTempDir('e2e-jobs-cache');
    try {
      const r = await goscratch(['build', '.', '--platform', 'linux/amd64,linux/arm64', '--tarball', join(dir, 'out.tar'), '--sbom', 'none', ...jobs], { cwd: src, env: { GOSCRATCH_GO: join(dir, 'go'), GOSCRATCH_CACHE: cache } });
      assert.equal(r.code, 0, r.stderr);
      return (await readFile(log, 'utf8')).trim().split('\n');
    } finally {
      await removeTree(cache);
    }
  }

  it('--jobs 1 runs the two platforms\' go builds one after the other; the default overlaps them', async () => {
    assert.deepEqual(await builds(['--jobs', '1']), ['start', 'end', 'start', 'end']);
    if (availableParallelism() >= 2) assert.deepEqual(await builds([]), ['start', 'start', 'end', 'end']);
  });

  it('--jobs 0 is a usage error', async () => {
    const r = await goscratch(['build', '.', '--jobs', '0', '--tarball', join(dir, 'x.tar')], { cwd: src });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /--jobs/);
  });
});
