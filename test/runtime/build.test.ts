/**
 * `goscratch build --cpus/--memory` on examples/hello (Go 1.23, so neither variable is
 * handled by the runtime): the image env carries the tuned values and the result says why.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { layoutImages } from '../helpers/oci.js';
import { copyExample } from '../helpers/fixtures.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';

test('build --cpus 0.5 --memory 512Mi bakes GOMAXPROCS=1 and GOMEMLIMIT=460MiB, with reasons', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('runtime-build');
  t.after(() => removeTree(dir));
  const app = await copyExample('hello', join(dir, 'hello'));
  const layout = join(dir, 'layout');
  const r = await goscratch(['build', app, '--cpus', '0.5', '--memory', '512Mi', '--oci-layout', layout, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { runtime: Array<{ variable: string; value?: string; reason: string }> };
  assert.deepEqual(out.runtime.map((c) => [c.variable, c.value]), [['GOMAXPROCS', '1'], ['GOMEMLIMIT', '460MiB']]);
  assert.match(out.runtime[0]!.reason, /^go1\.\d+\.\d+ sets GOMAXPROCS to the host's CPU count/);
  const [img] = await layoutImages(layout);
  const env = img!.config.config?.Env ?? [];
  assert.ok(env.includes('GOMAXPROCS=1') && env.includes('GOMEMLIMIT=460MiB'), env.join(' '));

  const bad = await goscratch(['build', app, '--memory', '512M', '--oci-layout', join(dir, 'bad')]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /ambiguous.*512Mi/);
  await assert.rejects(readFile(join(dir, 'bad', 'index.json')));
});
