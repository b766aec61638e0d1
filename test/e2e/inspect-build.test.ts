/**
 * goscratch's own default image passes its own gate: `goscratch build examples/hello`
 * with no flags, then `goscratch inspect --failure-threshold warning` of the result
 * exits 0 (GOMAXPROCS advice without a declared CPU limit is info).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import type { InspectReport } from '../../src/inspect/report.js';

describe('goscratch build examples/hello, then inspect at the warning threshold', needTools('go'), () => {
  let dir = '';
  let layout = '';

  before(async () => {
    dir = await makeTempDir('e2e-inspect-build');
    layout = join(dir, 'layout');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--oci-layout', layout]);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}`);
  });
  after(() => removeTree(dir));

  it('exits 0 at --failure-threshold warning; only info findings remain', async () => {
    const r = await goscratch(['inspect', '--failure-threshold', 'warning', '--json', layout]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const rep = JSON.parse(r.stdout) as InspectReport;
    assert.equal(rep.kind, 'image');
    assert.deepEqual(rep.findings.filter((f) => f.severity !== 'info').map((f) => `${f.rule}: ${f.message}`), []);
    assert.equal(rep.platforms[0]?.binary.elf?.static, true);
  });

  it('the text report exits 0 too', async () => {
    const r = await goscratch(['inspect', '-t', 'warning', '--no-color', layout]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    // Nothing on stderr: no warning from Node about a file left open (a layer read only in part).
    assert.equal(r.stderr, '');
  });
});
