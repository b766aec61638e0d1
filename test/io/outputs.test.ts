import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync, type Stats } from 'node:fs';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execOk, start } from '../helpers/exec.js';
import { planOutput, writeFileAtomic, writeOutput } from '../../src/util/fs.js';
import { readArchive, writeArchive } from '../../src/io/archive.js';
import { checkOutputs } from '../../src/io/outputs.js';
import { GoscratchError, InputError, UsageError } from '../../src/util/errors.js';
import { testImage } from '../inspect/images.js';

const made: string[] = [];
const tmp = async (): Promise<string> => {
  const d = await mkdtemp(join(tmpdir(), 'gs-outputs-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** A stand-in for fs.Stats of one kind, so the decision is tested for kinds a test may not create. */
function st(kind: 'file' | 'dir' | 'symlink' | 'fifo' | 'char' | 'block' | 'socket'): Stats {
  return {
    isFile: () => kind === 'file',
    isDirectory: () => kind === 'dir',
    isSymbolicLink: () => kind === 'symlink',
    isFIFO: () => kind === 'fifo',
    isCharacterDevice: () => kind === 'char',
    isBlockDevice: () => kind === 'block',
    isSocket: () => kind === 'socket',
  } as Stats;
}

test('planOutput: only a new path or a regular file is replaced; nothing else ever is', () => {
  const p = '/out/x.tar';
  assert.deepEqual(planOutput(p, undefined, undefined, undefined), { how: 'replace', path: p });
  assert.deepEqual(planOutput(p, st('file'), st('file'), undefined), { how: 'replace', path: p });
  // A symlink to a regular file: the file it names is replaced, the link stays.
  assert.deepEqual(planOutput(p, st('symlink'), st('file'), '/real/x.tar'), { how: 'replace', path: '/real/x.tar' });
  assert.equal(planOutput(p, st('symlink'), st('file'), '/real/x.tar', { links: false }).how, 'refuse');
  assert.match((planOutput(p, st('symlink'), undefined, undefined) as { why: string }).why, /symbolic link to nothing/);
  // FIFOs and character devices (/dev/null) are written through when allowed, refused otherwise.
  for (const k of ['fifo', 'char'] as const) {
    assert.deepEqual(planOutput(p, st(k), st(k), undefined, { devices: true }), { how: 'stream', path: p, fifo: k === 'fifo' });
    assert.equal(planOutput(p, st('symlink'), st(k), undefined, { devices: true }).how, 'stream');
    assert.equal(planOutput(p, st(k), st(k), undefined).how, 'refuse');
  }
  // This process's own stdout behind /dev/stdout, even a socket, is written to directly.
  assert.deepEqual(planOutput(p, st('symlink'), st('socket'), undefined, { devices: true }, 1), { how: 'stdio', path: p, fd: 1 });
  for (const k of ['dir', 'block', 'socket'] as const) {
    assert.equal(planOutput(p, st(k), st(k), undefined, { devices: true }).how, 'refuse', k);
    assert.equal(planOutput(p, st('symlink'), st(k), undefined, { devices: true }).how, 'refuse', `link to ${k}`);
  }
});

test('an archive written into a FIFO reaches its reader whole, and the FIFO stays', async () => {
  const d = await tmp();
  const fifo = join(d, 'image.fifo');
  await execOk('mkfifo', [fifo]);
  const copy = join(d, 'copy.tar');
  // The reader is a child process, so a writer that never comes cannot block this one.
  const reader = start('sh', ['-c', 'cat "$0" > "$1"', fifo, copy], { timeoutMs: 60_000 });
  const img = await testImage();
  try {
    await writeArchive(fifo, img, { tags: ['x:1'] });
  } finally {
    if (!(await lstat(fifo)).isFIFO()) reader.child.kill('SIGKILL');
  }
  assert.equal((await reader.done).code, 0);
  assert.ok((await lstat(fifo)).isFIFO());
  assert.equal((await readArchive(copy)).digest, img.digest);
  assert.deepEqual((await readdir(d)).sort(), ['copy.tar', 'image.fifo'], 'no temporary file');
});

test('writing through a symlink replaces the regular file it names and keeps the link', async () => {
  const d = await tmp();
  await mkdir(join(d, 'real'));
  await writeFile(join(d, 'real', 'config.json'), 'old');
  await symlink('real/config.json', join(d, 'config.json'));
  await writeFileAtomic(join(d, 'config.json'), 'new', 0o600);
  assert.equal(await readlink(join(d, 'config.json')), 'real/config.json');
  assert.equal(await readFile(join(d, 'real', 'config.json'), 'utf8'), 'new');
  assert.equal((await lstat(join(d, 'real', 'config.json'))).mode & 0o777, 0o600);
  assert.deepEqual((await readdir(join(d, 'real'))), ['config.json']);
  // Files goscratch owns (a layout's index.json) are never written through a link.
  await assert.rejects(writeFileAtomic(join(d, 'config.json'), 'x', undefined, { links: false }), (e: unknown) => e instanceof InputError && /symbolic link/.test(e.message));
  assert.equal(await readFile(join(d, 'real', 'config.json'), 'utf8'), 'new');
});

test('a FIFO is refused where only files belong, and an output path that is one is checked before work starts', async () => {
  const d = await tmp();
  const fifo = join(d, 'f');
  await execOk('mkfifo', [fifo]);
  await assert.rejects(writeFileAtomic(fifo, 'x'), (e: unknown) => e instanceof InputError && /FIFO/.test(e.message));
  await assert.rejects(writeOutput(d, 'x'), (e: unknown) => e instanceof UsageError && /directory/.test(e.message));
  await checkOutputs({ tarball: fifo });
  await assert.rejects(checkOutputs({ tarball: d }), (e: unknown) => e instanceof UsageError && /directory/.test(e.message));
  const dangling = join(d, 'dangling');
  await symlink(join(d, 'nowhere', 'x'), dangling);
  await assert.rejects(checkOutputs({ tarball: dangling }), (e: unknown) => e instanceof UsageError && /symbolic link to nothing/.test(e.message));
  assert.ok((await lstat(fifo)).isFIFO());
});

test('a full disk names the path it could not write', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, async (t) => {
  const d = await tmp();
  const small = join(d, 'small');
  await mkdir(small);
  await execOk('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', small]);
  t.after(() => execOk('umount', [small]));
  const img = await testImage({ extra: [{ type: 'file', path: '/big', mode: 0o644, data: (await import('node:crypto')).randomBytes(512 * 1024) }] });
  const file = join(small, 'image.tar');
  await assert.rejects(writeArchive(file, img), (e: unknown) => e instanceof GoscratchError && e.message.includes(file) && /no space left on device/.test(e.message));
  assert.deepEqual(await readdir(small), [], 'the partial temp file is removed');
});
