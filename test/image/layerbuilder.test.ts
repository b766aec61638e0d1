import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { extract } from 'tar-stream';
import { buildLayer, normalizeEntries, tarName, type LayerEntry } from '../../src/image/layerbuilder.js';
import { sha256 } from '../../src/oci/digest.js';
import { Cache } from '../../src/util/cache.js';

async function readAll(layer: Awaited<ReturnType<typeof buildLayer>>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of await layer.open()) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

async function listTar(tarBytes: Buffer): Promise<Array<{ name: string; mode: number; uid: number; gid: number; mtime: number; type: string }>> {
  const ex = extract();
  const out: Array<{ name: string; mode: number; uid: number; gid: number; mtime: number; type: string }> = [];
  ex.on('entry', (h, s, next) => {
    out.push({ name: h.name, mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime.getTime() / 1000, type: h.type });
    s.on('end', () => next());
    s.resume();
  });
  const done = new Promise<void>((r) => ex.on('finish', () => r()));
  ex.end(tarBytes);
  await done;
  return out;
}

const entries: LayerEntry[] = [
  { type: 'file', path: '/usr/local/bin/app', mode: 0o555, data: Buffer.from('binary') },
  { type: 'file', path: '/etc/passwd', mode: 0o444, data: Buffer.from('root:x:0:0::/:/x\n') },
  { type: 'dir', path: '/tmp', mode: 0o1777 },
];

test('the same entries in any order give byte-identical layers', async () => {
  const a = await buildLayer(entries, { mtime: 1700000000, cache: false });
  const b = await buildLayer([...entries].reverse(), { mtime: 1700000000, cache: false });
  assert.deepEqual(await readAll(a), await readAll(b));
  assert.equal(a.digest, b.digest);
  assert.equal(a.diffId, b.diffId);
});

test('digest and diffId describe the compressed and uncompressed bytes', async () => {
  const l = await buildLayer(entries, { mtime: 0 });
  const bytes = await readAll(l);
  assert.equal(l.digest, sha256(bytes));
  assert.equal(l.size, bytes.length);
  assert.equal(l.diffId, sha256(gunzipSync(bytes)));
  // gzip header: no name, mtime 0, so nothing of the build machine leaks in.
  assert.equal(bytes.readUInt32LE(4), 0);
});

test('a different mtime gives a different digest', async () => {
  const a = await buildLayer(entries, { mtime: 0 });
  const b = await buildLayer(entries, { mtime: 1 });
  assert.notEqual(a.digest, b.digest);
});

test('entries are sorted, parents added, owners 0:0, modes and mtimes fixed', async () => {
  const l = await buildLayer(entries, { mtime: 1234 });
  const list = await listTar(gunzipSync(await readAll(l)));
  assert.deepEqual(list.map((e) => e.name), ['etc/', 'etc/passwd', 'tmp/', 'usr/', 'usr/local/', 'usr/local/bin/', 'usr/local/bin/app']);
  assert.ok(list.every((e) => e.uid === 0 && e.gid === 0 && e.mtime === 1234));
  const mode = (n: string): number => list.find((e) => e.name === n)!.mode;
  assert.equal(mode('usr/local/bin/app'), 0o555);
  assert.equal(mode('etc/passwd'), 0o444);
  assert.equal(mode('tmp/'), 0o1777);
  assert.equal(mode('usr/'), 0o755);
});

test('an entry with its own owner gets it in the tar header; its parents stay root\'s', async () => {
  const l = await buildLayer([{ type: 'dir', path: '/var/lib/app', mode: 0o700, owner: { uid: 10001, gid: 10002 } }, { type: 'file', path: '/etc/app.conf', mode: 0o440, data: Buffer.from('x'), owner: { uid: 0, gid: 10002 } }], { mtime: 0, cache: false });
  const list = await listTar(gunzipSync(await readAll(l)));
  assert.deepEqual(list.map((e) => [e.name, e.uid, e.gid, e.mode]), [
    ['etc/', 0, 0, 0o755],
    ['etc/app.conf', 0, 10002, 0o440],
    ['var/', 0, 0, 0o755],
    ['var/lib/', 0, 0, 0o755],
    ['var/lib/app/', 10001, 10002, 0o700],
  ]);
});

test('files streamed from disk equal the same bytes given in memory', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-layer-'));
  const data = Buffer.alloc(3 * 1024 * 1024, 7);
  writeFileSync(join(dir, 'bin'), data);
  const fromDisk = await buildLayer([{ type: 'file', path: '/bin/app', mode: 0o555, source: join(dir, 'bin'), size: data.length }], { mtime: 0, cache: false });
  const fromMem = await buildLayer([{ type: 'file', path: '/bin/app', mode: 0o555, data }], { mtime: 0, cache: false });
  assert.equal(fromDisk.digest, fromMem.digest);
});

