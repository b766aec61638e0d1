import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModule } from '../helpers/fixtures.js';
import type { TestContext } from 'node:test';
import { initProject, planInit } from '../../src/init/init.js';
import { InputError, UsageError } from '../../src/util/errors.js';

const MAIN = 'package main\n\nfunc main() {}\n';

async function module(t: TestContext, files: Record<string, string>, modulePath = 'example.com/app'): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'goscratch-init-'));
  t.after(() => rm(root, { recursive: true, force: true }));
  return writeModule(root, { 'go.mod': `module ${modulePath}\n\ngo 1.21\ntoolchain go1.23.2\n`, ...files });
}

test('the main package: --main, then goscratch.yaml, then the module root, then the only one, then the one named after the module', async (t) => {
  const several = await module(t, { 'cmd/api/main.go': MAIN, 'cmd/worker/main.go': MAIN });
  await assert.rejects(planInit(several), (e: unknown) => e instanceof UsageError && /several main packages, none at its root and none named after the module \(app\): choose one with --main \(\.\/cmd\/api, \.\/cmd\/worker\)/.test(e.message) && e.hint === 'e.g. goscratch init --main ./cmd/api');
  const { plan } = await planInit(several, { main: 'cmd/worker/' });
  assert.deepEqual([plan.package, plan.packageFrom, plan.binary, plan.goVersion, plan.builderImage, plan.hasGoSum, plan.vendor], ['./cmd/worker', '--main', 'worker', '1.23', 'golang:1.23-alpine', false, false]);
  assert.equal((await planInit(several, { main: 'example.com/app/cmd/api' })).plan.package, './cmd/api');
  await assert.rejects(planInit(several, { main: './nope' }), (e: unknown) => e instanceof UsageError && /--main: "\.\/nope" is not a main package .*main packages are \.\/cmd\/api, \.\/cmd\/worker/.test(e.message));

  await writeFile(join(several, 'goscratch.yaml'), 'main: ./cmd/worker\n');
  assert.deepEqual(Object.values(await planInit(several).then((r) => [r.plan.package, r.plan.packageFrom])), ['./cmd/worker', `main in ${join(several, 'goscratch.yaml')}`]);

  const rooted = await module(t, { 'main.go': MAIN, 'cmd/tool/main.go': MAIN, 'cmd/other/main.go': MAIN });
  assert.deepEqual(await planInit(rooted).then((r) => [r.plan.package, r.plan.packageFrom, r.plan.binary]), ['.', 'the module root', 'app']);

  const named = await module(t, { 'cmd/pki/main.go': MAIN, 'cmd/pkijson/main.go': MAIN, 'cmd/mkbundle/main.go': MAIN }, 'github.com/example/pki/v2');
  assert.deepEqual(await planInit(named).then((r) => [r.plan.package, r.plan.packageFrom, r.plan.binary]), ['./cmd/pki', 'the main package named after the module (pki)', 'pki']);

  const one = await module(t, { 'cmd/svc/main.go': MAIN, 'lib/lib.go': 'package lib\n' });
  assert.equal((await planInit(one)).plan.packageFrom, 'the only main package');

  const none = await module(t, { 'lib.go': 'package app\n' });
  await assert.rejects(planInit(none), /no main package/);
  const empty = await mkdtemp(join(tmpdir(), 'goscratch-init-'));
  t.after(() => rm(empty, { recursive: true, force: true }));
  await assert.rejects(planInit(empty), /no go\.mod in .*go mod init/);
});

test('names that are shell, make or Dockerfile syntax are never written: such a package is skipped or refused, such a module refused', async (t) => {
  const evil = 'x;touch P;#';
  const only = await module(t, { [`${evil}/main.go`]: MAIN });
  await assert.rejects(initProject(only), (e: unknown) => e instanceof InputError && e.message.includes(JSON.stringify(`./${evil}`)) && e.hint === 'rename its directory');
  assert.deepEqual((await readdir(only)).sort(), ['go.mod', evil], 'nothing written');

  const mixed = await module(t, { [`${evil}/main.go`]: MAIN, 'cmd/ok/main.go': MAIN, 'cmd/a\nRUN touch P/main.go': MAIN });
  const r = await initProject(mixed);
  assert.deepEqual([r.plan.package, r.plan.packageFrom], ['./cmd/ok', 'the only main package go can build']);
  await assert.rejects(planInit(mixed, { main: evil }), InputError);
  await assert.rejects(planInit(mixed, { main: 'cmd/a\nRUN touch P' }), InputError);
  for (const f of r.files) assert.doesNotMatch(await readFile(f, 'utf8'), /touch|RUN touch/, f);

  const newline = await module(t, { 'main.go': MAIN }, '"example.com/a\\nRUN touch /P"');
  await assert.rejects(initProject(newline), (e: unknown) => e instanceof InputError && /module path .* has the element "a\\\\nRUN touch "/.test(e.message));
  assert.deepEqual((await readdir(newline)).sort(), ['go.mod', 'main.go']);

  const root = await module(t, { 'main.go': MAIN });
  for (const ref of ['golang:1.23\nRUN touch /P', ' golang:1.23', 'golang:1.23 AS x', 'GOLANG:1.23']) {
    await assert.rejects(planInit(root, { builderImage: ref }), (e: unknown) => e instanceof UsageError && e.message.startsWith('--builder-image'), ref);
  }
  assert.equal((await planInit(root, { builderImage: 'registry.example.com:5000/go/builder:1.23@sha256:' + 'a'.repeat(64) })).plan.builderImage.length > 0, true);
  await assert.rejects(planInit(root, { platforms: ['linux/amd64\nRUN x'] }), UsageError);
});

