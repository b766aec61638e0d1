import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { FsView, ImageFsError, normalizeName } from '../../src/image/fsview.js';
import { bufferLayer } from '../../src/image/layer.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { sha256 } from '../../src/oci/digest.js';
import { layerFromTar, rawLayer, tarBytes } from './tarlayers.js';

test('later layers win; whiteouts and opaque directories hide lower entries', async () => {
  const l1 = await rawLayer([
    { name: 'etc/', type: 'directory' },
    { name: 'etc/passwd', data: 'root:x:0:0::/:/bin/sh\n' },
    { name: 'etc/group', data: 'root:x:0:\n' },
    { name: 'app/', type: 'directory' },
    { name: 'app/a', data: 'a1' },
    { name: 'app/b', data: 'b1' },
    { name: 'data/', type: 'directory' },
    { name: 'data/x', data: 'x' },
  ]);
  const l2 = await rawLayer([
    { name: 'etc/.wh.group' },
    { name: 'app/a', data: 'a2' },
    { name: 'data/.wh..wh..opq' },
    { name: 'data/y', data: 'y' },
  ]);
  const v = await FsView.open([l1, l2]);
  assert.deepEqual(v.warnings, []);
  assert.equal((await v.readFile('/app/a')).toString(), 'a2');
  assert.equal((await v.readFile('/app/b')).toString(), 'b1');
  assert.equal(v.lookup('/etc/group'), undefined);
  assert.ok(v.isFile('/etc/passwd'));
  assert.deepEqual(v.list('/data').map((e) => e.path), ['/data/y']);
  assert.equal(v.layerStats.length, 2);
  assert.ok((v.layerStats[0]?.uncompressedSize ?? 0) >= 512 * 8);
});

test('whiteout of a directory removes everything below it', async () => {
  const l1 = await rawLayer([{ name: 'opt/app/bin/x', data: 'x' }, { name: 'opt/keep', data: 'k' }]);
  const l2 = await rawLayer([{ name: 'opt/.wh.app' }]);
  const v = await FsView.open([l1, l2]);
  assert.equal(v.lookup('/opt/app'), undefined);
  assert.equal(v.lookup('/opt/app/bin/x'), undefined);
  assert.ok(v.isFile('/opt/keep'));
});

test('symlinks resolve inside the virtual root, absolute and relative, in chains', async () => {
  const v = await FsView.open([await rawLayer([
    { name: 'usr/bin/real', data: 'ELF?' },
    { name: 'bin', type: 'symlink', linkname: 'usr/bin' },
    { name: 'app', type: 'symlink', linkname: '/bin/real' },
    { name: 'chain1', type: 'symlink', linkname: 'chain2' },
    { name: 'chain2', type: 'symlink', linkname: './app' },
    { name: 'escape', type: 'symlink', linkname: '../../../../../usr/bin/real' },
    { name: 'host', type: 'symlink', linkname: '/etc/shadow' },
    { name: 'hard', type: 'link', linkname: 'usr/bin/real' },
  ])]);
  assert.equal(v.resolve('/chain1'), '/usr/bin/real');
  assert.equal((await v.readFile('/chain1')).toString(), 'ELF?');
  assert.equal((await v.readFile('/escape')).toString(), 'ELF?', '.. stops at the image root');
  assert.equal((await v.readFile('/hard')).toString(), 'ELF?');
  assert.equal(v.lookup('/host'), undefined, 'an absolute target names the image, never the host');
  await assert.rejects(v.readFile('/host'), /\/host does not exist in the image/);
  assert.equal(v.lookup('/app', false)?.type, 'symlink');
});

test('a symlink loop is a clear error, not a hang', async () => {
  const v = await FsView.open([await rawLayer([
    { name: 'a', type: 'symlink', linkname: 'b' },
    { name: 'b', type: 'symlink', linkname: '/a' },
    { name: 'self', type: 'symlink', linkname: 'self/x' },
  ])]);
  assert.throws(() => v.resolve('/a'), (e: unknown) => e instanceof ImageFsError && /too many levels of symbolic links/.test(e.message));
  assert.throws(() => v.resolve('/self'), ImageFsError);
  assert.equal(v.isFile('/a'), false);
  await assert.rejects(v.readFile('/a'), ImageFsError);
});

test('names with .. or a leading slash land inside the root and are reported; nothing is written outside the temp dir', async () => {
  const marker = `goscratch-escape-${process.pid}`;
  const escapes = [`../../../../../../../tmp/${marker}`, `/tmp/${marker}-abs`, `a/../../${marker}-mid`];
  const v = await FsView.open([await rawLayer([...escapes.map((name) => ({ name, data: 'evil' })), { name: 'bin/app', data: 'bin' }])]);
  assert.equal(v.warnings.length, 3);
  assert.match(v.warnings[0] ?? '', /points outside the root; read as \/tmp\/goscratch-escape-/);
  assert.ok(v.isFile(`/tmp/${marker}`));
  assert.ok(v.isFile(`/${marker}-mid`));
  const { path: out, digest } = await v.extractFile(`/tmp/${marker}`);
  assert.equal(readFileSync(out, 'utf8'), 'evil');
  assert.equal(digest, sha256('evil'));
  assert.ok(out.startsWith(tmpdir()));
  assert.deepEqual(readdirSync(dirname(out)), ['file']);
  for (const p of [join(tmpdir(), marker), join(tmpdir(), `${marker}-abs`), join('/', `${marker}-mid`)]) assert.equal(existsSync(p), false, p);
});

