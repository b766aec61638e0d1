import { test } from 'node:test';
import assert from 'node:assert/strict';
import { newIndex } from '../../src/image/model.js';
import { setIndexAnnotations } from '../../src/image/mutate.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { testImage } from '../registry/fixtures.js';

test('setIndexAnnotations keeps a Docker manifest list a Docker list, and every entry as it was', async () => {
  const amd = await testImage({ platform: { os: 'linux', architecture: 'amd64' }, format: 'docker', layerSizes: [64] });
  const arm = await testImage({ platform: { os: 'linux', architecture: 'arm64' }, format: 'docker', layerSizes: [64] });
  const list = newIndex([amd, arm], { format: 'docker', descriptors: [{ annotations: { 'org.example.kept': 'yes' } }] });
  const out = setIndexAnnotations(list, { 'org.opencontainers.image.revision': 'abc' });
  assert.equal(out.index.mediaType, MediaType.dockerManifestList);
  assert.deepEqual(out.index.manifests, list.index.manifests);
  assert.equal(out.index.manifests[0]?.annotations?.['org.example.kept'], 'yes');
  assert.equal(out.index.annotations?.['org.opencontainers.image.revision'], 'abc');
  assert.notEqual(out.digest, list.digest);
});

test('newIndex takes extra descriptor fields but never lets them override what the image says', async () => {
  const img = await testImage({ layerSizes: [64] });
  const idx = newIndex([img], { descriptors: [{ digest: 'sha256:' + '0'.repeat(64), annotations: { a: 'b' } }] });
  assert.equal(idx.index.manifests[0]?.digest, img.digest);
  assert.deepEqual(idx.index.manifests[0]?.annotations, { a: 'b' });
});
