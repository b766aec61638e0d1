/**
 * Builds that must fail, clearly and without leaving output behind: a cgo binary, a
 * compile error, bad config keys, a build interrupted by SIGINT or SIGTERM, and data
 * (package paths, goscratch.yaml, manifests, CA bundles) that would run a program or
 * exhaust memory.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readdir, truncate, writeFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { goscratch, startGoscratch } from '../helpers/run.js';
import { copyExample, writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { markerScript } from '../helpers/marker.js';
import { needTools, requireTool } from '../helpers/tools.js';
import type { Running } from '../helpers/exec.js';

const INTERRUPTED = 130;

describe('goscratch build refuses and stops cleanly', needTools('go'), () => {
  let dir = '';
  before(async () => {
    dir = await makeTempDir('e2e-errors');
  });
  after(() => removeTree(dir));

  /** A fresh, empty output directory. */
  async function outDir(name: string): Promise<string> {
    const d = join(dir, name, 'out');
    await mkdir(d, { recursive: true });
    return d;
  }

  it('refuses a cgo binary (CGO_ENABLED=1 from goscratch.yaml) with a message naming cgo', async (t) => {
    if (!requireTool(t, 'gcc')) return;
    const src = await writeModule(join(dir, 'cgo'), {
      'main.go': 'package main\n\nimport (\n\t"fmt"\n\t"net"\n)\n\nfunc main() {\n\tfmt.Println(net.LookupHost("localhost"))\n}\n',
      'goscratch.yaml': 'build:\n  env: ["CGO_ENABLED=1"]\n',
    });
    const out = await outDir('cgo');
    const r = await goscratch(['build', src, '--tarball', join(out, 'app.tar'), '--oci-layout', join(out, 'layout')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cgo/i);
    assert.match(r.stderr, /CGO_ENABLED/);
    assert.equal(r.stdout, '');
    assert.deepEqual(await readdir(out), []);
  });

  it("shows Go's compiler error for a broken file", async () => {
    const src = await writeModule(join(dir, 'broken'), {
      'main.go': 'package main\n\nfunc main() {\n\tundefinedThing()\n}\n',
    });
    const out = await outDir('broken');
    const r = await goscratch(['build', src, '--tarball', join(out, 'app.tar')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /main\.go:4:\d+: undefined: undefinedThing/);
    assert.equal(r.stdout, '');
    assert.deepEqual(await readdir(out), []);
  });

  it('names each bad config key with its line', async () => {
    const src = await copyExample('hello', join(dir, 'badconfig'));
    await writeModule(src, {
      'goscratch.yaml': 'image:\n  uid: "ten"\n  colour: red\nbogus: 1\n',
    }, 'example.com/hello');
    const out = await outDir('badconfig');
    const r = await goscratch(['build', src, '--tarball', join(out, 'app.tar')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /goscratch\.yaml:2:.*image\.uid/);
    assert.match(r.stderr, /goscratch\.yaml:3:.*image\.colour/);
    assert.match(r.stderr, /goscratch\.yaml:4:.*bogus/);
    assert.deepEqual(await readdir(out), []);
  });

  /** Waits until the CLI's progress shows `phase` on stderr, failing if it exits first. */
  async function waitForPhase(cli: Running, phase: RegExp): Promise<void> {
    const deadline = Date.now() + 120_000;
    while (!phase.test(cli.stderr())) {
      if (cli.child.exitCode !== null) assert.fail(`the build ended before ${phase}:\n${cli.stderr()}`);
      if (Date.now() > deadline) assert.fail(`no ${phase} within 120 s:\n${cli.stderr()}`);
      await sleep(10);
    }
  }

  /** Kills whatever is left of the CLI's process group (the go compiler it started, say). */
  function killGroup(cli: Running): void {
    try {
      process.kill(-(cli.child.pid ?? 0), 'SIGKILL');
    } catch {
      // the group is already gone
    }
  }

  it('leaves no output file when interrupted by SIGINT (Ctrl-C) while compiling', async () => {
    const src = await copyExample('hello', join(dir, 'sigint'));
    const out = await outDir('sigint');
    const cli = startGoscratch(['build', src, '--tarball', join(out, 'app.tar'), '--oci-layout', join(out, 'layout')], { detached: true });
    try {
      await waitForPhase(cli, /compiling/);
      await sleep(200);
      process.kill(-(cli.child.pid ?? 0), 'SIGINT'); // the whole group, as a terminal does
      const r = await cli.done;
      assert.equal(r.code, INTERRUPTED, r.stderr);
      assert.deepEqual(await readdir(out), []);
    } finally {
      killGroup(cli);
    }
  });

  it('leaves no output file, not even a partial one, when SIGTERM arrives while the archive is written', async () => {
    const src = await copyExample('hello', join(dir, 'sigterm'));
    // An incompressible payload, so writing the archive takes long enough to be interrupted.
    await writeModule(src, {
      'payload.bin': randomBytes(24 << 20),
      'goscratch.yaml': 'image:\n  files:\n    - {src: payload.bin, dst: /data/payload.bin}\n',
    }, 'example.com/hello');
    const out = await outDir('sigterm');
    const cli = startGoscratch(['build', src, '--tarball', join(out, 'app.tar')], { detached: true });
    try {
      await waitForPhase(cli, /writing archive/);
      // Signal once the partial archive exists, so the test sees the atomic write at work.
      while ((await readdir(out)).length === 0 && cli.child.exitCode === null) await sleep(2);
      cli.child.kill('SIGTERM');
      const r = await cli.done;
      assert.equal(r.code, INTERRUPTED, `the build was not interrupted while writing:\n${r.stderr}`);
      assert.deepEqual(await readdir(out), []);
    } finally {
      killGroup(cli);
    }
  });
});

/**
 * Data never runs a program: a package path from the command line, goscratch.yaml or a
 * manifest that reads like a flag, and goscratch.yaml's build section naming a program
 * for go to run. Each case has a script that leaves a marker if anything runs it.
 */
describe('goscratch.yaml, manifests and package paths never make go run a program', needTools('go'), () => {
  let dir = '';
  before(async () => {
    dir = await makeTempDir('e2e-exec');
  });
  after(() => removeTree(dir));

  /** A module in its own directory, with a hook script beside it and an empty output directory. */
  async function project(name: string, files: Record<string, string> = {}) {
    const src = await writeModule(join(dir, name, 'src'), { 'main.go': 'package main\n\nfunc main() {}\n', ...files });
    const hook = await markerScript(join(dir, name));
    const out = join(dir, name, 'out');
    await mkdir(out, { recursive: true });
    return { src, hook, out };
  }

  it('build -- -toolexec=SCRIPT is refused as a package path (exit 2), the script never runs', async () => {
    const { src, hook, out } = await project('arg');
    const r = await goscratch(['build', '--oci-layout', join(out, 'l'), '--', `-toolexec=${hook.script}`], { cwd: src });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /begins with "-".*flag/);
    assert.equal(await hook.ran(), false);
    assert.deepEqual(await readdir(out), []);
  });

  it('main: "-toolexec=SCRIPT" in goscratch.yaml is refused with its line, the script never runs', async () => {
    const p = await project('main');
    await writeModule(p.src, { 'goscratch.yaml': `sbom: none\nmain: "-toolexec=${p.hook.script}"\n` });
    const r = await goscratch(['build', p.src, '--oci-layout', join(p.out, 'l')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /goscratch\.yaml:2: main: .*begins with "-"/);
    assert.equal(await p.hook.ran(), false);
  });

  it('build.flags -toolexec, GOFLAGS=-toolexec and -ldflags=-extld in goscratch.yaml are refused without --allow-exec', async () => {
    for (const [name, yaml] of [
      ['flags', (s: string) => `build:\n  flags: ["-toolexec=${s}"]\n`],
      ['goflags', (s: string) => `build:\n  env: ["GOFLAGS=-toolexec=${s}"]\n`],
      ['cc', (s: string) => `build:\n  env: [CGO_ENABLED=1, "CC=${s}"]\n`],
      ['extld', (s: string) => `build:\n  ldflags: "-linkmode=external -extld=${s}"\n`],
    ] as const) {
      const p = await project(`exec-${name}`);
      await writeModule(p.src, { 'goscratch.yaml': yaml(p.hook.script) });
      const r = await goscratch(['build', p.src, '--oci-layout', join(p.out, 'l')]);
      assert.equal(r.code, 2, `${name}: ${r.stderr}`);
      assert.match(r.stderr, /goscratch\.yaml: build\.\w+\.\d+: .*--allow-exec/, name);
      assert.equal(await p.hook.ran(), false, `${name}: the script must not run`);
      assert.deepEqual(await readdir(p.out), [], name);
    }
  });

  it('--allow-exec lets goscratch.yaml wrap the tools with -toolexec (the user chose to trust it)', async () => {
    const p = await project('allowed');
    await writeModule(p.src, { 'goscratch.yaml': `build:\n  flags: ["-toolexec=${p.hook.script}"]\n` });
    const r = await goscratch(['build', p.src, '--allow-exec', '--oci-layout', join(p.out, 'l'), '--sbom', 'none']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await p.hook.ran(), true, 'with --allow-exec the wrapper runs');
  });

  it('resolve refuses goscratch://-toolexec=SCRIPT in a manifest with its location, before building anything', async () => {
    const p = await project('manifest');
    const manifest = join(p.out, '..', 'deploy.yaml');
    await writeFile(manifest, `apiVersion: v1\nkind: Pod\nspec:\n  containers:\n  - name: x\n    image: goscratch://-toolexec=${p.hook.script}\n`);
    for (const cmd of ['resolve', 'apply']) {
      const r = await goscratch([cmd, '-f', manifest, '--push-to', '127.0.0.1:9/x'], { cwd: p.src });
      assert.equal(r.code, 2, `${cmd}: ${r.stderr}`);
      assert.match(r.stderr, /deploy\.yaml: document 1, line 6: package path "-toolexec=.*begins with "-"/);
      assert.equal(r.stdout, '');
      assert.equal(await p.hook.ran(), false, `${cmd}: the script must not run`);
    }
  });

  it('--ca-certs /dev/zero and a 1 GiB bundle fail at once with the reason, reading nothing big', async () => {
    const p = await project('ca');
    const big = join(p.src, 'big.pem');
    await writeFile(big, '');
    await truncate(big, 1 << 30); // sparse: no disk used
    for (const [ca, why] of [['/dev/zero', /is a character device, not a regular file/], [big, /larger than 8 MiB/]] as const) {
      const started = Date.now();
      const r = await goscratch(['build', p.src, '--ca-certs', ca, '--oci-layout', join(p.out, 'l')]);
      assert.equal(r.code, 2, r.stderr);
      assert.match(r.stderr, why);
      assert.ok(Date.now() - started < 60_000, 'gives up within 60 s');
    }
    assert.deepEqual(await readdir(p.out), []);
  });
});
