/**
 * The `go list` answers goscratch keeps (golang/listcache.ts): reused while nothing
 * they depend on changed, asked again otherwise, never kept with an error or for a
 * pattern that names no directory. A stand-in `go` prints a fixed answer and counts
 * how often it runs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { listPackages } from '../../src/golang/packages.js';
import { Cache } from '../../src/util/cache.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';

test('a kept answer is reused until a file go reads, a new directory under ... or go.mod changes', async (t) => {
  const dir = await makeTempDir('listcache');
  t.after(() => removeTree(dir));
  const src = await writeModule(join(dir, 'src'), { 'main.go': 'package main\n\nfunc main() {}\n', 'app.tar': 'an output', 'cmd/a/main.go': 'package main\n\nfunc main() {}\n' });
  const go = join(dir, 'go');
  const runs = join(dir, 'runs');
  const answer = join(dir, 'answer.json');
  await writeFile(go, `#!/bin/sh\necho run >> '${runs}'\ncat '${answer}'\n`);
  await chmod(go, 0o755);
  const say = (extra: object = {}) => writeFile(answer, JSON.stringify({ Dir: src, ImportPath: 'example.com/app', Name: 'main', Module: { Path: 'example.com/app', Dir: src, Main: true }, ...extra }));
  await say();
  const cache = new Cache(join(dir, 'cache'));
  const count = async (): Promise<number> => (await readFile(runs, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
  const list = async (patterns = ['./...']): Promise<number> => {
    const before = await count();
    assert.equal((await listPackages(go, src, patterns, [], cache))[0]?.Name, 'main');
    return (await count()) - before;
  };

  assert.equal(await list(), 1, 'a change within two seconds: asked, not kept');
  await sleep(2_100);
  assert.equal(await list(), 1, 'asked and kept');
  assert.equal(await list(), 0, 'unchanged: reused');
  await writeFile(join(src, 'app.tar'), 'another output, written again');
  assert.equal(await list(), 0, 'a file go does not read, written again, changes nothing');
  const changes: Array<[string, () => Promise<unknown>]> = [
    ['an edited Go file', () => writeFile(join(src, 'main.go'), 'package main\n\nfunc main() { println() }\n')],
    ['a new directory under ./...', () => writeModule(src, { 'cmd/b/main.go': 'package main\n\nfunc main() {}\n' })],
    ['go.mod', () => writeFile(join(src, 'go.mod'), 'module example.com/app\n\ngo 1.21\n')],
  ];
  for (const [what, change] of changes) {
    await change();
    await sleep(2_100);
    assert.equal(await list(), 1, what);
    assert.equal(await list(), 0, `${what}, then unchanged`);
  }
  assert.equal(await list(['all']), 1, 'a meta-pattern is asked every time');
  assert.equal(await list(['all']), 1, 'a meta-pattern is asked every time');
  await say({ DepsErrors: [{ Err: 'missing' }] });
  assert.equal(await list(['.']), 1, 'an answer with an error is not kept');
  assert.equal(await list(['.']), 1, 'an answer with an error is not kept');
});
