import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadLintConfig } from '../../src/config/lint.js';
import { loadConfig, parseConfig } from '../../src/config/load.js';
import { GoscratchError, UsageError } from '../../src/util/errors.js';

function fails(text: string, re: RegExp): void {
  assert.throws(() => parseConfig(text, 'goscratch.yaml'), (e: unknown) => e instanceof GoscratchError && re.test(e.message));
}

test('a full config is accepted', () => {
  const c = parseConfig(
    ['main: ./cmd/server', 'platforms: [linux/amd64, linux/arm64]', 'tags: [app:1.0]', 'sbom: cyclonedx', 'build:', '  ldflags: -X main.v=1', '  tags: [netgo]', '  env: [GOAMD64=v2]',
      'image:', '  user: svc', '  uid: 2000', '  ports: [8080, 9090/udp]', '  env: {MODE: prod, N: 3}', '  labels: {team: core}', '  files: [{src: static, dst: /srv/static}]', '  caCerts: none'].join('\n'),
    'goscratch.yaml',
  );
  assert.equal(c.main, './cmd/server');
  assert.deepEqual(c.image?.ports, [8080, '9090/udp']);
  assert.equal(c.image?.env?.N, 3);
});

test('an unknown key is named with its line', () => {
  fails('image:\n  user: a\n  prots: [80]\n', /goscratch\.yaml:3: image\.prots: unknown key/);
  fails('platfroms: [linux/amd64]\n', /goscratch\.yaml:1: platfroms: unknown key/);
});

test('a wrong type is named with its key and line', () => {
  fails('image:\n  uid: "10001"\n', /goscratch\.yaml:2: image\.uid: .*number/i);
  fails('build:\n  env: [CGO_ENABLED]\n', /goscratch\.yaml:2: build\.env\.0: expected KEY=VALUE/);
  fails('image:\n  binary: app\n', /image\.binary: must be an absolute path/);
});

test('invalid YAML is reported with its line', () => {
  fails('image:\n  ports: [80\n', /goscratch\.yaml:\d+: invalid YAML/);
});

test('an empty file is an empty config', () => {
  assert.deepEqual(parseConfig('', 'goscratch.yaml'), {});
  assert.deepEqual(parseConfig('# only a comment\n', 'goscratch.yaml'), {});
});

test('a map of 100,000 keys parses in linear time (it took minutes when every key was checked against the others)', () => {
  const lines = ['image:', '  labels:'];
  for (let i = 0; i < 100_000; i++) lines.push(`    key${i}: v`);
  const started = Date.now();
  const c = parseConfig(lines.join('\n'), 'goscratch.yaml');
  assert.equal(Object.keys(c.image?.labels ?? {}).length, 100_000);
  assert.ok(Date.now() - started < 60_000, `took ${Date.now() - started} ms`);
});

test('a repeated key is still refused with its line, and thousands of bad values give the first ones', () => {
  fails('image:\n  user: a\n  uid: 1\n  user: b\n', /goscratch\.yaml:4: invalid YAML: duplicate key "user"/);
  fails('image: {labels: {a: 1, a: 2}}\n', /goscratch\.yaml:1: invalid YAML: duplicate key "a"/);
  assert.doesNotThrow(() => parseConfig('image:\n  labels: {1: a, "1": b}\n', 'goscratch.yaml'));
  const many = ['image:', '  labels:', ...Array.from({ length: 5000 }, (_, i) => `    k${i}: [x]`)].join('\n');
  assert.throws(() => parseConfig(many, 'goscratch.yaml'), (e: unknown) => e instanceof GoscratchError && e.message.split('\n').length === 21 && /and 4980 more problems/.test(e.message));
});

test('paths in the image are absolute, clean, and never one of goscratch\'s own files', () => {
  fails('image:\n  binary: /etc/passwd\n', /goscratch\.yaml:2: image\.binary: \/etc\/passwd would replace \/etc\/passwd, which goscratch writes/);
  fails('image:\n  binary: /etc\n', /image\.binary: \/etc would replace \/etc\/passwd/);
  fails('image:\n  binary: /tmp\n', /image\.binary: \/tmp would replace \/tmp/);
  fails('image:\n  binary: /etc/ssl/certs/ca-certificates.crt\n', /would replace \/etc\/ssl\/certs\/ca-certificates\.crt/);
  fails('image:\n  binary: /usr/../etc//group\n', /\/etc\/group would replace \/etc\/group/);
  fails('image:\n  files: [{src: a, dst: /etc/nsswitch.conf}]\n', /image\.files\.0\.dst: .*would replace \/etc\/nsswitch\.conf/);
  fails('image:\n  files: [{src: a, dst: /etc/passwd/x}]\n', /would replace \/etc\/passwd/);
  fails('image:\n  workdir: srv\n', /image\.workdir: must be an absolute path/);
  fails('image:\n  binary: "/usr/bin/a\\nb"\n', /image\.binary: must not contain control characters/);
  const c = parseConfig('image:\n  binary: /usr/local/bin/../bin/app/\n  files: [{src: conf, dst: /etc}]\n  workdir: /srv/\n', 'goscratch.yaml');
  assert.equal(c.image?.binary, '/usr/local/bin/app');
  assert.equal(c.image?.files?.[0]?.dst, '/etc', 'a directory may go into /etc');
  assert.equal(c.image?.workdir, '/srv');
});

test('main must name a package, not a flag', () => {
  fails('main: "-toolexec=/tmp/x.sh"\n', /goscratch\.yaml:1: main: package path "-toolexec=\/tmp\/x\.sh" begins with "-"/);
  assert.equal(parseConfig('main: ./cmd/-odd\n', 'goscratch.yaml').main, './cmd/-odd');
});

describe('reading goscratch.yaml', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gs-config-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a goscratch.yaml that leads to /dev/zero, a FIFO or a huge file fails at once, reading nothing big', async () => {
    const zero = join(dir, 'zero');
    await mkdir(zero);
    await symlink('/dev/zero', join(zero, 'goscratch.yaml'));
    await assert.rejects(loadConfig(zero), (e: unknown) => e instanceof UsageError && /goscratch\.yaml is a character device, not a regular file/.test(e.message));

    const fifo = join(dir, 'fifo');
    await mkdir(fifo);
    execFileSync('mkfifo', [join(fifo, 'goscratch.yaml')]);
    await assert.rejects(loadConfig(fifo), /is a FIFO/);

    const big = join(dir, 'big');
    await mkdir(big);
    await writeFile(join(big, 'goscratch.yaml'), '');
    await truncate(join(big, 'goscratch.yaml'), 1 << 30);
    const rss = process.memoryUsage().rss;
    await assert.rejects(loadConfig(big), /larger than 1 MiB/);
    assert.ok(process.memoryUsage().rss - rss < 64 << 20, 'read no more than the bound');

    assert.deepEqual(await loadConfig(join(dir, 'absent')), { config: {} });
    await assert.rejects(loadLintConfig(join(dir, 'absent', 'goscratch.yaml'), true), /config file .*goscratch\.yaml does not exist$/);
  });
});
