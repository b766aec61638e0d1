import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings } from '../../src/gobuild/settings.js';
import { binaryName } from '../../src/gobuild/pipeline.js';
import { publicSourceUrl } from '../../src/gobuild/metadata.js';

function project(yaml?: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'gs-settings-'));
  writeFileSync(join(dir, 'go.mod'), 'module example.com/app\n\ngo 1.22\n');
  mkdirSync(join(dir, 'cmd', 'server'), { recursive: true });
  if (yaml !== undefined) writeFileSync(join(dir, 'goscratch.yaml'), yaml);
  return dir;
}

test('defaults: this platform, appuser 10001:10001, bundled CA, no root', async () => {
  const dir = project();
  const s = await resolveSettings(dir, {}, {});
  assert.equal(s.moduleDir, dir);
  assert.equal(s.pattern, '.');
  assert.equal(s.platforms.length, 1);
  assert.deepEqual([s.user.name, s.user.uid, s.user.gid], ['appuser', 10001, 10001]);
  assert.equal(s.caCerts, 'bundled');
  assert.equal(s.sbom, 'spdx');
});

test('flags override env, env overrides the file, the file overrides defaults', async () => {
  const dir = project('platforms: [linux/arm64]\nimage:\n  uid: 2000\n  ports: [8080]\n  env: {A: file, B: file}\n');
  const fromFile = await resolveSettings(dir, {}, {});
  assert.deepEqual(fromFile.platforms, [{ os: 'linux', architecture: 'arm64' }]);
  assert.equal(fromFile.user.uid, 2000);
  assert.equal(fromFile.user.gid, 2000, 'gid follows the uid when not set');
  assert.deepEqual(fromFile.ports, ['8080/tcp']);
  const fromEnv = await resolveSettings(dir, {}, { GOSCRATCH_PLATFORM: 'linux/amd64,linux/arm/v7' });
  assert.deepEqual(fromEnv.platforms.map((p) => p.architecture + (p.variant ?? '')), ['amd64', 'armv7']);
  const fromFlags = await resolveSettings(dir, { platform: 'linux/riscv64', uid: 3000, env: ['B=flag'], port: ['9292'] }, { GOSCRATCH_PLATFORM: 'linux/amd64' });
  assert.deepEqual(fromFlags.platforms, [{ os: 'linux', architecture: 'riscv64' }]);
  assert.equal(fromFlags.user.uid, 3000);
  assert.deepEqual(fromFlags.env, ['A=file', 'B=flag']);
  assert.deepEqual(fromFlags.ports, ['9292/tcp']);
});

test('a sub-directory target builds that package from the module root', async () => {
  const dir = project('main: ./cmd/server\n');
  assert.equal((await resolveSettings(join(dir, 'cmd', 'server'), {}, {})).pattern, './cmd/server');
  assert.equal((await resolveSettings(dir, {}, {})).pattern, '.');
});

test('root is refused unless allowed; bad ports, platforms and users are named', async () => {
  const dir = project();
  await assert.rejects(resolveSettings(dir, { uid: 0 }, {}), /runs as root.*--allow-root/);
  assert.equal((await resolveSettings(dir, { uid: 0, allowRoot: true }, {})).user.uid, 0);
  await assert.rejects(resolveSettings(dir, { port: ['70000'] }, {}), /invalid port "70000"/);
  await assert.rejects(resolveSettings(dir, { platform: 'windows/amd64' }, {}), /linux only/);
  await assert.rejects(resolveSettings(dir, { platform: 'linux/amd64,linux/amd64' }, {}), /listed twice/);
  await assert.rejects(resolveSettings(dir, { user: 'Bad Name' }, {}), /invalid user name/);
  await assert.rejects(resolveSettings(dir, { user: 'root' }, {}), /belongs to uid 0/);
  await assert.rejects(resolveSettings(dir, { env: ['NOVALUE'] }, {}), /--env "NOVALUE": expected KEY=VALUE/);
});

test('binary names skip major version suffixes', () => {
  assert.equal(binaryName('example.com/hello'), 'hello');
  assert.equal(binaryName('example.com/app/cmd/server'), 'server');
  assert.equal(binaryName('example.com/app/v2'), 'app');
});

test('source URLs never carry credentials', () => {
  assert.equal(publicSourceUrl('https://user:s3cret@github.com/org/repo.git'), 'https://github.com/org/repo');
  assert.equal(publicSourceUrl('git@github.com:org/repo.git'), 'https://github.com/org/repo');
  assert.equal(publicSourceUrl('oauth2:glpat-xyz@gitlab.com:o/r.git'), 'https://gitlab.com/o/r');
  assert.equal(publicSourceUrl('ssh://git:tok@host.example:2222/o/r.git'), 'ssh://host.example:2222/o/r');
});
