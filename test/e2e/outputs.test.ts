// Where goscratch writes: a new path or a regular file is replaced atomically; a
// FIFO or character device is written through; a symlink is never replaced (written
// through to the regular file it names, refused when it dangles). Only FIFOs,
// symlinks and (as root) a null device node made in the test's own temp dir.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lstat, readFile, readlink, readdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exec, execOk, start } from '../helpers/exec.js';
import { goscratch, startGoscratch } from '../helpers/run.js';
import { copyExample } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { HELLO, buildGo, goMod } from '../binary/gobuild.js';

const isRoot = process.getuid?.() === 0;

describe('output paths that are not regular files', needTools('go'), () => {
  let dir: string;
  let hello: string;
  let n = 0;
  const fresh = async (): Promise<string> => {
    const d = join(dir, `case-${++n}`);
    await execOk('mkdir', ['-p', d]);
    return d;
  };

  before(async () => {
    dir = await makeTempDir('outputs');
    hello = await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO } });
  });
  after(async () => {
    if (dir) await removeTree(dir);
  });

  test('sbom -o FIFO writes through it to the reader and leaves the FIFO in place', async () => {
    const d = await fresh();
    const fifo = join(d, 'sbom.fifo');
    await execOk('mkfifo', [fifo]);
    // The reader is a child process, so a writer that never comes cannot block this one.
    const reader = start('cat', [fifo], { timeoutMs: 60_000 });
    const r = await goscratch(['sbom', hello, '-o', fifo], { timeoutMs: 60_000 });
    if (r.code !== 0 || !(await lstat(fifo)).isFIFO()) reader.child.kill('SIGKILL');
    assert.equal(r.code, 0, r.stderr);
    const got = await reader.done;
    assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
    assert.equal((JSON.parse(got.stdout) as { spdxVersion: string }).spdxVersion, 'SPDX-2.3');
    assert.deepEqual((await readdir(d)).sort(), ['sbom.fifo'], 'no temporary file left');
  });

  test('sbom -o FIFO with no reader waits for one, and SIGTERM still ends it', async () => {
    const d = await fresh();
    const fifo = join(d, 'wait.fifo');
    await execOk('mkfifo', [fifo]);
    const run = startGoscratch(['sbom', hello, '-o', fifo], { timeoutMs: 60_000 });
    await sleep(3000);
    assert.equal(run.child.exitCode, null, `still waiting for a reader: ${run.stderr()}`);
    const sent = Date.now();
    run.child.kill('SIGTERM');
    const r = await run.done;
    assert.ok(Date.now() - sent < 10_000, 'ends within 10 s of SIGTERM');
    // Ended by goscratch's handler (130), or by the signal itself if it came before the handler was set.
    assert.ok(r.code === 130 || r.signal === 'SIGTERM', `ended by SIGTERM: ${r.code ?? r.signal} ${r.stderr}`);
    assert.ok((await lstat(fifo)).isFIFO(), 'still a FIFO');
  });

  test('sbom -o SYMLINK writes the file it names and keeps the link', async () => {
    const d = await fresh();
    const target = join(d, 'real.json');
    await writeFile(target, 'old');
    const link = join(d, 'link.json');
    await symlink('real.json', link);
    const r = await goscratch(['sbom', hello, '-o', link], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok((await lstat(link)).isSymbolicLink());
    assert.equal(await readlink(link), 'real.json');
    assert.equal((JSON.parse(await readFile(target, 'utf8')) as { spdxVersion: string }).spdxVersion, 'SPDX-2.3');
    assert.deepEqual((await readdir(d)).sort(), ['link.json', 'real.json']);
  });

  test('sbom -o a dangling symlink is refused and the link left alone', async () => {
    const d = await fresh();
    const link = join(d, 'dangling.json');
    await symlink(join(d, 'nowhere', 'x.json'), link);
    const r = await goscratch(['sbom', hello, '-o', link], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /symbolic link/);
    assert.ok((await lstat(link)).isSymbolicLink());
  });

  test('sbom -o a link to this process\'s stdout (like /dev/stdout) prints the SBOM and keeps the link', async () => {
    const d = await fresh();
    const link = join(d, 'stdout');
    await symlink('/proc/self/fd/1', link);
    const r = await goscratch(['sbom', hello, '-o', link], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { spdxVersion: string }).spdxVersion, 'SPDX-2.3');
    assert.ok((await lstat(link)).isSymbolicLink());
  });

  test('sbom -o a directory is refused', async () => {
    const d = await fresh();
    const r = await goscratch(['sbom', hello, '-o', d], { timeoutMs: 60_000 });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /directory/);
  });

  test('build --tarball onto a null device node writes through it (as root, a node made in the temp dir)', { skip: isRoot ? false : 'needs root for mknod' }, async () => {
    const d = await fresh();
    const nul = join(d, 'null');
    await execOk('mknod', ['-m', '666', nul, 'c', '1', '3']);
    const src = await copyExample('hello', join(d, 'src'));
    const r = await goscratch(['build', src, '--tarball', nul, '--sbom', 'none', '-q'], { timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    const st = await lstat(nul);
    assert.ok(st.isCharacterDevice(), 'still a character device');
    assert.deepEqual((await readdir(d)).sort(), ['null', 'src'], 'no temporary file left');
    const stat = await exec('stat', ['-c', '%t:%T', nul]);
    assert.equal(stat.stdout.trim(), '1:3');
  });
});
