import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../../src/image/layerbuilder.js';
import { appendLayers, emptyImage, setContainerConfig } from '../../src/image/mutate.js';
import { newIndex, type Image } from '../../src/image/model.js';
import { readLayout, writeLayout } from '../../src/io/layout.js';
import { readArchive, writeArchive } from '../../src/io/archive.js';
import { GoscratchError } from '../../src/util/errors.js';

async function sampleImage(arch = 'amd64', text = 'hi'): Promise<Image> {
  const layer = await buildLayer([{ type: 'file', path: '/hello.txt', mode: 0o444, data: Buffer.from(text) }], { mtime: 0 });
  const img = appendLayers(emptyImage({ os: 'linux', architecture: arch }), [{ layer, history: { created_by: 'test' } }]);
  return setContainerConfig(img, () => ({ Entrypoint: ['/app'], User: '10001:10001' }));
}

const tmp = (): string => mkdtempSync(join(tmpdir(), 'gs-layout-'));

test('a layout round trip keeps every digest and byte', async () => {
  const img = await sampleImage();
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, img, { tags: ['hello:1.0'] });
  const back = await readLayout(dir, { ref: '1.0' });
  assert.equal(back.kind, 'image');
  assert.equal(back.digest, img.digest);
  assert.equal(back.kind === 'image' && back.rawConfig.equals(img.rawConfig), true);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  assert.equal(index.manifests[0].annotations['org.opencontainers.image.ref.name'], '1.0');
  assert.equal(index.manifests[0].annotations['io.containerd.image.name'], 'docker.io/library/hello:1.0');
  assert.equal((await readLayout(dir, { ref: 'docker.io/library/hello:1.0' })).digest, img.digest);
});

test('writing into an existing layout adds images and moves a reused tag', async () => {
  const dir = join(tmp(), 'layout');
  const a = await sampleImage('amd64', 'a');
  const b = await sampleImage('amd64', 'b');
  await writeLayout(dir, a, { tags: ['app:a', 'app:latest'] });
  await writeLayout(dir, b, { tags: ['app:latest'] });
  assert.equal((await readLayout(dir, { ref: 'app:a' })).digest, a.digest);
  assert.equal((await readLayout(dir, { ref: 'app:latest' })).digest, b.digest);
  await assert.rejects(readLayout(dir), /holds 2 images/);
});

test('an index round trips with its images', async () => {
  const idx = newIndex([await sampleImage('amd64'), await sampleImage('arm64')]);
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, idx, { tags: ['multi:1'] });
  const back = await readLayout(dir);
  assert.equal(back.kind, 'index');
  assert.equal(back.digest, idx.digest);
  assert.deepEqual(back.kind === 'index' && back.images.map((i) => i.platform.architecture), ['amd64', 'arm64']);
});

test('a non-layout directory is refused and left alone', async () => {
  const dir = tmp();
  writeFileSync(join(dir, 'keep.txt'), 'x');
  await assert.rejects(writeLayout(dir, await sampleImage()), (e: unknown) => e instanceof GoscratchError && /not an OCI layout/.test(e.message));
  assert.deepEqual(readdirSync(dir), ['keep.txt']);
});

test('a corrupt blob is detected on read', async () => {
  const img = await sampleImage();
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, img);
  writeFileSync(join(dir, 'blobs/sha256', img.manifest.config.digest.slice(7)), '{}');
  await assert.rejects(readLayout(dir), /corrupt/);
});

test('an archive round trips as an OCI layout and carries docker manifest.json', async () => {
  const img = await sampleImage();
  const file = join(tmp(), 'img.tar');
  await writeArchive(file, img, { tags: ['hello:2'] });
  const back = await readArchive(file);
  assert.equal(back.digest, img.digest);
  const parent = join(file, '..');
  assert.deepEqual(readdirSync(parent), ['img.tar'], 'no temp files left next to the archive');
  assert.ok(existsSync(file));
});