test('bad paths are refused: empty, "..", duplicates, file used as a directory', () => {
  assert.throws(() => tarName('/'), /invalid path/);
  assert.throws(() => tarName('/a/../b'), /invalid path/);
  assert.equal(tarName('//usr/./bin/'), 'usr/bin');
  assert.throws(() => normalizeEntries([{ type: 'dir', path: '/a', mode: 0o755 }, { type: 'dir', path: 'a/', mode: 0o755 }]), /duplicate path/);
  assert.throws(() => normalizeEntries([{ type: 'file', path: '/a', mode: 0o444, data: Buffer.alloc(0) }, { type: 'file', path: '/a/b', mode: 0o444, data: Buffer.alloc(0) }]), /both a file and a directory/);
});

test('a layer read back from the cache is byte-identical to a fresh one', async () => {
  const cache = mkdtempSync(join(tmpdir(), 'gs-cache-'));
  const saved = process.env.GOSCRATCH_CACHE;
  process.env.GOSCRATCH_CACHE = cache;
  try {
    const data = Buffer.from('unique ' + cache);
    const first = await buildLayer([{ type: 'file', path: '/c', mode: 0o444, data }], { mtime: 0 });
    assert.equal(readdirSync(join(cache, 'layers')).length, 2, 'the compressed layer was cached, with its record');
    const second = await buildLayer([{ type: 'file', path: '/c', mode: 0o444, data }], { mtime: 0 });
    assert.deepEqual(await readAll(second), await readAll(first));
    assert.equal(second.digest, first.digest);
    assert.equal(second.diffId, sha256(gunzipSync(await readAll(second))));
  } finally {
    if (saved === undefined) delete process.env.GOSCRATCH_CACHE;
    else process.env.GOSCRATCH_CACHE = saved;
  }
});

test('a layer of files on disk is remembered by their identity: used while they are unchanged, never after a write, even one that keeps the size and restores the mtime', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'gs-layer-'));
  const cacheDir = mkdtempSync(join(tmpdir(), 'gs-cache-'));
  const cache = new Cache(cacheDir);
  const file = join(dir, 'app');
  writeFileSync(file, 'A'.repeat(4096));
  const fromDisk = (identity?: string): LayerEntry[] => [{ type: 'file', path: '/bin/app', mode: 0o555, source: file, size: statSync(file).size, ...(identity ? { identity } : {}) }];
  const inMemory = async (data: string) => (await buildLayer([{ type: 'file', path: '/bin/app', mode: 0o555, data: Buffer.from(data) }], { mtime: 0, cache: false })).digest;
  const stored = () => readdirSync(join(cacheDir, 'layers')).map((f) => join(cacheDir, 'layers', f));
  const records = () => stored().filter((f) => readFileSync(f)[0] === '{'.charCodeAt(0));

  const fresh = await buildLayer(fromDisk(), { mtime: 0, cache });
  assert.equal(fresh.digest, await inMemory('A'.repeat(4096)));
  assert.equal(records().length, 1, 'a file changed within two seconds is not remembered by its identity (only the tar\'s record is kept)');
  await sleep(2_100);
  await buildLayer(fromDisk(), { mtime: 0, cache });
  assert.equal(records().length, 2, 'older than two seconds: remembered');

  // The identity's record is what answers: with every record pointed at another cached
  // layer, that layer comes back (the tar's record would be refused: another diffId).
  const other = await buildLayer([{ type: 'file', path: '/other', mode: 0o444, data: Buffer.from('other') }], { mtime: 0, cache });
  const kept = new Map(records().map((f) => [f, readFileSync(f)]));
  for (const f of kept.keys()) writeFileSync(f, JSON.stringify({ diffId: other.diffId, digest: other.digest }));
  assert.equal((await buildLayer(fromDisk(), { mtime: 0, cache })).digest, other.digest);
  for (const [f, text] of kept) writeFileSync(f, text);
  assert.deepEqual(await readAll(await buildLayer(fromDisk(), { mtime: 0, cache })), await readAll(fresh));

  // Damaged compressed bytes are never used: the file is packed and compressed again.
  writeFileSync(join(cacheDir, 'layers', fresh.digest.slice(7)), 'damaged');
  assert.equal((await buildLayer(fromDisk(), { mtime: 0, cache })).digest, fresh.digest);

  // Rewritten in place with the same size, its mtime put back: the change time tells.
  const { atime, mtime } = statSync(file);
  writeFileSync(file, 'B'.repeat(4096));
  utimesSync(file, atime, mtime);
  assert.equal((await buildLayer(fromDisk(), { mtime: 0, cache })).digest, await inMemory('B'.repeat(4096)));

  // A file with an identity of its own (a Go build ID) is known by it, however fresh.
  writeFileSync(file, 'C'.repeat(4096));
  assert.equal((await buildLayer(fromDisk('id-c'), { mtime: 0, cache })).digest, await inMemory('C'.repeat(4096)));
  writeFileSync(file, 'D'.repeat(4096));
  assert.equal((await buildLayer(fromDisk('id-c'), { mtime: 0, cache })).digest, await inMemory('C'.repeat(4096)), 'the same identity: the file is not read');
  assert.equal((await buildLayer(fromDisk('id-d'), { mtime: 0, cache })).digest, await inMemory('D'.repeat(4096)));
});
