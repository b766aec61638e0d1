/**
 * `goscratch build examples/hello` end to end: the archive is read by skopeo (both
 * transports) and umoci, and the image runs under runc and podman, answering `hello`
 * as uid 10001. Docker is in build-docker.test.ts (its daemon is slow to start).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { layoutImages, layoutRefs } from '../helpers/oci.js';
import { unpackImage, runImage } from '../helpers/runc.js';
import { Podman } from '../helpers/podman.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { processIds } from '../helpers/process.js';

interface BuildJson {
  digest: string;
  platforms: { platform: string; digest: string; size: number }[];
  outputs: { type: string; path: string }[];
}

const SERVICE_LINE = /^uid=10001 gid=10001 GOMAXPROCS=\d+ NumCPU=\d+$/;

describe('goscratch build examples/hello: archive, runc and podman', needTools('go'), () => {
  let dir = '';
  let tarball = '';
  let layout = '';
  let result: BuildJson;

  before(async () => {
    dir = await makeTempDir('e2e-run');
    tarball = join(dir, 'hello.tar');
    layout = join(dir, 'layout');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--tarball', tarball, '--oci-layout', layout, '--tag', 'hello:test', '--json']);
    assert.equal(r.code, 0, `build failed:\n${r.stderr}`);
    result = JSON.parse(r.stdout) as BuildJson;
  });
  after(() => removeTree(dir));

  it('prints the digest, the platform and both outputs as JSON', async () => {
    assert.match(result.digest, /^sha256:[0-9a-f]{64}$/);
    assert.equal(result.platforms.length, 1);
    assert.equal(result.platforms[0]?.platform, 'linux/amd64');
    assert.equal(result.platforms[0]?.digest, result.digest);
    assert.ok((result.platforms[0]?.size ?? 0) > 1_000_000, 'size counts the layers');
    assert.deepEqual(result.outputs.map((o) => o.type).sort(), ['oci-layout', 'tarball']);
    assert.ok((await stat(tarball)).size > 1_000_000);
    const [image] = await layoutImages(layout);
    assert.equal(image?.digest, result.digest);
    assert.equal(image?.config.config.User, '10001:10001');
  });

  it('skopeo reads the tarball as docker-archive and as oci-archive', async (t) => {
    if (!requireTool(t, 'skopeo')) return;
    const oci = JSON.parse((await execOk('skopeo', ['inspect', `oci-archive:${tarball}`])).stdout) as { Digest: string; Architecture: string };
    assert.equal(oci.Digest, result.digest);
    const docker = JSON.parse((await execOk('skopeo', ['inspect', `docker-archive:${tarball}`])).stdout) as { Architecture: string; Os: string; Layers: string[] };
    assert.equal(docker.Os, 'linux');
    assert.equal(docker.Architecture, 'amd64');
    assert.ok(docker.Layers.length >= 1);
    const config = JSON.parse((await execOk('skopeo', ['inspect', '--config', `docker-archive:${tarball}`])).stdout) as { config: { User: string; Entrypoint: string[] } };
    assert.equal(config.config.User, '10001:10001');
    assert.equal(config.config.Entrypoint.length, 1);
  });

  it('umoci unpacks the layout into a root filesystem with the user and the binary', async (t) => {
    if (!requireTool(t, 'umoci')) return;
    const [ref] = await layoutRefs(layout);
    assert.ok(ref, 'index.json names the tag');
    const bundle = join(dir, 'bundle');
    await unpackImage(layout, ref, bundle);
    const rootfs = join(bundle, 'rootfs');
    assert.match(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), /^appuser:x:10001:10001:.*:\/nonexistent:\/sbin\/nologin$/m);
    const runtime = JSON.parse(await readFile(join(bundle, 'config.json'), 'utf8')) as { process: { args: string[]; user: { uid: number; gid: number } } };
    assert.deepEqual(runtime.process.user, { uid: 10001, gid: 10001 });
    const bin = await stat(join(rootfs, runtime.process.args[0] ?? ''));
    assert.equal(bin.mode & 0o777, 0o555);
    assert.equal((await stat(join(rootfs, 'tmp'))).mode & 0o7777, 0o1777);
  });

  it('runs the unpacked tarball under runc: GET 127.0.0.1:9292/ answers hello, as uid 10001', async (t) => {
    if (!requireTool(t, 'umoci', 'runc')) return;
    const extracted = join(dir, 'from-tarball');
    await mkdir(extracted);
    await execOk('tar', ['-xf', tarball, '-C', extracted]);
    const [ref] = await layoutRefs(extracted);
    assert.ok(ref, 'the tarball carries an OCI index.json with the tag');
    const c = await runImage(extracted, ref);
    try {
      const answer = await waitForHttp('http://127.0.0.1:9292/', { alive: c.exited });
      assert.deepEqual(answer, { status: 200, body: 'hello\n' });
      assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
      assert.match((await c.stdout()).split('\n')[0] ?? '', SERVICE_LINE);
    } finally {
      await c.stop();
    }
  });

  it('podman loads the tarball and runs it: hello, as uid 10001', async (t) => {
    if (!requireTool(t, 'podman', 'runc')) return;
    const podman = await Podman.create();
    try {
      const names = await podman.load(tarball);
      assert.ok(names.some((n) => n.endsWith('hello:test')), `loaded ${names.join(', ')}`);
      const id = (await podman.ok(['image', 'inspect', '--format', '{{.Digest}}', 'hello:test'])).stdout.trim();
      assert.equal(id, result.digest);
      const port = await freePort();
      const c = await podman.run('hello:test', { env: [`ADDR=127.0.0.1:${port}`] });
      try {
        const answer = await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited });
        assert.deepEqual(answer, { status: 200, body: 'hello\n' });
        assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
        assert.match((await c.logs()).split('\n')[0] ?? '', SERVICE_LINE);
      } finally {
        await c.stop();
      }
    } finally {
      await podman.cleanup();
    }
  });
});
