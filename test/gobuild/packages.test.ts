/**
 * Which packages a build means, as `go build` and ko choose them: the current
 * directory when it is a main package, else goscratch.yaml's main, else an error that
 * lists the module's main packages; patterns and several arguments; one image per main
 * package (or one bundle), named after its binary, and the compiles they share.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { resolveSettings, type BuildSettings } from '../../src/gobuild/settings.js';
import { imageTags, planImages, selectMains } from '../../src/gobuild/plan.js';
import type { GoPackage } from '../../src/golang/packages.js';
import { BuildError, UsageError } from '../../src/util/errors.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool, toolPath } from '../helpers/tools.js';

const main = 'package main\n\nfunc main() {}\n';
const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

/** A module shaped like a service repository: main packages under cmd/, a library, an empty cmd/ directory level. */
async function repo(t: { after(fn: () => Promise<void>): void }, extra: Record<string, string> = {}): Promise<string> {
  const dir = await makeTempDir('packages');
  t.after(() => removeTree(dir));
  return writeModule(dir, { 'cmd/api/main.go': main, 'cmd/worker/main.go': main, 'internal/store/store.go': 'package store\n', ...extra }, 'example.com/shop');
}

/** Settings as `goscratch build ARGS` run in `cwd` would resolve them. */
async function settingsIn(cwd: string, args: string[], flags = {}, env: NodeJS.ProcessEnv = {}): Promise<BuildSettings> {
  const old = process.cwd();
  process.chdir(cwd);
  try {
    return await resolveSettings(args, flags, env);
  } finally {
    process.chdir(old);
  }
}

test('no argument: the current directory below the root, the module root otherwise, goscratch.yaml main at the root', async (t) => {
  const dir = await repo(t);
  assert.deepEqual(await settingsIn(join(dir, 'cmd', 'api'), []).then((s) => [s.moduleDir, s.current, s.patterns]), [dir, './cmd/api', []]);
  assert.deepEqual(await settingsIn(dir, []).then((s) => [s.current, s.patterns]), ['.', []]);
  await writeModule(dir, { 'goscratch.yaml': 'main: [./cmd/worker, ./cmd/api]\n' }, 'example.com/shop');
  assert.deepEqual(await settingsIn(dir, []).then((s) => [s.current, s.patterns]), [undefined, ['./cmd/worker', './cmd/api']]);
  assert.deepEqual(await settingsIn(join(dir, 'internal', 'store'), []).then((s) => [s.current, s.patterns]), ['./internal/store', ['./cmd/worker', './cmd/api']]);
});

test('arguments: directories, ./patterns and import paths, relative to where goscratch runs, all in one module', async (t) => {
  const dir = await repo(t);
  assert.deepEqual((await settingsIn(dir, ['./cmd/...'])).patterns, ['./cmd/...']);
  assert.deepEqual((await settingsIn(join(dir, 'cmd'), ['./api', 'worker', 'example.com/shop/cmd/api'])).patterns, ['./cmd/api', './cmd/worker', 'example.com/shop/cmd/api']);
  // A pattern outside the current directory finds its module from the part before "...".
  const s = await settingsIn('/', [join(dir, 'cmd', '...')]);
  assert.deepEqual([s.moduleDir, s.patterns], [dir, ['./cmd/...']]);
  const other = await writeModule(join(dir, 'tools'), { 'main.go': main }, 'example.com/tools');
  await assert.rejects(settingsIn(other, ['.', '../cmd/api']), usage(/\.\.\/cmd\/api is outside the module at .*tools: .*build each module in its own run/));
  await assert.rejects(settingsIn(dir, ['./cmd/api', '-toolexec=x']), usage(/begins with "-"/));
});

test('go decides: the current directory when it is a main package, else main, else an error listing the main packages', async (t) => {
  if (!requireTool(t, 'go')) return;
  const go = toolPath('go')!;
  const dir = await repo(t);
  const pick = async (cwd: string, args: string[] = []) => (await selectMains(go, await settingsIn(cwd, args))).mains.map((p) => p.ImportPath);
  assert.deepEqual(await pick(join(dir, 'cmd', 'api')), ['example.com/shop/cmd/api'], 'go build in cmd/api builds cmd/api');
  await assert.rejects(pick(dir), (e: unknown) => e instanceof UsageError && /the module root .* is not a main package \(no Go files in .*\).*main packages are \.\/cmd\/api, \.\/cmd\/worker/.test(e.message) && /goscratch build \.\/cmd\/api/.test(e.hint ?? ''));
  await assert.rejects(pick(join(dir, 'internal', 'store')), usage(/\.\/internal\/store \(the current directory\) is not a main package \(package store\)/));
  await assert.rejects(pick(join(dir, 'cmd')), usage(/\.\/cmd \(the current directory\) is not a main package/));
  assert.deepEqual(await pick(dir, ['./cmd/...']), ['example.com/shop/cmd/api', 'example.com/shop/cmd/worker']);
  await assert.rejects(pick(dir, ['./internal/...']), (e: unknown) => e instanceof BuildError && /no main package matches \.\/internal\/\.\.\./.test(e.message));
  await writeModule(dir, { 'goscratch.yaml': 'main: ./cmd/worker\n' }, 'example.com/shop');
  assert.deepEqual(await pick(dir), ['example.com/shop/cmd/worker'], 'main at the module root');
  assert.deepEqual(await pick(join(dir, 'internal', 'store')), ['example.com/shop/cmd/worker'], 'main where the current directory is no main package');
  assert.deepEqual(await pick(join(dir, 'cmd', 'api')), ['example.com/shop/cmd/api'], 'the current main package before main');
});

