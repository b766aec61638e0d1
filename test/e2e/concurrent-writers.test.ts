// Concurrent writers sharing one OCI layout or one goscratch cache, as separate
// processes: no image may be lost from index.json (writers and `goscratch pull`),
// creating one new layout together must not fail, and builds differing only in the
// environment Go reads must each get their own binary.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { exec, execOk, start } from '../helpers/exec.js';
import { layoutImages, layoutIndex, readImageFile } from '../helpers/oci.js';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { initLayout } from '../../src/io/layout.js';
import { pushArtifact } from '../../src/io/registry/index.js';
import { startRegistry } from '../helpers/registry.js';
import { testImage as registryImage } from '../registry/fixtures.js';

const WRITER = fileURLToPath(new URL('../io/fixtures/write-layout.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const WRITERS = 4;
const TRIALS = 20;

describe('concurrent writers', () => {
  let dir: string;
  before(async () => {
    dir = await makeTempDir('concurrent');
  });
  after(async () => {
    if (dir) await removeTree(dir);
  });

  test(`${WRITERS} processes writing into one layout lose no image (${TRIALS} trials, new and existing layouts)`, async () => {
    const losses: string[] = [];
    const failures: string[] = [];
    for (let trial = 0; trial < TRIALS; trial++) {
      const parent = join(dir, `trial-${trial}`);
      await execOk('mkdir', ['-p', parent]);
      const layout = join(parent, 'layout');
      // Even trials race to create the layout; odd ones add to an existing one.
      if (trial % 2 === 1) await initLayout(layout);
      const tags = Array.from({ length: WRITERS }, (_, i) => `t${trial}-${i}`);
      const runs = tags.map((tag) => start(process.execPath, ['--import', TSX, WRITER, layout, tag], { timeoutMs: 60_000 }).done);
      const results = await Promise.all(runs);
      results.forEach((r, i) => {
        if (r.code !== 0) failures.push(`trial ${trial} writer ${i}: ${r.stderr.split('\n').find((l) => /Error|error/.test(l)) ?? r.stderr.slice(0, 200)}`);
      });
      const names = await layoutIndex(layout).then((ds) => ds.map((d) => d.annotations?.['org.opencontainers.image.ref.name']), () => [] as unknown[]);
      // An image is lost when its writer said it succeeded but index.json does not name it.
      const lost = tags.filter((t, i) => results[i]!.code === 0 && !names.includes(t));
      if (lost.length) losses.push(`trial ${trial}: lost ${lost.join(', ')}`);
      else if (results.every((r) => r.code === 0)) {
        assert.equal((await layoutImages(layout)).length, WRITERS);
        assert.deepEqual(await readdir(parent), ['layout'], `trial ${trial}: no temporary directory left`);
        assert.deepEqual((await readdir(layout)).sort(), ['blobs', 'index.json', 'oci-layout'], `trial ${trial}: no lock or temp file left in the layout`);
      }
    }
    assert.deepEqual({ failures, losses }, { failures: [], losses: [] }, `no writer fails and 0 images are lost in ${TRIALS} trials`);
  });

  test('pulls of different images into one new layout all land (5 trials of 4 pulls)', needTools('docker-registry'), async (t) => {
    const reg = await startRegistry();
    t.after(() => reg.stop());
    const refs: string[] = [];
    for (let i = 0; i < WRITERS; i++) {
      const ref = `${reg.host}/pulls/app:v${i}`;
      await pushArtifact(ref, await registryImage({ layerSizes: [1024] }));
      refs.push(ref);
    }
    const problems: string[] = [];
    for (let trial = 0; trial < 5; trial++) {
      const layout = join(dir, `pulls-${trial}`, 'layout');
      await execOk('mkdir', ['-p', join(dir, `pulls-${trial}`)]);
      const results = await Promise.all(refs.map((ref) => goscratch(['pull', ref, layout, '-q'], { timeoutMs: 120_000 })));
      results.forEach((r, i) => {
        if (r.code !== 0) problems.push(`trial ${trial} pull ${i}: ${r.stderr.trim()}`);
      });
      const names = (await layoutIndex(layout)).map((d) => d.annotations?.['org.opencontainers.image.ref.name']);
      for (let i = 0; i < WRITERS; i++) if (results[i]!.code === 0 && !names.includes(`v${i}`)) problems.push(`trial ${trial}: lost v${i}`);
    }
    assert.deepEqual(problems, []);
  });

  test('builds sharing a cache but differing only in GOFLAGS=-tags=red each get their own binary (10 trials)', needTools('go'), async () => {
    const src = await writeModule(join(dir, 'colors'), {
      'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println(color()) }\n',
      'red.go': '//go:build red\n\npackage main\n\nfunc color() string { return "red" }\n',
      'blue.go': '//go:build !red\n\npackage main\n\nfunc color() string { return "blue" }\n',
    }, 'example.com/colors');
    const cache = join(dir, 'shared-cache');
    const wrong: string[] = [];
    for (let trial = 0; trial < 10; trial++) {
      const out = (c: string): string => join(dir, `colors-${trial}-${c}`);
      const build = (c: string, env: Record<string, string>): Promise<unknown> =>
        goscratch(['build', src, '--oci-layout', out(c), '--sbom', 'none', '-q'], { env: { GOSCRATCH_CACHE: cache, ...env }, timeoutMs: 180_000 }).then((r) => assert.equal(r.code, 0, r.stderr));
      await Promise.all([build('red', { GOFLAGS: '-tags=red' }), build('blue', { GOFLAGS: '' })]);
      for (const c of ['red', 'blue']) {
        const [img] = await layoutImages(out(c));
        const bin = await readImageFile(out(c), img!.manifest, '/usr/local/bin/colors');
        const file = join(dir, `bin-${trial}-${c}`);
        await writeFile(file, bin!);
        await chmod(file, 0o755);
        const said = (await exec(file, [])).stdout.trim();
        if (said !== c) wrong.push(`trial ${trial}: the ${c} build holds a binary that says ${said}`);
      }
    }
    assert.deepEqual(wrong, [], 'every image holds the binary built for it');
  });
});
