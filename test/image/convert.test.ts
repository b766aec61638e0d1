// Conversions between forms of one image: Docker schema 2 to OCI (what `skopeo copy
// ... oci:` does, for readers of OCI layouts), and uncompressed layers to gzip (what
// crane and skopeo do on push).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { gzipLayers, SOURCE_DIGEST, toOci } from '../../src/image/convert.js';
import { bufferLayer } from '../../src/image/layer.js';
import { newImage, newIndex, type Image, type Layer } from '../../src/image/model.js';
import { BLOCK_SIZE, gzipParallel, gzipStream } from '../../src/image/pgzip.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { sha256 } from '../../src/oci/digest.js';
import { testImage } from '../registry/fixtures.js';

async function bytesOf(l: Layer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await l.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

test('a Docker manifest list becomes an OCI index of OCI manifests; configs and layers keep their bytes', async () => {
  const amd = await testImage({ platform: { os: 'linux', architecture: 'amd64' }, format: 'docker', layerSizes: [64, 128] });
  const arm = await testImage({ platform: { os: 'linux', architecture: 'arm64' }, format: 'docker', layerSizes: [64] });
  const list = newIndex([amd, arm], { format: 'docker' });
  const oci = toOci(list);
  assert.equal(oci.kind, 'index');
  if (oci.kind !== 'index') return;
  assert.equal(oci.mediaType, MediaType.ociIndex);
  assert.equal(oci.index.mediaType, MediaType.ociIndex);
  assert.equal(oci.index.annotations?.[SOURCE_DIGEST], list.digest);
  for (const [i, img] of oci.images.entries()) {
    const src = list.images[i]!;
    assert.equal(img.mediaType, MediaType.ociManifest);
    assert.equal(img.manifest.mediaType, MediaType.ociManifest);
    assert.equal(img.manifest.config.mediaType, MediaType.ociConfig);
    assert.deepEqual(img.layers.map((l) => l.mediaType), src.layers.map(() => MediaType.ociLayerGzip));
    assert.deepEqual(img.layers.map((l) => l.digest), src.layers.map((l) => l.digest));
    assert.ok(img.rawConfig.equals(src.rawConfig), 'the config is byte-identical');
    assert.equal(img.manifest.annotations?.[SOURCE_DIGEST], src.digest);
    assert.deepEqual(oci.index.manifests[i], { mediaType: MediaType.ociManifest, digest: img.digest, size: img.rawManifest.length, platform: src.platform });
  }
});

test('an OCI artifact is left exactly as it is', async () => {
  const img = await testImage({ layerSizes: [64] });
  assert.equal(toOci(img), img);
  const idx = newIndex([img]);
  assert.equal(toOci(idx), idx);
});

test('a Docker foreign layer becomes OCI non-distributable, keeping its URLs', async () => {
  const img = await testImage({ format: 'docker', layerSizes: [64] });
  const manifest = JSON.parse(img.rawManifest.toString()) as { layers: { mediaType: string; urls?: string[] }[] };
  manifest.layers[0]!.mediaType = MediaType.dockerForeignLayerGzip;
  manifest.layers[0]!.urls = ['https://example.com/layer'];
  const layer = { ...img.layers[0]!, mediaType: MediaType.dockerForeignLayerGzip };
  const { imageFromRaw } = await import('../../src/image/model.js');
  const foreign = imageFromRaw(Buffer.from(JSON.stringify(manifest)), img.rawConfig, [layer]);
  const oci = toOci(foreign) as Image;
  assert.equal(oci.manifest.layers[0]!.mediaType, 'application/vnd.oci.image.layer.nondistributable.v1.tar+gzip');
  assert.deepEqual(oci.manifest.layers[0]!.urls, ['https://example.com/layer']);
});

test('the streaming gzip gives the very bytes of the whole-buffer gzip, whatever the chunking', async () => {
  for (const size of [0, 1, 1000, BLOCK_SIZE, BLOCK_SIZE + 1, 3 * BLOCK_SIZE - 7]) {
    const input = Buffer.alloc(size);
    for (let i = 0; i < size; i++) input[i] = (i * 7919) % 251 ^ (i >> 9);
    const want = await gzipParallel(input);
    for (const chunk of [1 << 16, 4093]) {
      const parts: Buffer[] = [];
      for (let off = 0; off < size; off += chunk) parts.push(input.subarray(off, off + chunk));
      const out: Buffer[] = [];
      for await (const c of Readable.from(parts).pipe(gzipStream())) out.push(c as Buffer);
      const got = Buffer.concat(out);
      assert.ok(got.equals(want), `size ${size}, chunks of ${chunk}: the same bytes`);
      assert.ok(gunzipSync(got).equals(input));
    }
  }
});

test('uncompressed layers are gzipped deterministically; the config (diff_ids) stays as it was', async () => {
  const tar = Buffer.alloc(3 * 1024 * 1024);
  for (let i = 0; i < tar.length; i++) tar[i] = i % 97 === 0 ? i & 0xff : 0;
  const plain = bufferLayer({ mediaType: MediaType.ociLayer, digest: sha256(tar), diffId: sha256(tar), bytes: tar });
  const gz = await testImage({ layerSizes: [64] });
  const img = newImage({ config: gz.config, layers: [...gz.layers, plain] });
  const out = (await gzipLayers(img)) as Image;
  assert.notEqual(out.digest, img.digest);
  assert.ok(out.rawConfig.equals(img.rawConfig), 'the config is unchanged');
  assert.equal(out.layers[0], img.layers[0], 'a gzip layer is kept');
  const l = out.layers[1]!;
  assert.equal(l.mediaType, MediaType.ociLayerGzip);
  assert.equal(l.diffId, sha256(tar));
  const bytes = await bytesOf(l);
  assert.ok(bytes.equals(await gzipParallel(tar)));
  assert.equal(l.digest, sha256(bytes));
  assert.equal(l.size, bytes.length);
  assert.ok(l.size < tar.length / 10);
  assert.equal(out.manifest.layers[1]!.digest, l.digest);
  assert.equal(((await gzipLayers(img)) as Image).digest, out.digest, 'the same on every run');
  assert.equal(await gzipLayers(gz), gz, 'nothing to compress: the same artifact');
});

test('a Docker image with an uncompressed layer gets the Docker gzip type', async () => {
  const tar = Buffer.alloc(10_240, 1);
  const plain = bufferLayer({ mediaType: 'application/vnd.docker.image.rootfs.diff.tar', digest: sha256(tar), diffId: sha256(tar), bytes: tar });
  const base = await testImage({ format: 'docker', layerSizes: [64] });
  const img = newImage({ config: base.config, layers: [plain], format: 'docker' });
  const out = (await gzipLayers(img)) as Image;
  assert.equal(out.layers[0]!.mediaType, MediaType.dockerLayerGzip);
  assert.equal(out.mediaType, MediaType.dockerManifest);
});
