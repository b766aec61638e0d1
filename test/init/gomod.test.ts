import { test } from 'node:test';
import { execFileSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { binaryName } from '../../src/gobuild/pipeline.js';
import { checkGoPath, findMainPackages, goMinorVersion, goSources, hasVendor, importPath, isMainFile, parseGoMod, readGoMod, unsafeElement } from '../../src/init/gomod.js';
import { GoscratchError, InputError } from '../../src/util/errors.js';

test('parseGoMod reads module, go and toolchain lines, ignoring comments and blocks', () => {
  const mod = parseGoMod(['// a comment', 'module "example.com/app/v2" // quoted', '', 'go 1.22.3', 'toolchain go1.23.4', 'require (', '\tgolang.org/x/net v0.1.0', ')'].join('\n'));
  assert.deepEqual(mod, { module: 'example.com/app/v2', go: '1.22.3', toolchain: '1.23.4' });
  assert.deepEqual(parseGoMod('module m\n'), { module: 'm', go: '1.16' });
  assert.throws(() => parseGoMod('go 1.22\n', 'x/go.mod'), (e: unknown) => e instanceof GoscratchError && /x\/go\.mod has no module line/.test(e.message));
});

test('goMinorVersion takes the newer of go and toolchain, as x.y', () => {
  assert.equal(goMinorVersion({ module: 'm', go: '1.22.3' }), '1.22');
  assert.equal(goMinorVersion({ module: 'm', go: '1.21', toolchain: '1.23.4' }), '1.23');
  assert.equal(goMinorVersion({ module: 'm', go: '1.24', toolchain: '1.23.4' }), '1.24');
  assert.equal(goMinorVersion({ module: 'm', go: '1.9' }), '1.9');
  assert.throws(() => goMinorVersion({ module: 'm', go: 'latest' }), /unreadable Go version/);
});

test('isMainFile: package main, unless excluded by //go:build ignore or only in a comment', () => {
  assert.equal(isMainFile('// Command x.\npackage main\n\nfunc main() {}\n'), true);
  assert.equal(isMainFile('//go:build ignore\n\npackage main\n'), false);
  assert.equal(isMainFile('//go:build linux\n\npackage main\n'), true);
  assert.equal(isMainFile('/*\npackage main\n*/\npackage lib\n'), false);
  assert.equal(isMainFile('package mainly\n'), false);
});

test('binaryName follows the go command: directory name, module last element, major version skipped', () => {
  assert.equal(binaryName(importPath('example.com/hello', '.')), 'hello');
  assert.equal(binaryName(importPath('example.com/app/v2', '.')), 'app');
  assert.equal(importPath('example.com/app', './cmd/api'), 'example.com/app/cmd/api');
  assert.equal(binaryName(importPath('example.com/app', './cmd/api')), 'api');
});

async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'goscratch-gomod-'));
  for (const [p, text] of Object.entries(files)) {
    await mkdir(dirname(join(root, p)), { recursive: true });
    await writeFile(join(root, p), text);
  }
  return root;
}

test('findMainPackages walks the module, skipping testdata, vendor, hidden dirs, nested modules and tests', async (t) => {
  const root = await tree({
    'go.mod': 'module example.com/app\n\ngo 1.22\n',
    'lib.go': 'package app\n',
    'gen.go': '//go:build ignore\n\npackage main\n',
    'cmd/api/main.go': 'package main\nfunc main() {}\n',
    'cmd/worker/main.go': 'package main\nfunc main() {}\n',
    'cmd/worker/main_test.go': 'package main\n',
    'internal/x/x_test.go': 'package main\n',
    'testdata/prog/main.go': 'package main\n',
    'vendor/v/main.go': 'package main\n',
    '.hidden/main.go': 'package main\n',
    '_skip/main.go': 'package main\n',
    'tools/go.mod': 'module example.com/tools\n',
    'tools/main.go': 'package main\n',
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.deepEqual(await findMainPackages(root), ['./cmd/api', './cmd/worker']);
});

test('checkGoPath refuses what go build refuses and anything make, sh or a Dockerfile would read as syntax', () => {
  for (const ok of ['.', './cmd/api', './cmd/api-v2', './tools/a.b_c~d+e', 'example.com/app/v2', 'gopkg.in/yaml.v3']) {
    assert.equal(unsafeElement(ok), undefined, ok);
    checkGoPath(ok, 'x', 'h');
  }
  for (const bad of ['./x;touch P;#', './a b', './a$b', './a\nRUN touch /P', './a`id`', "./a'b", './a"b', './-x', './~x', './x.', 'example.com//app', 'example.com/a\\nb', './a#b']) {
    assert.notEqual(unsafeElement(bad), undefined, bad);
    assert.throws(() => checkGoPath(bad, 'the main package', 'rename its directory'), (e: unknown) => e instanceof InputError && e.hint === 'rename its directory' && e.message.includes(JSON.stringify(bad)), bad);
  }
});

test('hasVendor needs vendor/modules.txt as a file; goSources leaves out tests, ignored and oversized files', async (t) => {
  const root = await tree({
    'go.mod': 'module example.com/app\n',
    'vendor/example.com/x/x.go': 'package x\n',
    'a/main.go': 'package main\n',
    'a/b.go': 'package main\n',
    'a/main_test.go': 'package main\n',
    'a/gen.go': '//go:build ignore\n\npackage main\n',
    'a/big.go': 'package main\n// ' + 'x'.repeat(5 << 20) + '\n',
  });
  t.after(() => rm(root, { recursive: true, force: true }));
  assert.equal(await hasVendor(root), false);
  await mkdir(join(root, 'vendor/modules.txt'));
  assert.equal(await hasVendor(root), false);
  await rm(join(root, 'vendor/modules.txt'), { recursive: true });
  await writeFile(join(root, 'vendor/modules.txt'), '# example.com/x v1.0.0\n## explicit\nexample.com/x\n');
  assert.equal(await hasVendor(root), true);
  assert.deepEqual((await goSources(root, 'a')).map((f) => f.name), ['b.go', 'main.go']);
  assert.deepEqual(await goSources(root, 'nope'), []);
});

test('readGoMod reads only a small regular file: a FIFO named go.mod neither hangs nor is read', { timeout: 10_000 }, async (t) => {
  const root = await mkdtemp(join(tmpdir(), 'goscratch-gomod-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  execFileSync('mkfifo', [join(root, 'go.mod')]);
  await assert.rejects(readGoMod(root), (e: unknown) => e instanceof InputError && /not a regular file/.test(e.message));
  await rm(join(root, 'go.mod'));
  await writeFile(join(root, 'go.mod'), 'module m\n' + '//'.repeat(1 << 20));
  await assert.rejects(readGoMod(root), /larger than 1 MiB, more than goscratch reads/);
});
