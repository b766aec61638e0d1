// Push and pull against a real registry (distribution 2.8), cross-checked with skopeo
// and umoci: what goscratch pushes, skopeo reads back byte for byte, and the reverse.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openRemote, pushArtifact, pushReferrer } from '../../src/io/registry/index.js';
import { digestOf } from '../../src/oci/digest.js';
import { artifactDescriptor } from '../../src/image/model.js';
import { readArchive } from '../../src/io/archive.js';
import { readLayout, writeLayout } from '../../src/io/layout.js';
import { imagesOf } from '../../src/image/model.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { execOk } from '../helpers/exec.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { testImage, testIndex } from '../registry/fixtures.js';

const sha = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

describe('registry push and pull (no auth)', needTools('docker-registry', 'skopeo'), () => {
  let reg: TestRegistry;
  let tmp: string;
  before(async () => {
    reg = await startRegistry();
    tmp = await makeTempDir('registry-e2e');
  });
  after(async () => {
    await reg?.stop();
    if (tmp) await removeTree(tmp);
  });

  it('pushes an OCI image that skopeo inspects with the same digest and copies back byte-identical', async () => {
    const img = await testImage();
    const r = await pushArtifact(`${reg.host}/cross/oci:v1`, img, { tags: ['extra'] });
    assert.equal(r.digest, img.digest);
    assert.equal(r.ref, `${reg.host}/cross/oci@${img.digest}`);
    assert.deepEqual(r.tagged, [`${reg.host}/cross/oci:v1`, `${reg.host}/cross/oci:extra`]);
    for (const tag of ['v1', 'extra']) {
      const raw = (await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/cross/oci:${tag}`])).stdout;
      assert.equal(sha(Buffer.from(raw)), img.digest);
    }
    const info = JSON.parse((await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/cross/oci:v1`])).stdout) as { Digest: string; Layers: string[] };
    assert.equal(info.Digest, img.digest);
    assert.deepEqual(info.Layers, img.layers.map((l) => l.digest));

    const out = join(tmp, 'skopeo-oci');
    await execOk('skopeo', ['copy', '--src-tls-verify=false', `docker://${reg.host}/cross/oci:v1`, `oci:${out}:v1`]);
    assert.deepEqual(await readFile(join(out, 'blobs/sha256', img.digest.slice(7))), img.rawManifest);
    assert.deepEqual(await readFile(join(out, 'blobs/sha256', img.manifest.config.digest.slice(7))), img.rawConfig);
    for (const l of img.layers) {
      const chunks: Buffer[] = [];
      for await (const c of await l.open()) chunks.push(c as Buffer);
      assert.deepEqual(await readFile(join(out, 'blobs/sha256', l.digest.slice(7))), Buffer.concat(chunks));
    }
  });

  it('pushes Docker schema 2 images with Docker media types', async () => {
    const img = await testImage({ format: 'docker' });
    await pushArtifact(`${reg.host}/cross/docker:v1`, img);
    const raw = (await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/cross/docker:v1`])).stdout;
    assert.equal(JSON.parse(raw).mediaType, MediaType.dockerManifest);
    assert.equal(sha(Buffer.from(raw)), img.digest);
    const back = await openRemote(`${reg.host}/cross/docker:v1`);
    assert.equal(back.digest, img.digest);
  });

  it('skips blobs the registry has and mounts the layers of a pulled image from their repository', async () => {
    const img = await testImage();
    const first = await pushArtifact(`${reg.host}/mount/a:v1`, img);
    assert.deepEqual(Object.values(first.blobs).sort(), ['uploaded', 'uploaded', 'uploaded', 'uploaded']);
    const again = await pushArtifact(`${reg.host}/mount/a:v1`, img);
    assert.deepEqual(Object.values(again.blobs), ['exists', 'exists', 'exists', 'exists']);
    // The layers of an image read from mount/a say where they came from (nothing else
    // remembers it): they are mounted, not downloaded and uploaded. The config is uploaded.
    const other = await pushArtifact(`${reg.host}/mount/b:v1`, await openRemote(`${reg.host}/mount/a:v1`));
    assert.equal(Object.values(other.blobs).filter((o) => o === 'mounted').length, 3);
    const cli = await goscratch(['push', `docker://${reg.host}/mount/a:v1`, `${reg.host}/mount/c:v1`, '--json']);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual((JSON.parse(cli.stdout) as { blobs: unknown }).blobs, { uploaded: 1, exists: 0, mounted: 3 });
    const raw = (await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/mount/b:v1`])).stdout;
    assert.equal(sha(Buffer.from(raw)), img.digest);
  });

  it('uploads large blobs in chunks and the registry assembles them', async () => {
    const img = await testImage({ layerSizes: [300_000, 10, 70_000] });
    await pushArtifact(`${reg.host}/chunked/app:v1`, img, { chunkThreshold: 50_000, chunkSize: 64 * 1024 });
    const back = await openRemote(`${reg.host}/chunked/app:v1`);
    assert.equal(back.digest, img.digest);
    for (const [i, l] of imagesOf(back)[0]!.layers.entries()) assert.equal((await digestOf(await l.open())).digest, img.layers[i]!.digest);
  });

  it('pushes a multi-platform index and pulls it back by digest, whole or one platform', async () => {
    const idx = await testIndex();
    const r = await pushArtifact(`${reg.host}/multi/app:v1`, idx);
    assert.equal(r.digest, idx.digest);
    const whole = await openRemote(`${reg.host}/multi/app@${idx.digest}`);
    assert.equal(whole.kind, 'index');
    assert.equal(whole.digest, idx.digest);
    assert.deepEqual(imagesOf(whole).map((i) => i.digest), idx.images.map((i) => i.digest));
    const arm = await openRemote(`${reg.host}/multi/app@${idx.digest}`, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.equal(arm.kind, 'image');
    assert.equal(arm.digest, idx.images[1]!.digest);
    await assert.rejects(openRemote(`${reg.host}/multi/app:v1`, { platform: { os: 'linux', architecture: 's390x' } }), /no image for linux\/s390x \(it has: linux\/amd64, linux\/arm64\)/);
    const list = JSON.parse((await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/multi/app:v1`])).stdout) as { manifests: unknown[] };
    assert.equal(list.manifests.length, 2);
  });

  it('reads a remote image lazily: manifest and config first, a layer only when it is opened', async () => {
    const img = await testImage();
    await pushArtifact(`${reg.host}/lazy/app:v1`, img);
    const requests: string[] = [];
    const logger = { info: () => undefined, warn: () => undefined, debug: (m: string) => void requests.push(m) };
    const remote = await openRemote(`${reg.host}/lazy/app:v1`, { logger });
    const blobGets = (digest: string): number => requests.filter((r) => r.startsWith('GET ') && r.includes(`/blobs/${digest} `)).length;
    assert.equal(blobGets(img.manifest.config.digest), 1);
    for (const l of img.layers) assert.equal(blobGets(l.digest), 0, 'no layer is read before it is opened');
    const second = imagesOf(remote)[0]!.layers[1]!;
    assert.equal((await digestOf(await second.open())).digest, img.layers[1]!.digest);
    assert.deepEqual(img.layers.map((l) => blobGets(l.digest)), [0, 1, 0]);
  });

  it('downloads a layer two images of an index share once, into a layout and into an archive', async () => {
    const idx = await testIndex({ sharedBase: true });
    await pushArtifact(`${reg.host}/shared/app:v1`, idx);
    const shared = idx.images[0]!.layers[0]!.digest;
    assert.equal(idx.images[1]!.layers[0]!.digest, shared);
    for (const dest of [join(tmp, 'shared-layout'), join(tmp, 'shared.tar')]) {
      const r = await goscratch(['pull', `${reg.host}/shared/app:v1`, dest, '--debug']);
      assert.equal(r.code, 0, r.stderr);
      const gets = r.stderr.split('\n').filter((l) => l.includes(`GET http://${reg.host}/v2/shared/app/blobs/${shared} -> 200`));
      assert.equal(gets.length, 1, `${dest}: the shared layer was downloaded ${gets.length} times`);
    }
    assert.equal((await readLayout(join(tmp, 'shared-layout'))).digest, idx.digest);
    assert.equal((await readArchive(join(tmp, 'shared.tar'))).digest, idx.digest);
  });

  it('pulls what skopeo pushed into a layout umoci unpacks', async (t) => {
    if (!requireTool(t, 'umoci')) return;
    const img = await testImage();
    const src = join(tmp, 'src-layout');
    await writeLayout(src, img, { tags: ['app:v1'] });
    await execOk('skopeo', ['copy', '--dest-tls-verify=false', `oci:${src}:v1`, `docker://${reg.host}/from-skopeo/app:v1`]);
    const dest = join(tmp, 'pulled-layout');
    const r = await goscratch(['pull', `${reg.host}/from-skopeo/app:v1`, dest, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; format: string; platforms: string[] };
    assert.equal(out.format, 'oci-layout');
    assert.deepEqual(out.platforms, ['linux/amd64']);
    const pulled = await readLayout(dest);
    assert.equal(pulled.digest, out.digest);
    const bundle = join(tmp, 'bundle');
    await execOk('umoci', ['unpack', '--image', `${dest}:v1`, bundle]);
    const files = await readdir(join(bundle, 'rootfs/data'));
    assert.deepEqual(files.sort(), ['layer0.bin', 'layer1.bin', 'layer2.bin']);
  });

  it('`goscratch push` takes a layout or an archive and `pull` writes an archive', async () => {
    const img = await testImage();
    const layout = join(tmp, 'cli-layout');
    await writeLayout(layout, img, { tags: ['cli:v1'] });
    const pushed = await goscratch(['push', layout, `${reg.host}/cli/app:v1`, '--tag', 'v2', '--json']);
    assert.equal(pushed.code, 0, pushed.stderr);
    const res = JSON.parse(pushed.stdout) as { ref: string; digest: string; pushed: string[]; blobs: Record<string, number> };
    assert.equal(res.digest, img.digest);
    assert.deepEqual(res.pushed, [`${reg.host}/cli/app@${img.digest}`, `${reg.host}/cli/app:v1`, `${reg.host}/cli/app:v2`]);
    assert.deepEqual(res.blobs, { uploaded: 4, exists: 0, mounted: 0 });

    const archive = join(tmp, 'cli.tar');
    const pulled = await goscratch(['pull', `${reg.host}/cli/app:v2`, archive]);
    assert.equal(pulled.code, 0, pulled.stderr);
    assert.equal(pulled.stdout.trim(), img.digest);
    assert.equal((await readArchive(archive)).digest, img.digest);

    const plain = await goscratch(['push', archive, `${reg.host}/cli/again:v1`]);
    assert.equal(plain.code, 0, plain.stderr);
    assert.equal(plain.stdout.trim(), `${reg.host}/cli/again@${img.digest}`);
  });

  it('attaches an SBOM as a referrer, with the tag fallback on a registry without the referrers API', async () => {
    const img = await testImage();
    await pushArtifact(`${reg.host}/sbom/app:v1`, img);
    const sbom = Buffer.from(JSON.stringify({ spdxVersion: 'SPDX-2.3', name: 'app' }));
    const r = await pushReferrer(`${reg.host}/sbom/app`, { subject: artifactDescriptor(img), artifactType: MediaType.spdx, blobs: [{ mediaType: MediaType.spdx, data: sbom }] });
    const hex = img.digest.slice(7);
    assert.equal(r.referrersApi, false);
    assert.deepEqual(r.tags, [`${reg.host}/sbom/app:sha256-${hex}.sbom`, `${reg.host}/sbom/app:sha256-${hex}`]);
    const raw = (await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/sbom/app:sha256-${hex}.sbom`])).stdout;
    assert.equal(sha(Buffer.from(raw)), r.digest);
    const m = JSON.parse(raw) as { artifactType: string; subject: { digest: string }; layers: { digest: string }[]; config: { mediaType: string } };
    assert.equal(m.artifactType, MediaType.spdx);
    assert.equal(m.subject.digest, img.digest);
    assert.equal(m.config.mediaType, MediaType.ociEmpty);
    assert.equal(m.layers[0]?.digest, sha(sbom));
    // A second referrer joins the OCI 1.1 fallback index instead of replacing the first.
    const other = await pushReferrer(`${reg.host}/sbom/app`, { subject: artifactDescriptor(img), artifactType: MediaType.cyclonedx, blobs: [{ mediaType: MediaType.cyclonedx, data: Buffer.from('{}') }], fallbackTag: `sha256-${hex}.cdx` });
    const index = JSON.parse((await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/sbom/app:sha256-${hex}`])).stdout) as { manifests: { digest: string; artifactType: string }[] };
    assert.deepEqual(index.manifests.map((d) => [d.digest, d.artifactType]), [[r.digest, MediaType.spdx], [other.digest, MediaType.cyclonedx]]);
  });

  it('fails with a clear message for an unknown tag and writes nothing', async () => {
    const dest = join(tmp, 'never');
    const r = await goscratch(['pull', `${reg.host}/cli/app:nope`, dest]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /manifest nope of 127\.0\.0\.1:\d+\/cli\/app: 127\.0\.0\.1:\d+ answered 404: MANIFEST_UNKNOWN/);
    assert.equal(existsSync(dest), false);
  });

  it('rejects invalid references with the reason, before any network traffic', async () => {
    const r = await goscratch(['pull', `${reg.host}/Upper/case:v1`, join(tmp, 'x')]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /invalid image reference .*repository names must be lowercase/);
  });
});
