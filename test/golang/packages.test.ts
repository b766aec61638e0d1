/**
 * Which packages a build means (`go list` of every pattern at once, main packages
 * only), the names go gives their binaries, and one `go build` for several packages:
 * progress from `go build -v`, errors without goscratch's own paths.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { compile } from '../../src/golang/compile.js';
import { execName, listPackages, mainPackages } from '../../src/golang/packages.js';
import { BuildError } from '../../src/util/errors.js';
import { Cache } from '../../src/util/cache.js';
import { writeModule } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool, toolPath } from '../helpers/tools.js';

const platform = { os: 'linux', architecture: process.arch === 'arm64' ? 'arm64' : 'amd64' };
const main = (body = '') => `package main\n\nfunc main() {${body}}\n`;

test('execName names binaries as go build -o DIR/ does: a major version element is skipped, v0 and v1 are not versions', async (t) => {
  assert.equal(execName('example.com/hello'), 'hello');
  assert.equal(execName('example.com/app/cmd/server'), 'server');
  assert.equal(execName('example.com/app/v2'), 'app');
  assert.equal(execName('example.com/app/v10'), 'app');
  assert.equal(execName('example.com/app/v1'), 'v1');
  assert.equal(execName('example.com/app/v01'), 'v01');
  assert.equal(execName('v2'), 'v2');
  if (!requireTool(t, 'go')) return;
  // The real go agrees.
  const dir = await makeTempDir('execname');
  t.after(() => removeTree(dir));
  for (const mod of ['example.com/app/v1', 'example.com/app/v3']) {
    const src = await writeModule(join(dir, execName(mod) + mod.slice(-1)), { 'main.go': main() }, mod);
    const out = join(src, 'out');
    await execOk(toolPath('go')!, ['build', '-o', out + '/', '.'], { cwd: src, env: { ...process.env, CGO_ENABLED: '0' } });
    assert.deepEqual(await readdir(out), [execName(mod)], mod);
  }
});

test('one go list selects the main packages of patterns; a package named exactly must be main, a wildcard must match one', async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('mains');
  t.after(() => removeTree(dir));
  const mod = await writeModule(dir, {
    'cmd/api/main.go': main(),
    'cmd/worker/main.go': main(),
    'cmd/internal/shared/shared.go': 'package shared\n',
    'lib/lib.go': 'package lib\n',
    'broken/main.go': main(),
    'broken/lib.go': 'package lib\n',
  });
  const go = toolPath('go')!;
  const patterns = ['./cmd/...'];
  const mains = mainPackages(await listPackages(go, mod, patterns), patterns, mod);
  assert.deepEqual(mains.map((p) => p.ImportPath), ['example.com/app/cmd/api', 'example.com/app/cmd/worker']);
  const both = ['./cmd/api', 'example.com/app/cmd/worker'];
  assert.equal(mainPackages(await listPackages(go, mod, both), both, mod).length, 2);
  const build = (p: string[]) => listPackages(go, mod, p).then((pkgs) => mainPackages(pkgs, p, mod));
  await assert.rejects(build(['./lib']), (e: unknown) => e instanceof BuildError && /\.\/lib is package lib, not a main package/.test(e.message));
  await assert.rejects(build(['./lib/...']), (e: unknown) => e instanceof BuildError && /no main package matches \.\/lib\/\.\.\. .*example\.com\/app\/lib \(package lib\)/.test(e.message));
  await assert.rejects(build(['./broken']), (e: unknown) => e instanceof BuildError && /example\.com\/app\/broken: found packages lib \(lib\.go\) and main/.test(e.message));
});

test('several packages are one go build: binaries named by go, each compiled package reported, errors without -v lines or goscratch paths', async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('compile-many');
  t.after(() => removeTree(dir));
  // New source each run, so go's build cache has not seen these packages.
  const mod = await writeModule(join(dir, 'm'), {
    'internal/greet/greet.go': `package greet\n\nfunc Hello() string { return "${randomBytes(8).toString('hex')}" }\n`,
    'cmd/a/main.go': 'package main\n\nimport "example.com/app/internal/greet"\n\nfunc main() { println(greet.Hello()) }\n',
    'cmd/b/main.go': 'package main\n\nimport "example.com/app/internal/greet"\n\nfunc main() { println(greet.Hello()) }\n',
  });
  const cache = new Cache(join(dir, 'cache'));
  const seen: string[] = [];
  const go = toolPath('go')!;
  const out = await compile({ go, dir: mod, packages: ['example.com/app/cmd/a', 'example.com/app/cmd/b'], platform, onPackage: (p) => seen.push(p) }, cache);
  assert.deepEqual((await readdir(out)).sort(), ['a', 'b']);
  // The module's own packages are new to go's build cache, so go compiles and names them.
  for (const p of ['example.com/app/internal/greet', 'example.com/app/cmd/a', 'example.com/app/cmd/b']) assert.ok(seen.includes(p), `${p} reported: ${seen.join(', ')}`);

  await writeModule(mod, { 'internal/greet/greet.go': 'package greet\n\nfunc Hello() string { return missing }\n' });
  const err = await compile({ go, dir: mod, packages: ['./cmd/a', './cmd/b'], platform, onPackage: () => undefined }, cache).then(() => undefined, (e: unknown) => e);
  assert.ok(err instanceof BuildError, String(err));
  assert.match(err.message, /undefined: missing/);
  assert.doesNotMatch(err.message, /cache|goscratch-build-/, 'no goscratch path');
  assert.ok(!err.message.split('\n').some((l) => /^[\w.]+(\/[\w.-]+)+$/.test(l)), `no -v package lines:\n${err.message}`);
});
