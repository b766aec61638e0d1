/**
 * `goscratch build --base`: a Go app on a base made here with goscratch's own layer
 * builder (busybox as /bin/sh), from an OCI layout and from the local registry. The
 * app runs a hook through /bin/sh under runc, as uid 10001, with the base's PATH and
 * working directory; --platform all follows the base's platforms; a registry base's
 * layers are cached by digest and mounted, not uploaded, when pushing to the same
 * registry; a user name the base gives another uid is refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { access, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { buildArtifact } from '../../src/gobuild/pipeline.js';
import { resolveSettings } from '../../src/gobuild/settings.js';
import { imagesOf } from '../../src/image/model.js';
import { pushArtifact } from '../../src/io/registry/push.js';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { BASE_GROUP, BASE_PASSWD, baseImage, writeBaseLayout } from '../helpers/base-image.js';
import { layoutImages, layoutIndex, layoutRefs, readBlobJson, readImageFile } from '../helpers/oci.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runImage, unpackImage } from '../helpers/runc.js';
import { execOk } from '../helpers/exec.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';

const HOOK_APP = `package main

import (
	"fmt"
	"os"
	"os/exec"
)

func main() {
	out, err := exec.Command("/bin/sh", "-c", \`echo "hook ran as $(id -u):$(id -g) in $PWD with PATH=$PATH BASE_ONLY=$BASE_ONLY APP=$APP"\`).CombinedOutput()
	if err != nil {
		fmt.Printf("hook failed: %v: %s\\n", err, out)
		os.Exit(1)
	}
	fmt.Print(string(out))
}
`;

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };

interface ManifestJson {
  layers: { digest: string; mediaType: string }[];
  annotations?: Record<string, string>;
}

describe('goscratch build --base', needTools('go'), () => {
  let dir = '';
  let mod = '';
  let baseLayout = '';
  let multiLayout = '';

  before(async () => {
    dir = await makeTempDir('e2e-base');
    mod = await writeModule(join(dir, 'hook'), { 'main.go': HOOK_APP }, 'example.com/hook');
    baseLayout = join(dir, 'base-layout');
    await writeBaseLayout(baseLayout, { passwd: BASE_PASSWD, group: BASE_GROUP });
    multiLayout = join(dir, 'multi-layout');
    await writeBaseLayout(multiLayout, { platforms: [amd64, arm64], passwd: BASE_PASSWD, group: BASE_GROUP });
  });
  after(() => removeTree(dir));

  it('an image on a local base layout with a shell runs a hook through /bin/sh under runc, as uid 10001', async (t) => {
    if (!requireTool(t, 'umoci', 'runc')) return;
    const out = join(dir, 'hook-out');
    const r = await goscratch(['build', mod, '--base', baseLayout, '--oci-layout', out, '-t', 'hook:test', '--env', 'APP=1', '--platform', 'linux/amd64', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const [image] = await layoutImages(out);
    assert.ok(image);
    const manifest = await readBlobJson<ManifestJson>(out, image.digest);
    const [base] = await layoutIndex(baseLayout);
    assert.equal(manifest.annotations?.['org.opencontainers.image.base.digest'], base?.digest);
    assert.equal(manifest.annotations?.['org.opencontainers.image.base.name'], undefined, 'a local path is not recorded');
    assert.deepEqual(image.config.config.Cmd, undefined);
    assert.equal(image.config.config.User, '10001:10001');

    const [ref] = await layoutRefs(out);
    const c = await runImage(out, ref!);
    try {
      for (let i = 0; i < 300 && !(await c.stdout()).includes('\n') && !c.exited(); i++) await sleep(100);
      await sleep(100);
      const stdout = await c.stdout();
      assert.equal(stdout, 'hook ran as 10001:10001 in /work with PATH=/bin BASE_ONLY=kept APP=1\n', `stderr: ${await c.stderr()}`);
      const rootfs = join(c.bundle, 'rootfs');
      assert.equal(await readFile(join(rootfs, 'etc/passwd'), 'utf8'), BASE_PASSWD + 'appuser:x:10001:10001::/nonexistent:/sbin/nologin\n');
      assert.equal(await readFile(join(rootfs, 'etc/group'), 'utf8'), BASE_GROUP + 'appuser:x:10001:\n');
      await access(join(rootfs, 'bin/busybox'));
    } finally {
      await c.stop();
    }
  });

  it('--platform all builds every platform of the base; a platform the base lacks is refused (exit 2)', async () => {
    const out = join(dir, 'all-out');
    const r = await goscratch(['build', mod, '--base', `oci:${multiLayout}`, '--platform', 'all', '--oci-layout', out, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const built = JSON.parse(r.stdout) as { platforms: { platform: string }[] };
    assert.deepEqual(built.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64']);
    const [top] = await layoutIndex(out);
    const index = await readBlobJson<{ annotations?: Record<string, string> }>(out, top!.digest);
    const [multi] = await layoutIndex(multiLayout);
    assert.equal(index.annotations?.['org.opencontainers.image.base.digest'], multi?.digest, 'the index names the base index');
    const images = await layoutImages(out);
    assert.equal(images.length, 2);
    for (const img of images) assert.equal(img.manifest.layers.length, 3, "the base's layer, goscratch's files, the binary");

    const missing = await goscratch(['build', mod, '--base', multiLayout, '--platform', 'linux/s390x', '--oci-layout', join(dir, 'none')]);
    assert.equal(missing.code, 2, missing.stderr);
    assert.match(missing.stderr, /has no image for linux\/s390x \(it has: linux\/amd64, linux\/arm64\)/);
    const scratchAll = await goscratch(['build', mod, '--platform', 'all', '--oci-layout', join(dir, 'none')]);
    assert.equal(scratchAll.code, 2);
    assert.match(scratchAll.stderr, /--platform all builds every platform of the base image, and scratch has none/);
  });

  it('several packages go on one base: each an index over the base\'s platforms, with the app user\'s directories and volumes beside the base\'s', async () => {
    const tools = await writeModule(join(dir, 'tools'), { 'cmd/alpha/main.go': 'package main\n\nfunc main() {}\n', 'cmd/beta/main.go': 'package main\n\nfunc main() {}\n' }, 'example.com/tools');
    const base = join(dir, 'volumes-layout');
    const config = { Env: ['PATH=/bin'], WorkingDir: '/work', Volumes: { '/base-vol': {} as Record<string, never> } };
    await writeBaseLayout(base, { platforms: [amd64, arm64], passwd: BASE_PASSWD, group: BASE_GROUP, config, entries: [{ type: 'symlink', path: '/srv', target: 'work' }] });
    const out = join(dir, 'tools-out');
    const r = await goscratch(['build', './cmd/...', '--base', base, '--platform', 'all', '--dir', '/data', '--volume', '/cache', '-t', '{{.Name}}:1', '--oci-layout', out, '--json'], { cwd: tools });
    assert.equal(r.code, 0, r.stderr);
    const built = JSON.parse(r.stdout) as { images: { name: string; platforms: { platform: string }[] }[] };
    assert.deepEqual(built.images.map((i) => [i.name, i.platforms.map((p) => p.platform)]), [['alpha', ['linux/amd64', 'linux/arm64']], ['beta', ['linux/amd64', 'linux/arm64']]]);
    const [baseIndex] = await layoutIndex(base);
    const tops = await layoutIndex(out);
    assert.deepEqual(tops.map((d) => d.annotations?.['org.opencontainers.image.ref.name']), ['1', '1']);
    for (const top of tops) {
      const index = await readBlobJson<{ annotations?: Record<string, string> }>(out, top.digest);
      assert.equal(index.annotations?.['org.opencontainers.image.base.digest'], baseIndex?.digest, 'each index names the base index');
    }
    const images = await layoutImages(out);
    assert.equal(images.length, 4);
    for (const img of images) {
      assert.equal(img.manifest.layers.length, 4, "the base's layer, goscratch's files, the directories, the binary");
      assert.deepEqual(Object.keys(img.config.config.Volumes ?? {}).sort(), ['/base-vol', '/cache']);
      assert.equal(img.config.config.WorkingDir, '/work');
      assert.equal((await readImageFile(out, img.manifest, '/etc/passwd'))?.toString(), BASE_PASSWD + 'appuser:x:10001:10001::/nonexistent:/sbin/nologin\n');
    }

    // A directory of the app user below a link in the base is refused, as the binary would be.
    const linked = await goscratch(['build', './cmd/...', '--base', base, '--platform', 'linux/amd64', '--dir', '/srv/data', '--oci-layout', join(dir, 'none')], { cwd: tools });
    assert.equal(linked.code, 2, linked.stderr);
    assert.match(linked.stderr, /\/srv is a symbolic link \(to work\), so goscratch cannot write \/srv\/data without replacing it/);
  });

  it('a docker archive is a base too (skopeo writes it with uncompressed layers)', async (t) => {
    if (!requireTool(t, 'skopeo', 'umoci')) return;
    const archive = join(dir, 'base.tar');
    await execOk('skopeo', ['copy', '-q', `oci:${baseLayout}`, `docker-archive:${archive}:base:1`]);
    const out = join(dir, 'archive-out');
    const r = await goscratch(['build', mod, '--base', archive, '--platform', 'linux/amd64', '--oci-layout', out, '-t', 'hook:archive']);
    assert.equal(r.code, 0, r.stderr);
    const [image] = await layoutImages(out);
    assert.deepEqual(image!.manifest.layers.map((l) => l.mediaType), [MediaType.ociLayer, MediaType.ociLayerGzip, MediaType.ociLayerGzip]);
    const bundle = join(dir, 'archive-bundle');
    await unpackImage(out, 'archive', bundle);
    assert.equal(await readFile(join(bundle, 'rootfs/etc/passwd'), 'utf8'), BASE_PASSWD + 'appuser:x:10001:10001::/nonexistent:/sbin/nologin\n');
    await access(join(bundle, 'rootfs/bin/busybox'));
  });

  it('a user name the base gives another uid is refused with exit 2', async () => {
    const taken = join(dir, 'taken-layout');
    await writeBaseLayout(taken, { passwd: 'root:x:0:0::/root:/bin/sh\nappuser:x:1000:1000::/home/appuser:/bin/sh\n' });
    const r = await goscratch(['build', mod, '--base', taken, '--platform', 'linux/amd64', '--oci-layout', join(dir, 'none')]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /its user appuser has uid 1000, not 10001: choose the base's --user\/--uid\/--gid pair/);
  });

  describe('a base in the local registry', needTools('docker-registry'), () => {
    let reg: TestRegistry;
    before(async () => {
      reg = await startRegistry();
      await pushArtifact(`${reg.host}/base:1`, await baseImage({ platforms: [amd64, arm64], passwd: BASE_PASSWD, group: BASE_GROUP }));
    });
    after(() => reg.stop());

    it('is pulled lazily, its layers cached by digest, named in the annotations, and mounted when pushing to the same registry', async () => {
      const s = await resolveSettings(mod, { base: `${reg.host}/base:1`, platform: 'all' });
      const result = await buildArtifact(s);
      const images = imagesOf(result.artifact);
      assert.equal(images.length, 2);
      const baseLayer = images[0]!.layers[0]!;
      assert.deepEqual(baseLayer.source, { registry: reg.host, repository: 'base' });
      assert.equal(images[0]!.manifest.annotations?.['org.opencontainers.image.base.name'], `${reg.host}/base:1`);
      assert.match(images[0]!.manifest.annotations?.['org.opencontainers.image.base.digest'] ?? '', /^sha256:/);
      await access(join(process.env.GOSCRATCH_CACHE!, 'layers', baseLayer.digest.slice(7)));

      const pushed = await pushArtifact(`${reg.host}/app:1`, result.artifact);
      assert.equal(pushed.blobs[baseLayer.digest], 'mounted');
      const own = images[0]!.layers.at(-1)!;
      assert.equal(pushed.blobs[own.digest], 'uploaded');
    });

    it('the CLI builds on it into a layout that names it', async () => {
      const out = join(dir, 'registry-out');
      const r = await goscratch(['build', mod, '--base', `docker://${reg.host}/base:1`, '--platform', 'linux/arm64', '--oci-layout', out]);
      assert.equal(r.code, 0, r.stderr);
      const [image] = await layoutImages(out);
      assert.equal(image?.platform, 'linux/arm64');
      const manifest = await readBlobJson<ManifestJson>(out, image!.digest);
      assert.equal(manifest.annotations?.['org.opencontainers.image.base.name'], `${reg.host}/base:1`);
    });
  });
});
