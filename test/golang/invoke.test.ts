/**
 * The Go invocation itself: a package path is never read as a flag by `go list` or
 * `go build`, whichever command it came from.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { compile, compileArgs } from '../../src/golang/compile.js';
import { checkPackagePattern } from '../../src/golang/toolchain.js';
import { listPackages } from '../../src/golang/packages.js';
import { UsageError } from '../../src/util/errors.js';
import { writeModule } from '../helpers/fixtures.js';
import { markerScript } from '../helpers/marker.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool, toolPath } from '../helpers/tools.js';

const platform = { os: 'linux', architecture: 'amd64' };

test('compileArgs ends go flags with -- before the packages, and refuses a package beginning with "-"', () => {
  const args = compileArgs({ go: 'go', dir: '/m', packages: ['./cmd/x', 'example.com/m/cmd/y'], platform, flags: ['-mod=vendor'] }, '/out');
  assert.deepEqual(args.slice(-5), ['-o', '/out/', '--', './cmd/x', 'example.com/m/cmd/y']);
  assert.ok(args.includes('-v'), 'go names each package it compiles, for progress');
  assert.throws(() => compileArgs({ go: 'go', dir: '/m', packages: ['./ok', '-toolexec=/x.sh'], platform }, '/out'), UsageError);
  assert.throws(() => checkPackagePattern('--'), /begins with "-"/);
  assert.throws(() => checkPackagePattern(''), /empty/);
  assert.equal(checkPackagePattern('./-dir'), './-dir');
});

test('go list and go build never run a -toolexec given as the package', async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('go-invoke');
  t.after(() => removeTree(dir));
  const mod = await writeModule(join(dir, 'm'), { 'main.go': 'package main\n\nfunc main() {}\n' });
  const hook = await markerScript(dir);
  const go = toolPath('go')!;
  const pkg = `-toolexec=${hook.script}`;
  await assert.rejects(listPackages(go, mod, ['.', pkg]), (e: unknown) => e instanceof UsageError && /begins with "-"/.test(e.message));
  await assert.rejects(compile({ go, dir: mod, packages: [pkg], platform: { os: 'linux', architecture: process.arch === 'arm64' ? 'arm64' : 'amd64' } }), UsageError);
  assert.equal(await hook.ran(), false, 'the script must not run');
  // The same module builds, so the refusals above are about the package path alone.
  assert.equal((await listPackages(go, mod, ['.']))[0]?.Name, 'main');
});

test('the tags of GOFLAGS are kept beside goscratch\'s own, since a command-line -tags replaces them', () => {
  const args = compileArgs({ go: 'go', dir: '/m', packages: ['.'], platform, tags: ['timetzdata'] }, '/out', { GOFLAGS: '-mod=mod -tags=red,blue' });
  assert.ok(args.includes('-tags=red,blue,timetzdata'), args.join(' '));
  assert.ok(!compileArgs({ go: 'go', dir: '/m', packages: ['.'], platform }, '/out', {}).some((a) => a.startsWith('-tags')));
});
