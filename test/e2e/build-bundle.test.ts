/**
 * `--bundle`: a toolkit that ships several tools in one image (the cfssl case: a
 * module of small CLIs under cmd/), one of them the entrypoint. Under runc the image
 * runs its entrypoint, and any other binary when the process arguments name it (what
 * `docker run --entrypoint` does).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { layoutImages, readImageFile } from '../helpers/oci.js';
import { runImage, type RuncOptions } from '../helpers/runc.js';

const TOOLS = ['pki', 'pki-bundle', 'mkbundle', 'pki-certinfo'];

const tool = (name: string) => `package main

import (
	"fmt"
	"os"
	"strings"

	"example.com/pki/internal/cli"
)

func main() { fmt.Println(cli.Banner("${name}"), strings.Join(os.Args[1:], " ")) }
`;

/** Runs the image under runc until its process exits; returns what it printed. */
async function runToEnd(layout: string, tag: string, opts: RuncOptions = {}): Promise<string> {
  const c = await runImage(layout, tag, opts);
  try {
    const deadline = Date.now() + 30_000;
    while (!c.exited()) {
      if (Date.now() > deadline) throw new Error('the process did not exit within 30 s');
      await sleep(50);
    }
    return await c.stdout();
  } finally {
    await c.stop();
  }
}

describe('goscratch build ./cmd/... --bundle pki: every tool in one image', needTools('go'), () => {
  let dir = '';
  let layout = '';
  let result: { digest: string; images: { name: string; binaries: { path: string; package: string }[] }[] };

  before(async () => {
    dir = await makeTempDir('e2e-bundle');
    const files: Record<string, string> = { 'internal/cli/cli.go': 'package cli\n\nfunc Banner(name string) string { return "[" + name + "]" }\n' };
    for (const t of TOOLS) files[`cmd/${t}/main.go`] = tool(t);
    const mod = await writeModule(join(dir, 'pki'), files, 'example.com/pki');
    layout = join(dir, 'layout');
    const r = await goscratch(['build', './cmd/...', '--bundle', 'pki', '--oci-layout', layout, '-t', 'pki:1.6', '--json'], { cwd: mod });
    assert.equal(r.code, 0, r.stderr);
    result = JSON.parse(r.stdout);
  });
  after(() => removeTree(dir));

  it('is one image named after its entrypoint, holding every binary, the entrypoint first', async () => {
    assert.deepEqual(result.images.map((i) => i.name), ['pki']);
    assert.deepEqual(result.images[0]!.binaries.map((b) => b.path), ['/usr/local/bin/pki', '/usr/local/bin/mkbundle', '/usr/local/bin/pki-bundle', '/usr/local/bin/pki-certinfo']);
    const [image] = await layoutImages(layout);
    assert.equal(image?.digest, result.digest);
    assert.deepEqual(image?.config.config.Entrypoint, ['/usr/local/bin/pki']);
    for (const b of result.images[0]!.binaries) assert.ok((await readImageFile(layout, image!.manifest, b.path))?.length, b.path);
    assert.equal(image?.manifest.layers.length, 2, 'base files, then one layer of binaries');
  });

  it('runs its entrypoint under runc, and another binary when the arguments name it', async (t) => {
    if (!requireTool(t, 'umoci', 'runc')) return;
    assert.equal(await runToEnd(layout, '1.6'), '[pki] \n');
    assert.equal(await runToEnd(layout, '1.6', { args: ['/usr/local/bin/mkbundle', '-f', 'certs.pem'] }), '[mkbundle] -f certs.pem\n');
    assert.equal(await runToEnd(layout, '1.6', { args: ['pki-certinfo', 'x'] }), '[pki-certinfo] x\n', 'found on PATH (/usr/local/bin)');
  });
});
