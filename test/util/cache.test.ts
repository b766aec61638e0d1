import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Cache, DEFAULT_CACHE_MAX, type CacheKind } from '../../src/util/cache.js';
import { acquireLock } from '../../src/util/lock.js';
import { UsageError } from '../../src/util/errors.js';
import { compileKey, type CompileOptions } from '../../src/golang/compile.js';
import { goscratch } from '../helpers/run.js';
import { copyExample } from '../helpers/fixtures.js';
import { requireTool } from '../helpers/tools.js';

const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gs-cache-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));
const KiB = 1024;

/** An entry of `bytes` bytes last used `ageS` seconds ago. */
function entry(c: Cache, kind: CacheKind, n: number, bytes: number, ageS: number): string {
  const key = n.toString(16).padStart(16, '0');
  const path = c.entryPath(kind, key);
  if (kind === 'bin') {
    mkdirSync(path, { recursive: true });
    writeFileSync(join(path, 'app'), Buffer.alloc(bytes));
  } else {
    mkdirSync(join(c.root, kind), { recursive: true });
    writeFileSync(path, Buffer.alloc(bytes));
  }
  const t = new Date(Date.now() - ageS * 1000);
  utimesSync(path, t, t);
  return path;
}

test('the cache is where GOSCRATCH_CACHE or XDG_CACHE_HOME say, bounded by GOSCRATCH_CACHE_MAX (2 GiB by default)', () => {
  assert.equal(Cache.fromEnv({ GOSCRATCH_CACHE: '/c' }).root, '/c');
  assert.equal(Cache.fromEnv({ XDG_CACHE_HOME: '/x' }).root, '/x/goscratch');
  assert.equal(Cache.fromEnv({ GOSCRATCH_CACHE: '/c' }).maxBytes, DEFAULT_CACHE_MAX);
  assert.equal(DEFAULT_CACHE_MAX, 2 * 2 ** 30);
  assert.equal(Cache.fromEnv({ GOSCRATCH_CACHE: '/c', GOSCRATCH_CACHE_MAX: '500Mi' }).maxBytes, 500 * 2 ** 20);
  assert.throws(() => Cache.fromEnv({ GOSCRATCH_CACHE: '/c', GOSCRATCH_CACHE_MAX: 'lots' }), (e: unknown) => e instanceof UsageError && /GOSCRATCH_CACHE_MAX/.test(e.message));
});

test('prune removes the least recently used entries until the cache fits, and --all removes every one', async () => {
  const c = new Cache(tmp(), 250 * KiB);
  const oldest = entry(c, 'bin', 1, 100 * KiB, 300);
  const older = entry(c, 'layers', 2, 100 * KiB, 200);
  const recent = entry(c, 'layers', 3, 100 * KiB, 100);
  const newest = entry(c, 'bin', 4, 100 * KiB, 0);
  const list = entry(c, 'lists', 5, 10 * KiB, 250);
  const info = await c.info();
  assert.equal(info.entries, 5);
  assert.equal(info.bytes, 410 * KiB);
  assert.deepEqual(info.kinds, { bin: { entries: 2, bytes: 200 * KiB }, layers: { entries: 2, bytes: 200 * KiB }, lists: { entries: 1, bytes: 10 * KiB } });
  const r = await c.prune();
  assert.deepEqual([existsSync(oldest), existsSync(list), existsSync(older), existsSync(recent), existsSync(newest)], [false, false, false, true, true]);
  assert.deepEqual({ removed: r.removed, freed: r.freedBytes, left: r.bytes, entries: r.entries }, { removed: 3, freed: 210 * KiB, left: 200 * KiB, entries: 2 });
  // A hit refreshes an entry: it is then pruned last.
  await c.touch(recent);
  utimesSync(newest, new Date(Date.now() - 50_000), new Date(Date.now() - 50_000));
  await c.prune({ maxBytes: 100 * KiB });
  assert.deepEqual([existsSync(recent), existsSync(newest)], [true, false]);
  assert.equal((await c.prune({ all: true })).entries, 0);
  assert.equal((await c.info()).bytes, 0);
});

test('an entry a running build holds is kept by prune', async () => {
  const c = new Cache(tmp(), 0);
  const busy = entry(c, 'bin', 1, KiB, 100);
  const idle = entry(c, 'bin', 2, KiB, 200);
  const lock = await acquireLock(`${busy}.lock`, { what: 'test' });
  const r = await c.prune({ all: true });
  await lock.release();
  assert.equal(r.busy, 1);
  assert.deepEqual([existsSync(busy), existsSync(idle)], [true, false]);
});

