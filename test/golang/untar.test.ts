/**
 * Unpacking a toolchain archive as hostile input: only files and directories under
 * go/, never outside the destination, never through or as a link, never over a path
 * already written, and within bounds.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { pack, type Header } from 'tar-stream';
import { entryPath, unpackTarGz } from '../../src/golang/untar.js';
import { InputError } from '../../src/util/errors.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';

type Entry = Partial<Header> & { name: string; body?: string | Buffer };

async function tarGz(entries: readonly Entry[]): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on('data', (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const ended = new Promise<void>((resolve) => p.on('end', () => resolve()));
  for (const { body, ...h } of entries) {
    await new Promise<void>((resolve, reject) => p.entry(h, body ?? '', (e) => (e ? reject(e) : resolve())));
  }
  p.finalize();
  await ended;
  return gzipSync(Buffer.concat(chunks));
}

/** Unpacks `entries` into a fresh dest; returns the error, if any, and the files found anywhere under the test's directory. */
async function unpack(t: { after(fn: () => Promise<void>): void }, entries: Entry[], limits?: { maxBytes: number; maxEntries: number }) {
  const dir = await makeTempDir('untar');
  t.after(() => removeTree(dir));
  const file = join(dir, 'a.tar.gz');
  await writeFile(file, await tarGz(entries));
  const dest = join(dir, 'dest');
  await mkdir(dest);
  const error = await unpackTarGz(file, dest, 'go', limits).then(() => undefined, (e: unknown) => e);
  const all = (await readdir(dir, { recursive: true })).sort();
  return { error, all, dest, dir };
}

test('entry names: under the top directory, no "..", no absolute names, no NUL', () => {
  assert.equal(entryPath('go/bin/go', 'go'), 'go/bin/go');
  assert.equal(entryPath('./go//src/./x.go', 'go'), 'go/src/x.go');
  assert.deepEqual(entryPath('/etc/passwd', 'go'), { refused: 'has an absolute name' });
  assert.deepEqual(entryPath('go/../../x', 'go'), { refused: 'has ".." in its name' });
  assert.deepEqual(entryPath('other/bin/go', 'go'), { refused: 'is not under go/' });
  assert.deepEqual(entryPath('go/a\0b', 'go'), { refused: 'has a NUL byte in its name' });
});

test('a Go-shaped archive unpacks: files with their exec bit, directories', async (t) => {
  const r = await unpack(t, [
    { name: 'go/', type: 'directory', mode: 0o755 },
    { name: 'go/bin/go', mode: 0o4755, body: '#!/bin/sh\n' },
    { name: 'go/VERSION', mode: 0o666, body: 'go1.22.0\n' },
  ]);
  assert.equal(r.error, undefined);
  assert.equal(await readFile(join(r.dest, 'go/VERSION'), 'utf8'), 'go1.22.0\n');
  assert.equal((await stat(join(r.dest, 'go/bin/go'))).mode & 0o7777, 0o755, 'no setuid, exec kept');
  assert.equal((await stat(join(r.dest, 'go/VERSION'))).mode & 0o7777, 0o644);
});

for (const [name, entries, why] of [
  ['path traversal', [{ name: 'go/../../escaped', body: 'x' }], /has "\.\." in its name/],
  ['an absolute name', [{ name: '/tmp/escaped', body: 'x' }], /has an absolute name/],
  ['a file outside go/', [{ name: 'escaped', body: 'x' }], /is not under go\//],
  ['a symbolic link out', [{ name: 'go/lib', type: 'symlink', linkname: '/etc' }, { name: 'go/lib/passwd', body: 'x' }], /go\/lib is a symlink/],
  ['a hard link', [{ name: 'go/x', type: 'link', linkname: '/etc/passwd' }], /go\/x is a link/],
  ['a device', [{ name: 'go/dev', type: 'character-device', devmajor: 1, devminor: 3 }], /go\/dev is a character-device/],
  ['a path written twice', [{ name: 'go/a', body: 'first' }, { name: 'go/a', body: 'second' }], /names one path twice/],
] as const) {
  test(`refused: ${name}, and nothing written outside the destination`, async (t) => {
    const r = await unpack(t, entries as unknown as Entry[]);
    assert.ok(r.error instanceof InputError, String(r.error));
    assert.match((r.error as Error).message, why);
    assert.deepEqual(r.all.filter((p) => !p.startsWith('dest') && p !== 'a.tar.gz'), [], 'nothing beside dest');
    assert.ok(!r.all.some((p) => p.includes('escaped') || p.includes('passwd')));
  });
}

test('bounds: expanded bytes and entry counts', async (t) => {
  const big = await unpack(t, [{ name: 'go/zeros', body: Buffer.alloc(1 << 20) }], { maxBytes: 64 * 1024, maxEntries: 10 });
  assert.match(String(big.error), /expands past 65536 bytes/);
  const many = await unpack(t, Array.from({ length: 20 }, (_, i) => ({ name: `go/f${i}`, body: 'x' })), { maxBytes: 1 << 20, maxEntries: 10 });
  assert.match(String(many.error), /more than 10 entries/);
});

test('a corrupt archive is an input error, not a crash', async (t) => {
  const dir = await makeTempDir('untar');
  t.after(() => removeTree(dir));
  const file = join(dir, 'a.tar.gz');
  await writeFile(file, gzipSync(Buffer.from('not a tar archive at all')).subarray(0, 20));
  await mkdir(join(dir, 'dest'));
  await assert.rejects(unpackTarGz(file, join(dir, 'dest'), 'go'), InputError);
});
