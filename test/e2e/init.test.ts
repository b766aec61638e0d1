/**
 * `goscratch init` on a copy of examples/hello, then the generated Dockerfile really
 * built with `podman build` on a Go builder image made with goscratch's own image
 * library (nothing can be pulled here), run, and asked for GET /.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readElfFile } from '../../src/binary/elf.js';
import { writeArchive } from '../../src/io/archive.js';
import { execOk } from '../helpers/exec.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { Podman } from '../helpers/podman.js';
import { processIds } from '../helpers/process.js';
import { goscratch, REPO_ROOT } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool } from '../helpers/tools.js';
import { builderSourcesMissing, goBuilderImage, seedGoBuildCache } from '../init/gobuilder.js';

const BUILDER = 'localhost/gobuilder:test';

async function helloCopy(dir: string): Promise<string> {
  const app = join(dir, 'hello');
  await mkdir(app);
  for (const f of ['go.mod', 'main.go']) await copyFile(join(REPO_ROOT, 'examples/hello', f), join(app, f));
  return app;
}

test('init writes the four files, refuses to overwrite, and --force replaces them', async (t) => {
  const dir = await makeTempDir('init');
  t.after(() => removeTree(dir));
  const app = await helloCopy(dir);
  const r = await goscratch(['init', '--json', app]);
  assert.equal(r.code, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { files: string[]; builderImage: string; port: number; binary: string };
  assert.deepEqual(out.files.map((f) => f.slice(app.length + 1)), ['Dockerfile', '.dockerignore', 'Makefile', 'goscratch.yaml']);
  assert.equal(out.builderImage, 'golang:1.22-alpine');
  assert.equal(out.port, 9292);
  assert.equal(out.binary, 'hello');

  const again = await goscratch(['init', app]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /Dockerfile, \.dockerignore, Makefile, goscratch\.yaml already exist .*--force/);
  assert.equal(again.stdout, '');

  const forced = await goscratch(['init', '--force', '--builder-image', 'registry.example.com/go:1.22', '--port', '8080', app]);
  assert.equal(forced.code, 0, forced.stderr);
  const df = await readFile(join(app, 'Dockerfile'), 'utf8');
  assert.match(df, /^ARG BUILDER_IMAGE=registry\.example\.com\/go:1\.22$/m);
  assert.match(df, /^EXPOSE 8080$/m);

  const bad = await goscratch(['init', '--package', './nope', '--force', app]);
  assert.equal(bad.code, 1);
  assert.match(bad.stderr, /\.\/nope is not a main package .*main packages are \./);
});

test('the generated Makefile builds a static binary; its other targets expand to the right commands', async (t) => {
  if (!requireTool(t, 'make', 'go')) return;
  const dir = await makeTempDir('init-make');
  t.after(() => removeTree(dir));
  const app = await helloCopy(dir);
  assert.equal((await goscratch(['init', '-q', app])).code, 0);
  await execOk('make', ['-C', app, 'build'], { timeoutMs: 120_000 });
  const elf = await readElfFile(join(app, 'bin/hello'));
  assert.equal(elf.static, true);
  const dry = (await execOk('make', ['-C', app, '-n', 'image', 'docker', 'push', 'IMAGE=registry.example.com/team/hello', 'TAG=v1'])).stdout;
  assert.match(dry, /^npx goscratch build \. --platform linux\/amd64,linux\/arm64 --tag registry\.example\.com\/team\/hello:v1 --tarball bin\/hello\.tar$/m);
  assert.match(dry, /^docker build -t registry\.example\.com\/team\/hello:v1 \.$/m);
  assert.match(dry, /^npx goscratch build \. --platform linux\/amd64,linux\/arm64 --push registry\.example\.com\/team\/hello:v1$/m);
  await execOk('make', ['-C', app, 'clean']);
  await assert.rejects(readFile(join(app, 'bin/hello')));
});

test('the generated Dockerfile passes goscratch lint with zero findings', async (t) => {
  const dir = await makeTempDir('init-lint');
  t.after(() => removeTree(dir));
  const app = await helloCopy(dir);
  assert.equal((await goscratch(['init', '-q', app])).code, 0);
  const r = await goscratch(['lint', '--format', 'json', '--failure-threshold', 'style', join(app, 'Dockerfile')]);
  assert.deepEqual(JSON.parse(r.stdout), [], r.stdout + r.stderr);
  assert.equal(r.code, 0, r.stderr);
});

test('the generated Dockerfile builds with podman, offline, and serves hello as uid 10001', { timeout: 170_000 }, async (t) => {
  if (!requireTool(t, 'podman')) return;
  const missing = await builderSourcesMissing();
  if (missing) {
    if (process.env.CI === 'true') assert.fail(missing);
    t.skip(missing);
    return;
  }
  const dir = await makeTempDir('init-podman');
  const podman = await Podman.create();
  t.after(async () => {
    await podman.cleanup();
    await removeTree(dir);
  });
  const app = await helloCopy(dir);
  assert.equal((await goscratch(['init', '-q', app])).code, 0);

  const archive = join(dir, 'builder.tar');
  await writeArchive(archive, await goBuilderImage(), { tags: [BUILDER] });
  assert.deepEqual(await podman.load(archive), [BUILDER]);
  // buildah keeps a root user's cache mounts under $TMPDIR/buildah-cache/<target path>.
  await seedGoBuildCache(app, '.', join(podman.env.TMPDIR!, 'buildah-cache/root/.cache/go-build'));
  // --layers=false: vfs copies the whole root file system for every cached step.
  await podman.ok(['build', '--isolation', 'oci', '--layers=false', '--network', 'none', '--build-arg', `BUILDER_IMAGE=${BUILDER}`, '-t', 'localhost/hello-init:test', app], {
    timeoutMs: 150_000,
  });

  const port = await freePort();
  const c = await podman.run('localhost/hello-init:test', { env: [`ADDR=127.0.0.1:${port}`] });
  t.after(() => c.stop());
  const res = await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited });
  assert.deepEqual(res, { status: 200, body: 'hello\n' });
  assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
  assert.match(await c.logs(), /^uid=10001 gid=10001 /m);
  const cfg = JSON.parse((await podman.ok(['image', 'inspect', '--format', '{{json .Config}}', 'localhost/hello-init:test'])).stdout) as { User: string; Entrypoint: string[]; ExposedPorts: Record<string, unknown> };
  assert.equal(cfg.User, '10001:10001');
  assert.deepEqual(cfg.Entrypoint, ['/usr/local/bin/hello']);
  assert.deepEqual(Object.keys(cfg.ExposedPorts), ['9292/tcp']);
});