test('goscratch cache info and prune, with --json, on the cache GOSCRATCH_CACHE names', async () => {
  const root = tmp();
  const c = new Cache(root);
  entry(c, 'bin', 1, 3 * KiB, 100);
  entry(c, 'layers', 2, 5 * KiB, 50);
  entry(c, 'lists', 3, 1 * KiB, 150);
  const env = { GOSCRATCH_CACHE: root, GOSCRATCH_CACHE_MAX: '1Gi' };
  const info = await goscratch(['cache', 'info', '--json'], { env });
  assert.equal(info.code, 0, info.stderr);
  assert.deepEqual(JSON.parse(info.stdout), { location: root, maxBytes: 2 ** 30, bytes: 9 * KiB, entries: 3, kinds: { bin: { entries: 1, bytes: 3 * KiB }, layers: { entries: 1, bytes: 5 * KiB }, lists: { entries: 1, bytes: 1 * KiB } } });
  const text = await goscratch(['cache', 'info'], { env });
  assert.match(text.stdout, new RegExp(`location: ${root}`));
  assert.match(text.stdout, /package lists: 1 /);
  const some = await goscratch(['cache', 'prune', '--max-size', '6Ki', '--json'], { env });
  assert.equal(some.code, 0, some.stderr);
  assert.equal((JSON.parse(some.stdout) as { removed: number }).removed, 2);
  const all = await goscratch(['cache', 'prune', '--all', '--json'], { env });
  assert.deepEqual(JSON.parse(all.stdout), { location: root, removed: 1, freedBytes: 5 * KiB, entries: 0, bytes: 0, busy: 0 });
  const bad = await goscratch(['cache', 'prune', '--max-size', 'lots'], { env });
  assert.equal(bad.code, 2, bad.stderr);
  const unknown = await goscratch(['cache', 'prune', '--everything'], { env });
  assert.equal(unknown.code, 2, unknown.stderr);
});

test('a build leaves the cache within GOSCRATCH_CACHE_MAX, and a bound-free build keeps its binary and layers', async (t) => {
  if (!requireTool(t, 'go')) return;
  const root = tmp();
  const src = await copyExample('hello', join(root, 'src'));
  const build = (cache: string, env: Record<string, string> = {}): Promise<unknown> =>
    goscratch(['build', src, '--oci-layout', join(root, `out-${cache.length}-${Object.keys(env).length}`), '--sbom', 'none', '-q'], { env: { GOSCRATCH_CACHE: cache, ...env }, timeoutMs: 180_000 })
      .then((r) => assert.equal(r.code, 0, r.stderr));
  const kept = join(root, 'kept');
  await build(kept);
  const info = await new Cache(kept).info();
  assert.equal(info.kinds.bin.entries, 1);
  assert.ok(info.kinds.layers.entries >= 2);
  const bounded = join(root, 'bounded');
  await build(bounded, { GOSCRATCH_CACHE_MAX: '64Ki' });
  assert.ok((await new Cache(bounded).info()).bytes <= 64 * KiB, 'pruned to the bound after the build');
});

test('the compile key changes with everything Go reads: GOFLAGS, CGO_*, the go env file, the go binary', async () => {
  const d = tmp();
  const goA = join(d, 'go-a');
  const goB = join(d, 'go-b');
  writeFileSync(goA, 'go binary A');
  writeFileSync(goB, 'go binary B, another version');
  const goenv = join(d, 'goenv');
  writeFileSync(goenv, 'GOFLAGS=-tags=blue\n');
  const o: CompileOptions = { go: goA, dir: '/src', packages: ['.'], platform: { os: 'linux', architecture: 'amd64' } };
  const base = { PATH: '/bin', HOME: '/home/u', GOENV: goenv, CGO_ENABLED: '0' };
  const k = await compileKey(o, base);
  assert.equal(await compileKey(o, { ...base, PATH: '/usr/bin', GOSCRATCH_CACHE: '/elsewhere' }), k, 'unrelated variables do not matter');
  const differs: Array<[string, Promise<string>]> = [
    ['GOFLAGS', compileKey(o, { ...base, GOFLAGS: '-tags=red' })],
    ['CGO_CFLAGS', compileKey(o, { ...base, CGO_CFLAGS: '-O3' })],
    ['GOEXPERIMENT', compileKey(o, { ...base, GOEXPERIMENT: 'rangefunc' })],
    ['CC', compileKey(o, { ...base, CC: 'clang' })],
    ['go binary', compileKey({ ...o, go: goB }, base)],
    ['tags', compileKey({ ...o, tags: ['red'] }, base)],
    ['packages', compileKey({ ...o, packages: ['.', './cmd/other'] }, base)],
  ];
  for (const [what, key] of differs) assert.notEqual(await key, k, what);
  writeFileSync(goenv, 'GOFLAGS=-tags=red\n');
  assert.notEqual(await compileKey(o, base), k, 'go env -w settings');
});