test('existing files are kept, the project Makefile is never replaced, and --force replaces only regular files', async (t) => {
  const makefile = 'VERSION := $(shell git describe)\n\nrelease:\n\tgoreleaser release\n\nimage:\n\tdocker build .\n';
  const ownDockerfile = 'FROM golang:1.22\nRUN go build -o /app .\nFROM scratch\nCOPY --from=0 /app /app\nCMD /app\n';
  const root = await module(t, { 'main.go': 'package main\n\nimport "net/http"\n\nfunc main() { http.ListenAndServe(":9292", nil) }\n', Makefile: makefile, Dockerfile: ownDockerfile, '.dockerignore': '.git\nvendor/\n', 'vendor/modules.txt': '' });
  const r = await initProject(root);
  assert.deepEqual(r.files.map((f) => f.slice(root.length + 1)), ['goscratch.mk', 'goscratch.yaml']);
  assert.equal(await readFile(join(root, 'Makefile'), 'utf8'), makefile);
  assert.equal(await readFile(join(root, 'Dockerfile'), 'utf8'), ownDockerfile);
  assert.equal(await readFile(join(root, '.dockerignore'), 'utf8'), '.git\nvendor/\n');
  assert.deepEqual(r.kept.map((k) => k.file), ['Dockerfile', '.dockerignore', 'Makefile']);
  assert.match(r.kept[0]!.note, /goscratch lint finds 3 errors, 1 warning, 3 info \(GS101, .*GS301\) in it \(goscratch lint Dockerfile\); --force replaces it/);
  assert.deepEqual(r.dockerfileLint?.counts, { error: 3, warning: 1, info: 3 });
  assert.match(r.kept[1]!.note, /does not exclude \.hg, \.svn, bin\/, /);
  assert.match(r.kept[2]!.note, /add the line "include goscratch\.mk" at its end/);
  assert.equal(r.include, 'include goscratch.mk');
  assert.deepEqual(r.warnings, [
    '.dockerignore leaves out vendor/, which the module builds from: remove that line, or the Dockerfile build fails',
    'Makefile defines image too: with both, make runs the recipe defined last; goscratch\'s stays reachable as make -f goscratch.mk image',
  ]);
  assert.equal(r.plan.port, 9292);
  assert.equal(r.plan.vendor, true);

  const again = await initProject(root);
  assert.deepEqual(again.files, []);
  assert.deepEqual(again.kept.map((k) => k.file), ['Dockerfile', '.dockerignore', 'goscratch.mk', 'goscratch.yaml', 'Makefile']);

  await writeFile(join(root, 'Makefile'), makefile + '\ninclude goscratch.mk\n');
  const forced = await initProject(root, { force: true });
  assert.deepEqual(forced.files.map((f) => f.slice(root.length + 1)), ['Dockerfile', '.dockerignore', 'goscratch.mk', 'goscratch.yaml']);
  assert.equal(forced.include, undefined);
  assert.match(forced.kept[0]!.note, /it includes goscratch\.mk already/);
  assert.equal(await readFile(join(root, 'Makefile'), 'utf8'), makefile + '\ninclude goscratch.mk\n');
  assert.match(await readFile(join(root, 'Dockerfile'), 'utf8'), /^# Written by goscratch init/);

  // A symlink or FIFO is never written through or replaced, even with --force.
  await rm(join(root, 'Dockerfile'));
  await symlink('/etc/hostname', join(root, 'Dockerfile'));
  await assert.rejects(initProject(root, { force: true }), (e: unknown) => e instanceof InputError && /Dockerfile is not a regular file \(symlink\)/.test(e.message));
  await rm(join(root, 'goscratch.yaml'));
  await rm(join(root, 'Dockerfile'));
  execFileSync('mkfifo', [join(root, 'Dockerfile')]);
  const fifo = await initProject(root);
  assert.equal(fifo.kept[0]!.note, 'left as is, not linted (not a regular file: --force does not replace it)');
  assert.deepEqual(fifo.files.map((f) => f.slice(root.length + 1)), ['goscratch.yaml']);
});

test('a project without a Makefile gets one that includes goscratch.mk; GNUmakefile and makefile count as the project\'s', async (t) => {
  const root = await module(t, { 'main.go': MAIN });
  const r = await initProject(root);
  assert.deepEqual(r.files.map((f) => f.slice(root.length + 1)), ['Dockerfile', '.dockerignore', 'goscratch.mk', 'Makefile', 'goscratch.yaml']);
  assert.deepEqual([r.kept, r.include, r.warnings], [[], undefined, []]);
  for (const name of ['GNUmakefile', 'makefile']) {
    const other = await module(t, { 'main.go': MAIN, [name]: 'all:\n' });
    const o = await initProject(other);
    assert.ok(!o.files.some((f) => f.endsWith('/Makefile')), name);
    assert.deepEqual(o.kept.map((k) => k.file), [name]);
  }
});

test('ports: detected with where they were found, --port wins, a low port and other ports are warned about', async (t) => {
  const root = await module(t, { 'main.go': 'package main\n\nimport "flag"\n\nconst metricsPort = 9100\n\nfunc main() { _ = flag.Int("port", 80, "") }\n' });
  const { plan, warnings } = await planInit(root);
  assert.deepEqual([plan.port, plan.portFrom], [80, 'main.go:7: default of "port"']);
  assert.deepEqual(warnings, [
    'other ports in the sources: 9100 (main.go:5: metricsPort); EXPOSE 80 was chosen, --port chooses another',
    'port 80 is below 1024: the image runs as uid 10001, and not every runtime lets a non-root user bind it; make the app listen above 1024 and pass --port',
  ]);
  const given = await planInit(root, { port: 8080 });
  assert.deepEqual([given.plan.port, given.plan.portFrom, given.warnings], [8080, '--port', []]);
});
