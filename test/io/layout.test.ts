import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync, existsSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../../src/image/layerbuilder.js';
import { appendLayers, emptyImage, setContainerConfig } from '../../src/image/mutate.js';
import { newIndex, type Image } from '../../src/image/model.js';
import { readLayout, writeLayout } from '../../src/io/layout.js';
import { readArchive, writeArchive } from '../../src/io/archive.js';
import { GoscratchError, InputError } from '../../src/util/errors.js';

async function sampleImage(arch = 'amd64', text = 'hi'): Promise<Image> {
  const layer = await buildLayer([{ type: 'file', path: '/hello.txt', mode: 0o444, data: Buffer.from(text) }], { mtime: 0 });
  const img = appendLayers(emptyImage({ os: 'linux', architecture: arch }), [{ layer, history: { created_by: 'test' } }]);
  return setContainerConfig(img, () => ({ Entrypoint: ['/app'], User: '10001:10001' }));
}

const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gs-layout-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

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

test('a blobs/sha256 that is a symlink is refused, and nothing is written through it', async () => {
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, await sampleImage('amd64', 'a'));
  const elsewhere = tmp();
  rmSync(join(dir, 'blobs', 'sha256'), { recursive: true });
  symlinkSync(elsewhere, join(dir, 'blobs', 'sha256'));
  await assert.rejects(writeLayout(dir, await sampleImage('amd64', 'b'), { tags: ['b:1'] }), (e: unknown) => e instanceof InputError && /symbolic link/.test(e.message));
  assert.deepEqual(readdirSync(elsewhere), []);
});

test('adding an image keeps index.json\'s annotations and the other entries as they were', async () => {
  const dir = join(tmp(), 'layout');
  const a = await sampleImage('amd64', 'a');
  await writeLayout(dir, a, { tags: ['app:a'] });
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  index.annotations = { 'org.example.note': 'keep me' };
  index.manifests[0].annotations['org.example.extra'] = 'mine';
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  await writeLayout(dir, await sampleImage('amd64', 'b'), { tags: ['app:b'] });
  const after = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8'));
  assert.deepEqual(after.annotations, { 'org.example.note': 'keep me' });
  assert.equal(after.manifests[0].annotations['org.example.extra'], 'mine');
  assert.equal(after.manifests.length, 2);
});

test('writers racing in one process to create and fill one layout lose nothing', async () => {
  const dir = join(tmp(), 'layout');
  const images = await Promise.all(Array.from({ length: 6 }, (_, i) => sampleImage('amd64', `r${i}`)));
  await Promise.all(images.map((img, i) => writeLayout(dir, img, { tags: [`race:${i}`] })));
  for (const [i, img] of images.entries()) assert.equal((await readLayout(dir, { ref: `race:${i}` })).digest, img.digest);
  assert.deepEqual(readdirSync(join(dir, '..')), ['layout'], 'no temporary layout left');
  assert.deepEqual(readdirSync(dir).sort(), ['blobs', 'index.json', 'oci-layout'], 'no lock left');
});

test('a lock left by a process that died is taken over', async () => {
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, await sampleImage('amd64', 'a'), { tags: ['a:1'] });
  // pid 2^22 is above Linux's pid_max default of 2^22 - 1: no such process.
  writeFileSync(join(dir, 'index.json.lock'), `4194304 ${hostname()} 1\n`);
  await writeLayout(dir, await sampleImage('amd64', 'b'), { tags: ['b:1'] });
  assert.equal((await readLayout(dir, { ref: 'b:1' })).kind, 'image');
  assert.ok(!existsSync(join(dir, 'index.json.lock')));
});

test('index.json written as a symlink in a layout is refused, its target untouched', async () => {
  const dir = join(tmp(), 'layout');
  await writeLayout(dir, await sampleImage('amd64', 'a'), { tags: ['a:1'] });
  const victim = join(tmp(), 'victim.txt');
  writeFileSync(victim, 'precious');
  writeFileSync(victim + '.json', readFileSync(join(dir, 'index.json')));
  rmSync(join(dir, 'index.json'));
  symlinkSync(victim + '.json', join(dir, 'index.json'));
  await assert.rejects(writeLayout(dir, await sampleImage('amd64', 'b'), { tags: ['b:1'] }), (e: unknown) => e instanceof InputError && /symbolic link/.test(e.message));
  assert.equal(readFileSync(victim, 'utf8'), 'precious');
});

test('a layer is verified when opened: swapped bytes fail the stream', async () => {
  const dir = join(tmp(), 'layout');
  const a = await sampleImage('amd64', 'aaaa');
  const b = await sampleImage('amd64', 'bbbb');
  await writeLayout(dir, a);
  const other = join(tmp(), 'other');
  await writeLayout(other, b);
  const la = a.layers.at(-1)!;
  const lb = b.layers.at(-1)!;
  assert.equal(la.size, lb.size, 'same size, so only the digest tells');
  writeFileSync(join(dir, 'blobs/sha256', la.digest.slice(7)), readFileSync(join(other, 'blobs/sha256', lb.digest.slice(7))));
  const back = await readLayout(dir);
  const layer = (back.kind === 'image' ? back.layers : []).at(-1)!;
  await assert.rejects(async () => {
    for await (const _ of await layer.open()) {
      // reading to the end
    }
  }, (e: unknown) => e instanceof InputError && /does not match its digest/.test(e.message));
});
