/**
 * Which Go builds a module: versions ordered as the go command orders them, go.mod's
 * go and toolchain lines read as GOTOOLCHAIN=auto reads them, the policy from the
 * environment and goscratch.yaml, and the download base checked before anything is
 * fetched.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { compareGoVersions, parseGoVersion, releaseName, reportedVersion, requirement, type GoVersion } from '../../src/golang/version.js';
import { checkDownloadUrl, goVersion, selectToolchain, toolchainPolicy, DEFAULT_TOOLCHAIN_URL } from '../../src/golang/toolchain.js';
import { hostArchive } from '../../src/golang/download.js';
import { InputError, UsageError } from '../../src/util/errors.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool, toolPath } from '../helpers/tools.js';

const v = (s: string): GoVersion => {
  const p = parseGoVersion(s);
  assert.ok(p, s);
  return p;
};

test('Go versions order as gover does: 1.21 < 1.21rc1 < 1.21.0 < 1.21.1 < 1.22; before 1.21, 1.20 is a release', () => {
  const sorted = ['1.9', '1.20rc1', '1.20', '1.20.3', '1.21', '1.21beta2', '1.21rc1', '1.21.0', '1.21.1', '1.22', '1.22.0', '1.100.0'];
  for (let i = 1; i < sorted.length; i++) assert.ok(compareGoVersions(v(sorted[i - 1]!), v(sorted[i]!)) < 0, `${sorted[i - 1]} < ${sorted[i]}`);
  assert.equal(compareGoVersions(v('go1.22.3'), v('1.22.3')), 0);
  for (const bad of ['2.0', '1', '1.x', '1.22.3.4', 'go1.22-custom', '1.22 ', '', 'latest']) assert.equal(parseGoVersion(bad), undefined, bad);
});

test('the release to download: go 1.22 means go1.22.0; go 1.20, a pre-release or a patch version is itself', () => {
  assert.equal(releaseName(v('1.22')), 'go1.22.0');
  assert.equal(releaseName(v('1.20')), 'go1.20');
  assert.equal(releaseName(v('1.21rc1')), 'go1.21rc1');
  assert.equal(releaseName(v('1.22.3')), 'go1.22.3');
});

test('`go version` output: the version, a vendor suffix ignored, devel builds marked', () => {
  assert.equal((reportedVersion('go version go1.23.5 linux/amd64\n') as GoVersion).text, '1.23.5');
  assert.equal((reportedVersion('go version go1.21.3-bigcorp linux/amd64') as GoVersion).text, '1.21.3');
  assert.equal((reportedVersion('go version go1.22.1 X:boringcrypto linux/arm64') as GoVersion).text, '1.22.1');
  assert.equal(reportedVersion('go version devel go1.25-abcdef Tue Jan 1 linux/amd64'), 'devel');
  assert.equal(reportedVersion('something else'), undefined);
});

test('requirement: the go line, and for auto the toolchain line when it is newer; lines that are no version are refused', () => {
  const r = requirement({ module: 'm', go: '1.22', toolchain: '1.23.4' }, 'go.mod');
  assert.deepEqual([r.go.text, r.toolchain.text], ['1.22', '1.23.4']);
  const older = requirement({ module: 'm', go: '1.23.2', toolchain: '1.22.0' }, 'go.mod');
  assert.equal(older.toolchain.text, '1.23.2');
  assert.equal(requirement({ module: 'm', go: '1.21', toolchain: 'default' }, 'go.mod').toolchain.text, '1.21');
  assert.throws(() => requirement({ module: 'm', go: '1.22; rm -rf /' }, 'x/go.mod'), (e: unknown) => e instanceof InputError && /x\/go\.mod: the go line/.test(e.message));
  assert.throws(() => requirement({ module: 'm', go: '1.22', toolchain: '1.23.4/../../evil' }, 'go.mod'), /does not name a Go release/);
});

test('policy: GOSCRATCH_TOOLCHAIN over GOTOOLCHAIN=local over build.toolchain; the download base from the environment only', () => {
  assert.deepEqual(toolchainPolicy({}, undefined), { mode: 'auto', url: DEFAULT_TOOLCHAIN_URL });
  assert.equal(toolchainPolicy({}, 'local').setBy, 'build.toolchain: local (goscratch.yaml)');
  assert.equal(toolchainPolicy({ GOTOOLCHAIN: 'local' }, 'auto').setBy, 'GOTOOLCHAIN=local');
  assert.equal(toolchainPolicy({ GOSCRATCH_TOOLCHAIN: 'auto', GOTOOLCHAIN: 'local' }, 'local').mode, 'auto');
  assert.equal(toolchainPolicy({ GOSCRATCH_TOOLCHAIN: 'local' }, undefined).setBy, 'GOSCRATCH_TOOLCHAIN=local');
  assert.throws(() => toolchainPolicy({ GOSCRATCH_TOOLCHAIN: 'go1.22.0' }, undefined), (e: unknown) => e instanceof UsageError && /use auto .* or local/.test(e.message));
  assert.equal(toolchainPolicy({ GOSCRATCH_TOOLCHAIN_URL: 'https://mirror.example/golang' }, undefined).url, 'https://mirror.example/golang/');
});

test('the download base: https, or plain http to this machine only; no credentials, query or fragment', () => {
  assert.equal(checkDownloadUrl('http://127.0.0.1:8080/dl', 'X'), 'http://127.0.0.1:8080/dl/');
  assert.equal(checkDownloadUrl('http://localhost/', 'X'), 'http://localhost/');
  for (const bad of ['http://mirror.example/', 'ftp://127.0.0.1/', 'file:///srv/go/', 'https://user:pw@mirror.example/', 'https://mirror.example/?x=1', 'not a url']) {
    assert.throws(() => checkDownloadUrl(bad, 'GOSCRATCH_TOOLCHAIN_URL'), (e: unknown) => e instanceof UsageError && /GOSCRATCH_TOOLCHAIN_URL/.test(e.message), bad);
  }
});

test('release file names for this machine as go.dev names them', () => {
  assert.equal(hostArchive('go1.22.0', 'linux', 'x64'), 'go1.22.0.linux-amd64.tar.gz');
  assert.equal(hostArchive('go1.22.0', 'linux', 'arm'), 'go1.22.0.linux-armv6l.tar.gz');
  assert.equal(hostArchive('go1.22.0', 'darwin', 'arm64'), 'go1.22.0.darwin-arm64.tar.gz');
  assert.throws(() => hostArchive('go1.22.0', 'win32', 'x64'), /cannot download Go for win32\/x64/);
});

test('selectToolchain: the Go found when it is new enough; local mode names what is missing; no go.mod needs no version', async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('toolchain-select');
  t.after(() => removeTree(dir));
  const go = toolPath('go')!;
  const found = await goVersion(go);
  assert.ok(found && found !== 'devel');
  const env = { GOSCRATCH_GO: go, PATH: '/nonexistent' };
  const local = toolchainPolicy({ GOSCRATCH_TOOLCHAIN: 'local' }, undefined);
  const ok = await writeModule(join(dir, 'ok'), { 'go.mod': 'module m\n\ngo 1.21\n' });
  assert.deepEqual(await selectToolchain(ok, toolchainPolicy({}, undefined), { env }), { go, env: [] });
  assert.deepEqual(await selectToolchain(ok, local, { env }), { go, env: ['GOTOOLCHAIN=local'] });
  // Local mode needs only the go line: go itself ignores the toolchain line under GOTOOLCHAIN=local.
  const tc = await writeModule(join(dir, 'tc'), { 'go.mod': 'module m\n\ngo 1.21\n\ntoolchain go1.999.0\n' });
  assert.deepEqual(await selectToolchain(tc, local, { env }), { go, env: ['GOTOOLCHAIN=local'] });
  const newer = await writeModule(join(dir, 'newer'), { 'go.mod': 'module m\n\ngo 1.999\n' });
  await assert.rejects(selectToolchain(newer, local, { env }), (e: unknown) =>
    e instanceof UsageError && e.message.includes(`needs Go 1.999 or newer (its go.mod go line), but the Go found (${go}) is go${found.text}`) && /GOSCRATCH_GO=/.test(e.hint ?? ''));
  await assert.rejects(selectToolchain(newer, local, { env: { PATH: '/nonexistent' } }), /no Go is installed \(no go on PATH, GOSCRATCH_GO unset\)/);
  const none = join(dir, 'none');
  assert.equal((await selectToolchain(none, local, { env })).go, go);
  await assert.rejects(selectToolchain(none, local, { env: { PATH: '/nonexistent' } }), /no Go toolchain found/);
});

test("goVersion: cmd/go's own build info gives go version's answer; a wrapper (a script, a Go program that is not cmd/go) is run", async (t) => {
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('toolchain-version');
  t.after(() => removeTree(dir));
  const go = toolPath('go')!;
  const ran = spawnSync(go, ['version'], { cwd: '/', env: { ...process.env, GOTOOLCHAIN: 'local' }, encoding: 'utf8' });
  assert.deepEqual(await goVersion(go), reportedVersion(ran.stdout));
  const script = join(dir, 'go');
  await writeFile(script, '#!/bin/sh\necho "go version go1.77.1 linux/amd64"\n', { mode: 0o755 });
  assert.equal((await goVersion(script) as GoVersion).text, '1.77.1');
  // As golang.org/dl's go1.N.M: a Go program whose build info names the Go that built it, not the one it runs.
  const wrapper = await writeModule(join(dir, 'wrapper'), { 'go.mod': 'module golang.org/dl/go1.66.0\n\ngo 1.21\n', 'main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("go version go1.66.0 linux/amd64") }\n' });
  const built = spawnSync(go, ['build', '-o', join(dir, 'go1.66.0'), '.'], { cwd: wrapper, encoding: 'utf8' });
  assert.equal(built.status, 0, built.stderr);
  assert.equal((await goVersion(join(dir, 'go1.66.0')) as GoVersion).text, '1.66.0');
});
