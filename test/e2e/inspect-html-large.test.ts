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
import { needTools } from '../helpers/tools.js';
import { buildGo, type GoProgram } from '../binary/gobuild.js';
import { testImage } from '../inspect/images.js';

const MODULES = ['github.com/acme/alpha', 'github.com/acme/beta', 'golang.org/x/gamma', 'gopkg.in/delta.v1'];
const PACKAGES = 27;
const FUNCS = 200;
const CASES = 40;

/**
 * A program the size of the distribution registry (45 MB unstripped): four dependency
 * modules of 27 packages, each with 200 distinct functions the main package calls
 * through tables (so none is dead code), plus net/http and encoding/json.
 */
function largeProgram(): GoProgram {
  const files: Record<string, string> = {};
  const imports: string[] = [];
  const calls: string[] = [];
  MODULES.forEach((mod, m) => {
    files[`m${m}/go.mod`] = `module ${mod}\n\ngo 1.23\n`;
    for (let p = 0; p < PACKAGES; p++) {
      const fns: string[] = [];
      for (let f = 0; f < FUNCS; f++) {
        const cases = Array.from({ length: CASES }, (_, c) => `\tcase ${c}:\n\t\tx = x*${c * 7 + f + 3} + ${p * 1000 + f * 31 + c}\n\t\tx ^= x >> ${(c % 13) + 1}\n`).join('');
        fns.push(`func F${f}(x int) int {\n\tswitch x % ${CASES} {\n${cases}\t}\n\treturn x\n}\n`);
      }
      const table = `var Table = []func(int) int{${Array.from({ length: FUNCS }, (_, f) => `F${f}`).join(', ')}}\n`;
      files[`m${m}/p${p}/p.go`] = `package p${p}\n\n${fns.join('\n')}\n${table}`;
      imports.push(`\tm${m}p${p} "${mod}/p${p}"`);
      calls.push(`\tfor _, f := range m${m}p${p}.Table {\n\t\tx = f(x)\n\t}`);
    }
  });
  files['go.mod'] = `module example.com/large\n\ngo 1.23\n\nrequire (\n${MODULES.map((m) => `\t${m} v1.0.0`).join('\n')}\n)\n\n${MODULES.map((m, i) => `replace ${m} => ./m${i}`).join('\n')}\n`;
  files['main.go'] = `package main\n\nimport (\n\t"encoding/json"\n\t"fmt"\n\t"net/http"\n\n${imports.join('\n')}\n)\n\nfunc main() {\n\tx := 1\n${calls.join('\n')}\n\tb, _ := json.Marshal(x)\n\tfmt.Println(string(b))\n\t_ = http.ListenAndServe("127.0.0.1:0", nil)\n}\n`;
  // Minutes on a busy 2-core machine with a cold build cache.
  return { files, timeoutMs: 30 * 60_000 };
}

describe('inspect --html on a 45 MB binary', needTools('go'), () => {
  let dir: string;
  let bin: string;

  before(async () => {
    dir = await makeTempDir('inspect-large');
    bin = await buildGo(largeProgram());
  }, { timeout: 30 * 60_000 });
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
    for (const m of MODULES) assert.equal(Object.keys(b.sizes[m] ?? {}).length, PACKAGES, m);
  });

  test('the same binary in an image', async (t) => {
    const layout = join(dir, 'layout');
    await writeLayout(layout, await testImage({ binary: bin }), { tags: ['v1'] });
    const { seconds, html, report } = await timedInspect(`oci:${layout}:v1`, 'image');
    t.diagnostic(`image with the binary: inspect --html took ${seconds.toFixed(2)} s, page ${html} bytes`);
    assert.ok(html < 5 * 2 ** 20);
    assert.ok(seconds < 60, `${seconds} s`);
    assert.ok(report.platforms[0]?.binary.sizes?.['gopkg.in/delta.v1']);
  });
});