test('files captured on the first read are handed out without a second pass', async () => {
  const l1 = await rawLayer([{ name: 'app', data: 'old' }]);
  const l2 = await rawLayer([{ name: 'app', data: 'new' }, { name: 'other', data: 'o' }]);
  const v = await FsView.open([l1, l2], { capture: ['/app', '/missing'] });
  const got = await v.extractFile('/app');
  assert.equal(readFileSync(got.path, 'utf8'), 'new');
  assert.equal(got.digest, sha256('new'));
  // Not captured: read from its layer.
  assert.equal(readFileSync((await v.extractFile('/other')).path, 'utf8'), 'o');
  await v.close();
  assert.ok(existsSync(got.path), 'a handed-out file belongs to the caller');
  await assert.rejects(FsView.open([l1], { capture: ['/app'], maxFileBytes: 1 }).then((x) => x.extractFile('/app')), /more than the 1 goscratch reads/);
});

test('a truncated layer is a clear error', async () => {
  const tar = await tarBytes([{ name: 'big', data: Buffer.alloc(200_000, 7) }, { name: 'after', data: 'x' }]);
  const gz = gzipSync(tar);
  for (const cut of [10, gz.length >> 1, gz.length - 4]) {
    await assert.rejects(FsView.open([layerFromTar(tar, { cut })]), (e: unknown) => e instanceof ImageFsError && /layer 1 \(sha256:.{12}\) is (truncated|corrupt)/.test(e.message), `cut ${cut}`);
  }
  // Truncated inside the tar stream itself (uncompressed layer).
  await assert.rejects(FsView.open([layerFromTar(tar.subarray(0, 100_000), { gzip: false })]), /is truncated/);
  // Garbage instead of gzip.
  const junk = Buffer.from('this is not gzip at all');
  await assert.rejects(FsView.open([bufferLayer({ mediaType: MediaType.ociLayerGzip, digest: sha256(junk), diffId: sha256(junk), bytes: junk })]), /is corrupt: incorrect header check/);
});

test('a decompression bomb stops at the limit', async () => {
  const tar = await tarBytes([{ name: 'zeros', data: Buffer.alloc(96 << 20) }]);
  const bomb = layerFromTar(tar);
  assert.ok(bomb.size < 1 << 20, `bomb is ${bomb.size} bytes`);
  const t0 = Date.now();
  await assert.rejects(FsView.open([bomb]), /expands more than 200x .*a decompression bomb/);
  assert.ok(Date.now() - t0 < 20_000);
  await assert.rejects(FsView.open([bomb], { maxLayerBytes: 1 << 20 }), /expands past 1048576 bytes/);
  await assert.rejects(FsView.open([await rawLayer([{ name: 'a' }, { name: 'b' }, { name: 'c' }])], { maxEntries: 2 }), /more than 2 entries/);
});

test('a layer whose content does not match its diff_id is reported', async () => {
  const tar = await tarBytes([{ name: 'x', data: 'x' }]);
  const bytes = gzipSync(tar);
  const v = await FsView.open([bufferLayer({ mediaType: MediaType.ociLayerGzip, digest: sha256(bytes), diffId: sha256('other'), bytes })]);
  assert.match(v.warnings[0] ?? '', /does not match its diff_id/);
});

test('normalizeName clamps every name inside the root', () => {
  fc.assert(fc.property(fc.array(fc.constantFrom('..', '.', '', 'a', 'b', '/', 'c/..', '../x')), (parts) => {
    const { path } = normalizeName(parts.join('/'));
    assert.ok(path.startsWith('/'));
    assert.ok(!path.split('/').includes('..'));
    assert.ok(!path.includes('//'));
  }));
});

test('property: random tar entries and mutated layers never throw anything but ImageFsError', async () => {
  const entry = fc.record({
    name: fc.oneof(fc.constantFrom('a', 'a/b', '../a', '/etc/passwd', 'x/.wh.y', 'd/.wh..wh..opq', '.', './a/./b', 'l'), fc.string({ maxLength: 30 })),
    type: fc.constantFrom('file', 'directory', 'symlink', 'link') as fc.Arbitrary<'file' | 'directory' | 'symlink' | 'link'>,
    linkname: fc.oneof(fc.constantFrom('a', '/a', '../../a', 'l', '/l/../l', 'a/b'), fc.string({ maxLength: 20 })),
    data: fc.string({ maxLength: 40 }),
  });
  const base = await tarBytes([{ name: 'etc/passwd', data: 'root:x:0:0::/:/x\n' }, { name: 'bin/app', data: Buffer.alloc(3000, 1) }]);
  await fc.assert(fc.asyncProperty(fc.array(entry, { maxLength: 12 }), fc.array(fc.tuple(fc.nat(), fc.nat(255)), { maxLength: 6 }), fc.boolean(), async (entries, flips, gz) => {
    let tar: Buffer;
    try {
      tar = await tarBytes(entries.filter((e) => e.name !== ''));
    } catch {
      return; // tar-stream refused to write the header itself
    }
    const mutated = Buffer.from(base);
    for (const [at, v] of flips) mutated[at % mutated.length] = v;
    // The same flips on the compressed bytes of the intact layer.
    const packed = gzipSync(base);
    for (const [at, v] of flips) packed[at % packed.length] = v;
    const flippedGzip = bufferLayer({ mediaType: MediaType.ociLayerGzip, digest: sha256(packed), diffId: sha256(base), bytes: packed });
    for (const layers of [[layerFromTar(tar, { gzip: gz })], [layerFromTar(mutated, { gzip: gz })], [flippedGzip]]) {
      try {
        const v = await FsView.open(layers);
        for (const p of ['/a', '/l', '/etc/passwd', '/bin/app', '/a/b']) {
          try {
            await v.readFile(p);
          } catch (e) {
            if (!(e instanceof ImageFsError)) throw e;
          }
        }
      } catch (e) {
        if (!(e instanceof ImageFsError)) throw e;
      }
    }
  }), { numRuns: 150 });
});