const pkg = (importPath: string, moduleDir = '/m'): GoPackage => ({ ImportPath: importPath, Name: 'main', Dir: join(moduleDir, importPath.replace(/^example\.com\/m\/?/, '')) });

test('one image per main package, named after its binary (lower case) or its builds entry; one compile per set of options', async (t) => {
  const dir = await repo(t, {
    'goscratch.yaml': [
      'build: {ldflags: ["-X main.a=1"]}',
      'builds:',
      '  - {main: ./cmd/Worker, name: jobs, ldflags: ["-X main.b=2"], env: [GOAMD64=v2]}',
      '',
    ].join('\n'),
  });
  const s = await settingsIn(dir, ['./cmd/...']);
  const plan = planImages({ ...s, moduleDir: '/m' }, [pkg('example.com/m/cmd/API'), pkg('example.com/m/cmd/Worker'), pkg('example.com/m/cmd/cron'), pkg('example.com/m/v2')]);
  assert.deepEqual(plan.images.map((i) => [i.name, i.binaries.map((b) => b.file)]), [['api', ['API']], ['jobs', ['Worker']], ['cron', ['cron']], ['m', ['m']]]);
  assert.equal(plan.groups.length, 2, 'the builds entry compiles on its own');
  assert.deepEqual(plan.groups.map((g) => g.packages.map((p) => p.ImportPath)), [['example.com/m/cmd/API', 'example.com/m/cmd/cron', 'example.com/m/v2'], ['example.com/m/cmd/Worker']]);
  assert.deepEqual(plan.groups[1]!.options.ldflags, ['-X main.a=1', '-X main.b=2'], 'an entry adds to the build section');
  assert.deepEqual(plan.groups[1]!.options.goEnv, ['GOAMD64=v2']);
  assert.deepEqual(plan.groups[0]!.options.goTags, ['timetzdata']);
});

test('binaries of one name compile apart; as images they need names of their own; a bundle holds each name once', async (t) => {
  const dir = await repo(t);
  const s = await settingsIn(dir, ['./...']);
  const twins = [pkg('example.com/m/a/server'), pkg('example.com/m/b/server')];
  assert.throws(() => planImages(s, twins), usage(/example\.com\/m\/a\/server and example\.com\/m\/b\/server would both be images named server: give one another name in goscratch\.yaml/));
  const named = { ...s, moduleDir: '/m', builds: [{ main: './b/server', name: 'server-b', ldflags: s.ldflags, goTags: s.goTags, goFlags: s.goFlags, goEnv: s.goEnv }] };
  const plan = planImages(named, twins);
  assert.deepEqual(plan.images.map((i) => i.name), ['server', 'server-b']);
  assert.equal(plan.groups.length, 2, 'go would write both to one file otherwise');
  assert.throws(() => planImages({ ...s, bundle: 'server' }, twins), usage(/a bundle cannot hold two binaries named server/));
  assert.throws(() => planImages(s, [pkg('example.com/m/cmd/a+b')]), usage(/would be named "a\+b", which is not a valid image name/));
});

test('a bundle is one image, its entrypoint first, named after it; an unknown entrypoint lists the binaries', async (t) => {
  const dir = await repo(t);
  const s = { ...(await settingsIn(dir, ['./cmd/...'], { bundle: 'cfssl' })), moduleDir: '/m' };
  const tools = ['cfssl-bundle', 'cfssl', 'mkbundle'].map((n) => pkg(`example.com/m/cmd/${n}`));
  const plan = planImages(s, tools);
  assert.equal(plan.images.length, 1);
  assert.deepEqual([plan.images[0]!.name, plan.images[0]!.binaries.map((b) => b.file)], ['cfssl', ['cfssl', 'cfssl-bundle', 'mkbundle']]);
  assert.equal(plan.groups.length, 1);
  assert.throws(() => planImages({ ...s, bundle: 'nope' }, tools), (e: unknown) => e instanceof UsageError && /bundle nope: no binary of that name .*cfssl-bundle, cfssl, mkbundle/.test(e.message));
  await assert.rejects(settingsIn(dir, ['./cmd/...'], { bundle: 'cfssl', binary: '/app' }), usage(/--binary names the path of one binary, and a bundle holds several/));
  await assert.rejects(settingsIn(dir, [], { bundle: '-x' }), usage(/--bundle "-x": must be the name of a binary/));
});

test('image names: <name>:latest by default; with several images every --tag must hold {{.Name}}', async (t) => {
  const dir = await repo(t);
  const s = await settingsIn(dir, ['./cmd/...'], { tag: ['registry.example.com/team/{{.Name}}:{{.Env.V}}'] }, { V: '1.4' });
  assert.deepEqual(imageTags(s, 'api', true), ['registry.example.com/team/api:1.4']);
  await assert.rejects(settingsIn(dir, [], { tag: ['x/{{.Name}}:{{.Env.V}}'] }), usage(/the environment variable V is not set/), 'found before the build');
  assert.deepEqual(imageTags({ tags: [], templateData: { Env: {} } }, 'api', true), ['api:latest']);
  assert.deepEqual(imageTags({ tags: ['app:1'], templateData: { Env: {} } }, 'api', false), ['app:1']);
  assert.throws(() => imageTags({ tags: ['app:1'], templateData: { Env: {} } }, 'api', true), usage(/image name "app:1" would name every image the same: write \{\{\.Name\}\} in it/));
  // Checked before any build: a template that cannot make a valid name, or reads a field that does not exist.
  await assert.rejects(settingsIn(dir, [], { tag: ['Team/{{.Name}}'] }), usage(/--tag: invalid image reference/));
  await assert.rejects(settingsIn(dir, [], { tag: ['{{.Nmae}}'] }), usage(/--tag "\{\{\.Nmae\}\}": \{\{\.Nmae\}\} is not a known field/));
});
