import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readArchive, writeArchive } from '../../src/io/archive.js';
import { indexTar, resolveEntry } from '../../src/io/tarindex.js';
import type { Image, Layer } from '../../src/image/model.js';
import { InputError } from '../../src/util/errors.js';
import { testImage } from '../inspect/images.js';
import { writeTar } from './hostile.js';

const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gs-archive-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

async function bytesOf(l: Layer): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await l.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

/** Runs `fn` with TMPDIR pointed at a fresh directory and returns what was left in it. */
async function inOwnTmp<T>(fn: () => Promise<T>): Promise<{ value: T; left: string[] }> {
  const saved = process.env.TMPDIR;
  const own = tmp();
  process.env.TMPDIR = own;
  try {
    const value = await fn();
    return { value, left: readdirSync(own) };
  } finally {
    if (saved === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = saved;
  }
}

async function sample(): Promise<Image> {
  return testImage({ extra: [{ type: 'file', path: '/data.bin', mode: 0o644, data: Buffer.alloc(300_000, 5) }] });
}

test('an archive is read without extracting it: layers come from byte ranges, verified, and TMPDIR stays empty', async () => {
  const img = await sample();
  const file = join(tmp(), 'img.tar');
  await writeArchive(file, img, { tags: ['app:1'] });
  const { value: back, left } = await inOwnTmp(async () => {
    const a = await readArchive(file);
    assert.equal(a.kind, 'image');
    for (const [i, l] of (a as Image).layers.entries()) assert.ok((await bytesOf(l)).equals(await bytesOf(img.layers[i]!)));
    return a;
  });
  assert.equal(back.digest, img.digest);
  assert.deepEqual(left, []);
});

/** A docker-archive as `docker save` (before 25) and skopeo write it: manifest.json, config, uncompressed layer.tar files. */
async function dockerArchive(img: Image, o: { gzip?: boolean; swap?: Buffer } = {}): Promise<string> {
  const file = join(tmp(), 'docker.tar');
  const layers = await Promise.all(img.layers.map(async (l) => gunzipSync(await bytesOf(l))));
  const names = layers.map((_, i) => `layer${i}/layer.tar`);
  const body = (i: number): Buffer => {
    const tar = o.swap && i === layers.length - 1 ? o.swap : layers[i]!;
    return o.gzip ? gzipSync(tar) : tar;
  };
  await writeTar(file, [
    { name: 'manifest.json', data: Buffer.from(JSON.stringify([{ Config: 'config.json', RepoTags: ['app:1'], Layers: names }])) },
    { name: 'config.json', data: img.rawConfig },
    ...names.map((name, i) => ({ name, data: body(i) })),
  ]);
  return file;
}

test('a docker-archive (manifest.json only) is read lazily; its layers are checked against the config\'s diff_ids', async () => {
  const img = await sample();
  const file = await dockerArchive(img);
  const { value: a, left } = await inOwnTmp(() => readArchive(file, { ref: 'app:1' }));
  assert.deepEqual(left, []);
  const back = a as Image;
  assert.deepEqual(back.layers.map((l) => l.digest), img.config.rootfs.diff_ids);
  assert.ok((await bytesOf(back.layers[0]!)).equals(gunzipSync(await bytesOf(img.layers[0]!))));
  // A layer whose bytes are not the config's diff_id fails when it is read.
  const other = gunzipSync(await bytesOf((await testImage({ extra: [{ type: 'file', path: '/data.bin', mode: 0o644, data: Buffer.alloc(300_000, 6) }] })).layers.at(-1)!));
  const swapped = (await readArchive(await dockerArchive(img, { swap: other }))) as Image;
  await assert.rejects(bytesOf(swapped.layers.at(-1)!), (e: unknown) => e instanceof InputError && /does not match|corrupt/.test(e.message));
});

test('a docker-archive with gzip layers gets their digests, and refuses one that does not expand to its diff_id', async () => {
  const img = await sample();
  const a = (await readArchive(await dockerArchive(img, { gzip: true }))) as Image;
  assert.equal(a.layers[0]!.mediaType, 'application/vnd.oci.image.layer.v1.tar+gzip');
  assert.equal(a.layers[0]!.diffId, img.config.rootfs.diff_ids[0]);
  const other = gunzipSync(await bytesOf((await testImage({ extra: [{ type: 'file', path: '/x', mode: 0o644, data: Buffer.from('x') }] })).layers.at(-1)!));
  await assert.rejects(readArchive(await dockerArchive(img, { gzip: true, swap: other })), (e: unknown) => e instanceof InputError && /diff_id/.test(e.message));
});

test('the tar index reads long (pax) names, follows links inside the archive, and ignores names outside it', async () => {
  const file = join(tmp(), 't.tar');
  const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
  await writeTar(file, [
    { name: long, data: Buffer.from('long') },
    { name: './a/b.txt', data: Buffer.from('bee') },
    { name: '../../etc/passwd', data: Buffer.from('nope') },
    { name: 'blobs/alias', type: 'symlink', linkname: '../a/b.txt' },
    { name: 'hard', type: 'link', linkname: 'a/b.txt' },
  ]);
  const idx = await indexTar(file);
  const bytes = readFileSync(file);
  const read = (name: string): string | undefined => {
    const e = idx.get(name);
    return e?.type === 'file' ? bytes.subarray(e.start, e.start + e.size).toString() : undefined;
  };
  assert.equal(read(long), 'long');
  assert.equal(read('a/b.txt'), 'bee');
  assert.equal(read('etc/passwd'), undefined);
  for (const name of ['blobs/alias', 'hard']) {
    const r = resolveEntry(idx, name);
    assert.equal(r && bytes.subarray(r.start, r.start + r.size).toString(), 'bee', name);
  }
});

test('a truncated or foreign file is an input error that says so', async () => {
  const img = await sample();
  const file = join(tmp(), 'img.tar');
  await writeArchive(file, img);
  const bytes = readFileSync(file);
  const cut = join(tmp(), 'cut.tar');
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length / 2)));
  await assert.rejects(readArchive(cut), (e: unknown) => e instanceof InputError && /truncated/.test(e.message));
  const foreign = join(tmp(), 'foreign.tar');
  writeFileSync(foreign, Buffer.alloc(4096, 0x41));
  await assert.rejects(readArchive(foreign), (e: unknown) => e instanceof InputError && /not a tar archive/.test(e.message));
});
