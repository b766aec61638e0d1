import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { writeLayout } from '../../src/io/layout.js';
import { packageList } from '../../src/binary/sizes.js';
import type { InspectReport } from '../../src/inspect/report.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, toolPath } from '../helpers/tools.js';
import { testImage } from '../inspect/images.js';

/**
 * A Go binary the size of the distribution registry's, written by someone else: the
 * containerd daemon Debian ships (about 46 MiB, cgo, stripped), which .ci/install puts
 * on the machine with docker.io. No compile, so the test costs only the inspect.
 */
describe('inspect --html on a 45 MB binary (Debian\'s containerd)', needTools('containerd'), () => {
  let dir: string;
  let bin: string;

  before(async () => {
    dir = await makeTempDir('inspect-large');
    bin = toolPath('containerd')!;
  });
  after(async () => {
    if (dir) await removeTree(dir);
  });

  async function timedInspect(src: string, name: string): Promise<{ seconds: number; html: number; report: InspectReport }> {
    const page = join(dir, `${name}.html`);
    const t0 = performance.now();
    const r = await goscratch(['inspect', '--json', '--html', page, src], { timeoutMs: 300_000 });
    const seconds = (performance.now() - t0) / 1000;
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    return { seconds, html: (await stat(page)).size, report: JSON.parse(r.stdout) as InspectReport };
  }

  test('the binary: every byte attributed, a page under 5 MB', async (t) => {
    const size = (await stat(bin)).size;
    assert.ok(size >= 45 * 2 ** 20, `the binary is ${size} bytes`);
    const { seconds, html, report } = await timedInspect(bin, 'binary');
    t.diagnostic(`${size} bytes binary: inspect --html took ${seconds.toFixed(2)} s (CLI from source through tsx), page ${html} bytes`);
    assert.ok(html < 5 * 2 ** 20, `page of ${html} bytes`);
    // A generous bound against a hang, not a benchmark.
    assert.ok(seconds < 60, `${seconds} s`);
    const b = report.platforms[0]?.binary;
    assert.ok(b?.sizes && b.unattributed);
    const packages = packageList(b.sizes);
    assert.equal(packages.reduce((n, p) => n + p.bytes, 0) + Object.values(b.unattributed).reduce((n, v) => n + v, 0), size);
    assert.ok(Object.keys(b.sizes).some((m) => m.startsWith('github.com/containerd/containerd')), Object.keys(b.sizes).join(', '));
    assert.ok(b.sizes.std?.runtime, 'runtime is attributed to std');
  });

  test('the same binary in an image', async (t) => {
    const layout = join(dir, 'layout');
    await writeLayout(layout, await testImage({ binary: bin }), { tags: ['v1'] });
    const { seconds, html, report } = await timedInspect(`oci:${layout}:v1`, 'image');
    t.diagnostic(`image with the binary: inspect --html took ${seconds.toFixed(2)} s, page ${html} bytes`);
    assert.ok(html < 5 * 2 ** 20);
    assert.ok(seconds < 60, `${seconds} s`);
    assert.ok(report.platforms[0]?.binary.sizes?.std?.runtime);
  });
});
