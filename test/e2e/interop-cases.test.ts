// The interoperability cases that failed, each against the real tools on one registry
// (distribution 2.8): a layout written by umoci pushes; a pull into a layout converts
// Docker media types as `skopeo copy ... oci:` does, so skopeo and umoci read it; a
// docker-archive's uncompressed layers are gzipped on push, so crane validates it; a
// referrer's fallback tag follows its artifact type.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pushArtifact, pushReferrer } from '../../src/io/registry/index.js';
import { artifactDescriptor } from '../../src/image/model.js';
import { writeLayout } from '../../src/io/layout.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { execOk } from '../helpers/exec.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { testImage as randomImage } from '../registry/fixtures.js';
import { testImage } from '../inspect/images.js';

/** The annotation a converted manifest records its source digest under (README). */
const SOURCE_DIGEST = 'io.goscratch.source.digest';
const sha = (b: Buffer | string): string => 'sha256:' + createHash('sha256').update(b).digest('hex');

interface RemoteManifest { mediaType?: string; layers: { mediaType: string; size: number; digest: string }[]; annotations?: Record<string, string> }

describe('interop cases', needTools('docker-registry', 'skopeo', 'umoci'), () => {
  let reg: TestRegistry;
  let tmp: string;
  before(async () => {
    reg = await startRegistry();
    tmp = await makeTempDir('interop-cases');
  });
  after(async () => {
    await reg?.stop();
    if (tmp) await removeTree(tmp);
  });

  const raw = async (ref: string): Promise<{ bytes: string; contentType: string }> => {
    const [repo, tag] = ref.split(':');
    const r = await fetch(`http://${reg.host}/v2/${repo}/manifests/${tag}`, { headers: { accept: [MediaType.ociManifest, MediaType.ociIndex, MediaType.dockerManifest, MediaType.dockerManifestList].join(', ') } });
    assert.equal(r.status, 200, `${ref}: ${r.status}`);
    return { bytes: await r.text(), contentType: r.headers.get('content-type') ?? '' };
  };

  it('pushes a layout umoci init/new/repack wrote (manifests without a mediaType field)', async () => {
    const layout = join(tmp, 'umoci');
    const bundle = join(tmp, 'umoci-bundle');
    await execOk('umoci', ['init', '--layout', layout]);
    await execOk('umoci', ['new', '--image', `${layout}:base`]);
    await execOk('umoci', ['unpack', '--image', `${layout}:base`, bundle]);
    await writeFile(join(bundle, 'rootfs', 'hello.txt'), 'from umoci\n');
    await execOk('umoci', ['repack', '--image', `${layout}:v1`, bundle]);
    const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string; annotations: Record<string, string> }[] };
    const digest = index.manifests.find((d) => d.annotations['org.opencontainers.image.ref.name'] === 'v1')!.digest;
    const manifest = JSON.parse(await readFile(join(layout, 'blobs/sha256', digest.slice(7)), 'utf8')) as RemoteManifest;
    assert.equal(manifest.mediaType, undefined, 'umoci leaves the optional field out');

    const r = await goscratch(['push', `${layout}:v1`, `${reg.host}/umoci/app:v1`, '--quiet']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), `${reg.host}/umoci/app@${digest}`);
    const got = await raw('umoci/app:v1');
    assert.equal(sha(got.bytes), digest, 'the bytes are umoci\'s');
    assert.equal(got.contentType, MediaType.ociManifest);
    const info = JSON.parse((await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/umoci/app:v1`])).stdout) as { Digest: string };
    assert.equal(info.Digest, digest);
  });

  it('pulls a Docker schema 2 image into a layout skopeo and umoci read, recording the source digest; --preserve-digests keeps the bytes', async () => {
    const img = await randomImage({ format: 'docker', layerSizes: [2048, 4096] });
    await pushArtifact(`${reg.host}/docker/app:v1`, img);
    const dest = join(tmp, 'pulled-docker');
    const r = await goscratch(['pull', `${reg.host}/docker/app:v1`, dest, '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { ref: string; digest: string; sourceDigest: string };
    assert.equal(out.sourceDigest, img.digest);
    assert.equal(out.ref, `${reg.host}/docker/app@${img.digest}`);
    assert.notEqual(out.digest, img.digest);
    const manifest = JSON.parse(await readFile(join(dest, 'blobs/sha256', out.digest.slice(7)), 'utf8')) as RemoteManifest & { config: { mediaType: string; digest: string } };
    assert.equal(manifest.mediaType, MediaType.ociManifest);
    assert.equal(manifest.config.mediaType, MediaType.ociConfig);
    assert.equal(manifest.config.digest, img.manifest.config.digest);
    assert.deepEqual(manifest.layers.map((l) => [l.mediaType, l.digest]), img.layers.map((l) => [MediaType.ociLayerGzip, l.digest]));
    assert.equal(manifest.annotations?.[SOURCE_DIGEST], img.digest);

    const info = JSON.parse((await execOk('skopeo', ['inspect', `oci:${dest}:v1`])).stdout) as { Digest: string };
    assert.equal(info.Digest, out.digest);
    await execOk('umoci', ['unpack', '--image', `${dest}:v1`, join(tmp, 'pulled-docker-bundle')]);
    assert.deepEqual((await readdir(join(tmp, 'pulled-docker-bundle/rootfs/data'))).sort(), ['layer0.bin', 'layer1.bin']);

    const kept = join(tmp, 'pulled-preserved');
    const p = await goscratch(['pull', `${reg.host}/docker/app:v1`, kept, '--preserve-digests', '--quiet']);
    assert.equal(p.code, 0, p.stderr);
    assert.equal(p.stdout.trim(), img.digest);
    assert.ok((await readFile(join(kept, 'blobs/sha256', img.digest.slice(7)))).equals(img.rawManifest));
  });

  it('gzips a docker-archive\'s uncompressed layers on push, the same bytes every time, so crane validates it', async (t) => {
    // skopeo writes docker-archive layers uncompressed, as `docker save` does.
    const img = await testImage({ extra: [{ type: 'file', path: '/data.txt', mode: 0o444, data: Buffer.alloc(2_000_000, 'compressible ') }] });
    const layout = join(tmp, 'for-archive');
    await writeLayout(layout, img, { tags: ['saved:v1'] });
    const archive = join(tmp, 'saved.tar');
    await execOk('skopeo', ['copy', `oci:${layout}:v1`, `docker-archive:${archive}:saved:v1`]);

    const pushed: string[] = [];
    for (const repo of ['saved/one', 'saved/two']) {
      const r = await goscratch(['push', archive, `${reg.host}/${repo}:v1`, '--quiet']);
      assert.equal(r.code, 0, r.stderr);
      pushed.push(r.stdout.trim().split('@')[1]!);
    }
    assert.equal(pushed[0], pushed[1], 'deterministic: the same digest on every push');
    const m = JSON.parse((await raw('saved/one:v1')).bytes) as RemoteManifest;
    for (const l of m.layers) assert.equal(l.mediaType, MediaType.ociLayerGzip);
    const total = m.layers.reduce((n, l) => n + l.size, 0);
    assert.ok(total < 100_000, `pushed layers are compressed: ${total} bytes`);

    const kept = await goscratch(['push', archive, `${reg.host}/saved/kept:v1`, '--preserve-digests', '--quiet']);
    assert.equal(kept.code, 0, kept.stderr);
    const k = JSON.parse((await raw('saved/kept:v1')).bytes) as RemoteManifest;
    assert.deepEqual(k.layers.map((l) => l.mediaType), m.layers.map(() => MediaType.ociLayer));

    if (!requireTool(t, 'crane')) return;
    await execOk('crane', ['validate', '--remote', `${reg.host}/saved/one:v1`], { env: { HOME: tmp } });
  });

  it('tags a referrer `.sbom` only when it is an SBOM', async () => {
    const img = await randomImage({ layerSizes: [64] });
    await pushArtifact(`${reg.host}/refs/app:v1`, img);
    const hex = img.digest.slice(7);
    const sig = await pushReferrer(`${reg.host}/refs/app`, { subject: artifactDescriptor(img), artifactType: 'application/vnd.example.signature+json', blobs: [{ mediaType: 'application/vnd.example.signature+json', data: Buffer.from('{}') }] });
    assert.deepEqual(sig.tags, [`${reg.host}/refs/app:sha256-${hex}`]);
    const sbom = await pushReferrer(`${reg.host}/refs/app`, { subject: artifactDescriptor(img), artifactType: MediaType.cyclonedx, blobs: [{ mediaType: MediaType.cyclonedx, data: Buffer.from('{"bomFormat":"CycloneDX"}') }] });
    assert.deepEqual(sbom.tags, [`${reg.host}/refs/app:sha256-${hex}.sbom`, `${reg.host}/refs/app:sha256-${hex}`]);
    const index = JSON.parse((await raw(`refs/app:sha256-${hex}`)).bytes) as { manifests: { digest: string; artifactType: string }[] };
    assert.deepEqual(index.manifests.map((d) => d.digest).sort(), [sig.digest, sbom.digest].sort());
  });
});
