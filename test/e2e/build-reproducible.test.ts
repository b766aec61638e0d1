/**
 * Reproducibility: the same source built from two directories, with different file
 * times, at different moments, gives one digest and byte-identical outputs.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir, utimes } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { goscratch } from '../helpers/run.js';
import { copyExample } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';

const sha256 = async (file: string): Promise<string> => createHash('sha256').update(await readFile(file)).digest('hex');

/** Gives every file in `dir` the modification time `when`. */
async function touchAll(dir: string, when: Date): Promise<void> {
  for (const name of await readdir(dir)) await utimes(join(dir, name), when, when);
}

describe('goscratch build is reproducible', needTools('go'), () => {
  let dir = '';
  before(async () => {
    dir = await makeTempDir('e2e-repro');
  });
  after(() => removeTree(dir));

  it('two copies of examples/hello, built at different times, give one digest and identical files', async () => {
    const a = await copyExample('hello', join(dir, 'first copy'));
    const b = await copyExample('hello', join(dir, 'b/nested/second'));
    await touchAll(a, new Date('2001-02-03T04:05:06Z'));
    await touchAll(b, new Date());
    // No SOURCE_DATE_EPOCH and no git: times must come from the fixed default, not the
    // clock. Each build has its own empty cache, so both compile and compress afresh.
    const build = (src: string, out: string) =>
      goscratch(['build', src, '--tarball', join(dir, `${out}.tar`), '--oci-layout', join(dir, `${out}-layout`), '--tag', 'hello:repro'], {
        env: { SOURCE_DATE_EPOCH: undefined, GOSCRATCH_CACHE: join(dir, `cache-${out}`) },
        cwd: dir,
      });

    const first = await build(a, 'a');
    assert.equal(first.code, 0, first.stderr);
    await sleep(1_100); // a different second on the clock
    const second = await build(b, 'b');
    assert.equal(second.code, 0, second.stderr);

    const digest = first.stdout.trim();
    assert.match(digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(second.stdout.trim(), digest);
    assert.equal(await sha256(join(dir, 'b.tar')), await sha256(join(dir, 'a.tar')), 'tarballs are byte-identical');
    assert.equal(
      await readFile(join(dir, 'b-layout/index.json'), 'utf8'),
      await readFile(join(dir, 'a-layout/index.json'), 'utf8'),
    );
  });
});
