import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, realpathSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resolveSettings, type BuildFlags } from '../../src/gobuild/settings.js';
import { binaryName } from '../../src/gobuild/pipeline.js';
import { provenance, provenanceLabels, publicSourceUrl } from '../../src/gobuild/metadata.js';
import { UsageError } from '../../src/util/errors.js';
import { requireTool } from '../helpers/tools.js';

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
  assert.deepEqual(s.patterns, ['.'], 'the directory named');
  assert.equal(s.current, undefined);
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
  assert.deepEqual((await resolveSettings(join(dir, 'cmd', 'server'), {}, {})).patterns, ['./cmd/server']);
  assert.deepEqual((await resolveSettings(dir, {}, {})).patterns, ['.']);
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

test('source URLs keep scheme://host/path only, and are left out when local or unparseable', () => {
  const cases: Array<[string, string | undefined]> = [
    ['https://github.com/org/repo.git', 'https://github.com/org/repo'],
    ['https://user:s3cret@github.com/org/repo.git', 'https://github.com/org/repo'],
    ['https://ghp_token@github.com/org/repo', 'https://github.com/org/repo'],
    ['https://github.com/org/repo.git?private_token=glpat-1', 'https://github.com/org/repo'],
    ['https://github.com/org/repo#access_token=abc', 'https://github.com/org/repo'],
    ['https://u:p@host.example:8443/o/r.git/?t=1#f', 'https://host.example:8443/o/r'],
    ['ssh://git:tok@host.example:2222/o/r.git', 'ssh://host.example:2222/o/r'],
    ['git://host.example/o/r', 'git://host.example/o/r'],
    ['git@github.com:org/repo.git', 'https://github.com/org/repo'],
    ['oauth2:glpat-xyz@gitlab.com:o/r.git', 'https://gitlab.com/o/r'],
    ['git@github.com:org/repo.git?token=abc', undefined],
    ['git@github.com:org/repo#token', undefined],
    ['a:tok@b@host.example:o/r', undefined],
    ['https://host.example/o/r with space?tok=1', undefined],
    ['https://[bad/o/r?tok=1', undefined],
    ['/srv/git/repo.git', undefined],
    ['../repo', undefined],
    ['file:///srv/git/repo.git', undefined],
    ['C:/src/repo', undefined],
  ];
  for (const [url, want] of cases) assert.equal(publicSourceUrl(url), want, url);
});

test('flags are checked by the schema of their config key: the same values are refused either way', async () => {
  const dir = project();
  const cases: Array<[BuildFlags, string, RegExp]> = [
    [{ workdir: 'srv' }, 'image:\n  workdir: srv\n', /must be an absolute path/],
    [{ binary: 'app' }, 'image:\n  binary: app\n', /must be an absolute path/],
    [{ binary: '/etc/passwd' }, 'image:\n  binary: /etc/passwd\n', /would replace \/etc\/passwd, which goscratch writes/],
    [{ binary: '/etc/./group' }, 'image:\n  binary: /etc/./group\n', /would replace \/etc\/group/],
    [{ binary: '/tmp' }, 'image:\n  binary: /tmp\n', /would replace \/tmp/],
    [{ env: ['A B=1'] }, 'image:\n  env: {"A B": 1}\n', /not a valid environment variable name/],
    [{ env: ['A\nB=1'] }, 'image:\n  env: {"A\\nB": 1}\n', /not a valid environment variable name/],
    [{ memory: '10Ei' }, 'runtime:\n  memory: 10Ei\n', /more than 1Pi/],
    [{ cpus: 1e7 }, 'runtime:\n  cpus: 10000000\n', /more than 4096/],
  ];
  for (const [flags, yaml, re] of cases) {
    await assert.rejects(resolveSettings(dir, flags, {}), (e: unknown) => e instanceof UsageError && re.test(e.message) && /^--[a-z-]+ /.test(e.message), JSON.stringify(flags));
    await assert.rejects(resolveSettings(project(yaml), {}, {}), (e: unknown) => e instanceof UsageError && re.test(e.message), yaml);
  }
  const ok = await resolveSettings(dir, { binary: '/app/./bin/', workdir: '/srv/', memory: '1Pi', env: ['A_1=x y'] }, {});
  assert.deepEqual([ok.binaryPath, ok.workdir, ok.runtime.memory, ok.env], ['/app/bin', '/srv', '1Pi', ['A_1=x y']]);
});

test('a package path beginning with "-" is refused whichever way it comes', async () => {
  const dir = project();
  const old = process.cwd();
  process.chdir(dir);
  try {
    await assert.rejects(resolveSettings('-toolexec=/tmp/x.sh', {}, {}), (e: unknown) => e instanceof UsageError && /begins with "-"/.test(e.message));
  } finally {
    process.chdir(old);
  }
  await assert.rejects(resolveSettings(project('main: "-toolexec=/tmp/x.sh"\n'), {}, {}), /main: package path .* begins with "-"/);
});

test('goscratch.yaml may not make go run programs unless --allow-exec; settings that only choose what is built pass', async () => {
  const refused = [
    'build:\n  flags: [-toolexec=/tmp/x.sh]\n',
    'build:\n  flags: [-toolexec, /tmp/x.sh]\n',
    'build:\n  flags: ["--toolexec=/tmp/x.sh"]\n',
    'build:\n  flags: [-exec=/tmp/x.sh]\n',
    'build:\n  flags: [-compiler=gccgo, "-gccgoflags=-wrapper,/tmp/x.sh"]\n',
    'build:\n  flags: ["-ldflags=all=-linkmode=external -extld=/tmp/x.sh"]\n',
    'build:\n  ldflags: ["-extldflags=-B/tmp/evil"]\n',
    'build:\n  env: ["GOFLAGS=-mod=mod -toolexec=/tmp/x.sh"]\n',
    "build:\n  env: [\"GOFLAGS='-ldflags=-extld=/tmp/x.sh'\"]\n",
    'build:\n  env: [CC=/tmp/x.sh]\n',
    'build:\n  env: [CGO_LDFLAGS=-fuse-ld=/tmp/x]\n',
    'build:\n  env: [LD_PRELOAD=/tmp/x.so]\n',
    'build:\n  env: [PATH=/tmp]\n',
    'build:\n  env: [GOTOOLCHAIN=go1.99.0]\n',
    'build:\n  env: [GOPROXY=https://proxy.example]\n',
    'build:\n  env: [GOSUMDB=off]\n',
  ];
  for (const yaml of refused) {
    const dir = project(yaml);
    await assert.rejects(resolveSettings(dir, {}, {}), (e: unknown) => e instanceof UsageError && /goscratch\.yaml: build\.\w+\.\d+: .*--allow-exec/.test(e.message), yaml);
    assert.ok(await resolveSettings(dir, { allowExec: true }, {}), yaml);
  }
  const allowed = 'build:\n  flags: [-mod=vendor, -overlay=overlay.json, -trimpath, "-ldflags=-X main.v=1"]\n  ldflags: "-X main.exec=1"\n  env: [CGO_ENABLED=1, GOAMD64=v3, GOEXPERIMENT=loopvar, "GOFLAGS=-mod=vendor -tags=netgo", GODEBUG=http2client=0]\n';
  const s = await resolveSettings(project(allowed), {}, {});
  assert.deepEqual(s.goEnv.length, 5);
});

test('image.caCerts stays inside the project (symbolic links followed); --ca-certs may name any file', async () => {
  const dir = project('image:\n  caCerts: ../outside.pem\n');
  await assert.rejects(resolveSettings(dir, {}, {}), /image\.caCerts: \.\.\/outside\.pem leads outside the project|cannot be read/);
  const linked = project('image:\n  caCerts: certs/ca.pem\n');
  mkdirSync(join(linked, 'certs'));
  symlinkSync('/etc/passwd', join(linked, 'certs', 'ca.pem'));
  await assert.rejects(resolveSettings(linked, {}, {}), /image\.caCerts: certs\/ca\.pem leads outside the project \(to \/etc\/passwd\)/);
  const inside = project('image:\n  caCerts: ca.pem\n');
  writeFileSync(join(inside, 'ca.pem'), 'x');
  assert.equal((await resolveSettings(inside, {}, {})).caCerts, join(realpathSync(inside), 'ca.pem'));
  assert.equal((await resolveSettings(inside, { caCerts: '/etc/ssl/certs/ca-certificates.crt' }, {})).caCerts, '/etc/ssl/certs/ca-certificates.crt');
});

test('SOURCE_DATE_EPOCH must be whole seconds in range; anything else is a usage error', async () => {
  const dir = project();
  assert.equal((await provenance(dir, { SOURCE_DATE_EPOCH: '1700000000' })).created, '2023-11-14T22:13:20Z');
  for (const bad of ['1e20', '1.5', '-1', ' 1', '0x10', '99999999999', '1e3']) {
    await assert.rejects(provenance(dir, { SOURCE_DATE_EPOCH: bad }), (e: unknown) => e instanceof UsageError && /^SOURCE_DATE_EPOCH /.test(e.message), bad);
  }
});

test('the source label never carries a token from the remote URL, and a local remote gives none', async (t) => {
  if (!requireTool(t, 'git')) return;
  const dir = project();
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } });
  git('init', '-q');
  git('add', 'go.mod');
  git('commit', '-q', '-m', 'x');
  git('remote', 'add', 'origin', 'https://oauth2:glpat-SECRET@gitlab.example/o/r.git?private_token=SECRET2#SECRET3');
  const labels = provenanceLabels(await provenance(dir, {}));
  assert.equal(labels['org.opencontainers.image.source'], 'https://gitlab.example/o/r');
  assert.doesNotMatch(JSON.stringify(labels), /SECRET/);
  git('remote', 'set-url', 'origin', '/home/me/src/repo');
  assert.equal(provenanceLabels(await provenance(dir, {}))['org.opencontainers.image.source'], undefined);
});

test('builds entries: their settings add to build:, their ldflags are checked like build:\'s, templates rendered from git and the environment', async (t) => {
  const refused = project('builds:\n  - {main: ./cmd/server, ldflags: ["-extld=/tmp/x.sh"]}\n');
  await assert.rejects(resolveSettings(refused, {}, {}), (e: unknown) => e instanceof UsageError && /goscratch\.yaml: builds\.0\.ldflags\.0: .*-extld.*--allow-exec/.test(e.message));
  // A template cannot smuggle a linker flag in: its value may not start one.
  const smuggled = project('build:\n  ldflags: ["-X main.v={{.Env.V}}"]\n');
  await assert.rejects(resolveSettings(smuggled, {}, { V: '1 -extld=/tmp/x.sh' }), /build\.ldflags\.0 .*\{\{\.Env\.V\}\} is "1 -extld=\/tmp\/x\.sh", which holds a space/);
  assert.deepEqual((await resolveSettings(smuggled, { ldflags: ['-X main.w={{.Env.V}}'] }, { V: '1.4' })).ldflags, ['-X main.v=1.4', '-X main.w=1.4']);
  await assert.rejects(resolveSettings(project('builds:\n  - {main: ./cmd/...}\n'), {}, {}), /builds\.0\.main: names one package/);
  // The toolchain is the module's: build: chooses it, a builds entry cannot.
  await assert.rejects(resolveSettings(project('builds:\n  - {main: ./cmd/a, toolchain: local}\n'), {}, {}), /builds\.0\.toolchain: unknown key/);
  await assert.rejects(resolveSettings(project('builds:\n  - {main: ./cmd/a, name: Big}\n'), {}, {}), /builds\.0\.name: must be a lower-case image name/);
  if (!requireTool(t, 'git')) return;
  const dir = project('build:\n  ldflags: ["-X main.version={{.Git.Tag}}", "-X main.commit={{.Git.ShortCommit}}"]\n');
  const git = (...args: string[]) => execFileSync('git', ['-C', dir, ...args], { stdio: 'pipe', encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@e', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@e' } }).trim();
  await assert.rejects(resolveSettings(dir, {}, {}), /\{\{\.Git\.Tag\}\}: the module is not in a git checkout/);
  git('init', '-q');
  git('add', 'go.mod');
  git('commit', '-q', '-m', 'x');
  const short = git('rev-parse', '--short', 'HEAD');
  assert.deepEqual((await resolveSettings(dir, {}, {})).ldflags, ['-X main.version=v0.0.0', `-X main.commit=${short}`], 'untagged: v0.0.0, as ko');
  git('tag', 'v1.4.0');
  git('commit', '-q', '--allow-empty', '-m', 'y');
  assert.equal((await resolveSettings(dir, {}, {})).ldflags[0], '-X main.version=v1.4.0', 'the latest tag reachable from HEAD');
});

test('writable paths: --dir and image.dirs (PATH[:MODE]), volumes and the workdir become directories of the app user', async () => {
  const dir = project('image:\n  workdir: /srv/app\n  dirs: [/data, {path: /var/cache/app, mode: "0700"}]\n  volumes: [/data, /var/lib/app]\n');
  const s = await resolveSettings(dir, { dir: ['/scratch:1777', '/data:0750'], volume: ['/logs'] }, {});
  assert.deepEqual(s.dirs, [
    { path: '/data', mode: 0o750 },
    { path: '/var/cache/app', mode: 0o700 },
    { path: '/scratch', mode: 0o1777 },
    { path: '/var/lib/app', mode: 0o755 },
    { path: '/logs', mode: 0o755 },
    { path: '/srv/app', mode: 0o755 },
  ]);
  assert.deepEqual(s.volumes, ['/data', '/var/lib/app', '/logs']);
  // A workdir holding goscratch's files or the binary stays root's, as / does.
  for (const workdir of ['/', '/etc', '/usr/local']) assert.deepEqual((await resolveSettings(project(), { workdir }, {})).dirs, [], workdir);
  assert.deepEqual((await resolveSettings(project(), { workdir: '/usr', binary: '/app/server' }, {})).dirs, [{ path: '/usr', mode: 0o755 }]);
});

test('writable paths and copied files are refused alike from a flag and from goscratch.yaml', async () => {
  const cases: Array<[BuildFlags, string, RegExp]> = [
    [{ dir: ['data'] }, 'image:\n  dirs: [data]\n', /must be an absolute path/],
    [{ dir: ['/etc'] }, 'image:\n  dirs: [/etc]\n', /\/etc holds \/etc\/passwd: the app user owning it could replace that file/],
    [{ dir: ['/'] }, 'image:\n  dirs: ["/"]\n', /\/ holds \/etc\/passwd/],
    [{ dir: ['/tmp'] }, 'image:\n  dirs: [/tmp]\n', /would replace \/tmp/],
    [{ dir: ['/data:0755x'] }, 'image:\n  dirs: ["/data:0755x"]\n', /must be octal permission bits/],
    [{ dir: ['/data:4755'] }, 'image:\n  dirs: ["/data:4755"]\n', /no setuid or setgid/],
    [{ dir: ['/usr/local'] }, 'image:\n  dirs: [/usr/local]\n', /\/usr\/local holds the binary's directory \/usr\/local\/bin/],
    [{ volume: ['/etc/ssl'] }, 'image:\n  volumes: [/etc/ssl]\n', /\/etc\/ssl holds \/etc\/ssl\/certs\/ca-certificates\.crt/],
    [{ file: ['./conf:/etc/passwd'] }, 'image:\n  files: [{src: conf, dst: /etc/passwd}]\n', /would replace \/etc\/passwd/],
    [{ file: ['./conf:etc'] }, 'image:\n  files: [{src: conf, dst: etc}]\n', /expected SRC:DST with an absolute DST|must be an absolute path/],
  ];
  for (const [flags, yaml, re] of cases) {
    await assert.rejects(resolveSettings(project(), flags, {}), (e: unknown) => e instanceof UsageError && re.test(e.message) && /^--[a-z-]+ /.test(e.message), JSON.stringify(flags));
    await assert.rejects(resolveSettings(project(yaml), {}, {}), (e: unknown) => e instanceof UsageError && re.test(e.message), yaml);
  }
  // YAML reads 0755 as the number 755: a mode must be written as text.
  await assert.rejects(resolveSettings(project('image:\n  dirs: [{path: /data, mode: 0755}]\n'), {}, {}), /write the mode as quoted octal text, e\.g\. "0755": YAML reads 755 as a decimal number/);
});

test('image.files entries take an owner and a mode; --file copies from anywhere the user points', async () => {
  const dir = project('image:\n  uid: 2000\n  files:\n    - {src: conf, dst: /etc/app, owner: user, mode: "0640"}\n    - {src: a.txt, dst: /a.txt, owner: "123:456"}\n    - {src: b.txt, dst: /b.txt, owner: root}\n');
  const s = await resolveSettings(dir, { file: ['/etc/hostname:/etc/host-of-build', 'a:b:/c'] }, {});
  assert.deepEqual(s.files.map((f) => [f.dst, f.owner, f.mode, f.confined]), [
    ['/etc/app', { uid: 2000, gid: 2000 }, 0o640, true],
    ['/a.txt', { uid: 123, gid: 456 }, undefined, true],
    ['/b.txt', undefined, undefined, true],
    ['/etc/host-of-build', undefined, undefined, false],
    ['/c', undefined, undefined, false],
  ]);
  assert.equal(s.files[4]!.src, join(process.cwd(), 'a:b'), 'the last ":/" divides SRC from DST');
  await assert.rejects(resolveSettings(project('image:\n  files: [{src: a, dst: /a, owner: nobody}]\n'), {}, {}), /must be "root", "user" \(the image user\) or numeric UID\[:GID\]/);
});

test('base: --base over goscratch.yaml (made absolute in the project); scratch is no base; --platform all needs a base', async () => {
  const dir = project('base: ./base-layout\n');
  mkdirSync(join(dir, 'base-layout'));
  writeFileSync(join(dir, 'base-layout', 'oci-layout'), '{"imageLayoutVersion":"1.0.0"}');
  const fromFile = await resolveSettings(dir, { platform: 'all' }, {});
  assert.equal(fromFile.base, `oci:${join(dir, 'base-layout')}`);
  assert.deepEqual([fromFile.allPlatforms, fromFile.platforms], [true, []]);
  assert.equal((await resolveSettings(dir, { base: 'registry.example.com/base:1' }, {})).base, 'registry.example.com/base:1');
  const scratch = await resolveSettings(dir, { base: 'scratch' }, {});
  assert.equal(scratch.base, undefined);
  assert.equal(scratch.allPlatforms, false);
  await assert.rejects(resolveSettings(dir, { base: 'scratch', platform: 'all' }, {}), (e: unknown) => e instanceof UsageError && /scratch has none/.test(e.message));
  await assert.rejects(resolveSettings(project(), {}, { GOSCRATCH_PLATFORM: 'all' }), /--platform all builds every platform of the base image/);
});

test('toolchain: GOSCRATCH_TOOLCHAIN over build.toolchain; the download base only from the environment', async () => {
  const dir = project('build:\n  toolchain: local\n');
  assert.deepEqual((await resolveSettings(dir, {}, {})).toolchain, { mode: 'local', setBy: 'build.toolchain: local (goscratch.yaml)', url: 'https://go.dev/dl/' });
  assert.equal((await resolveSettings(dir, {}, { GOSCRATCH_TOOLCHAIN: 'auto' })).toolchain.mode, 'auto');
  assert.equal((await resolveSettings(project(), {}, { GOSCRATCH_TOOLCHAIN_URL: 'http://127.0.0.1:9/go' })).toolchain.url, 'http://127.0.0.1:9/go/');
  await assert.rejects(resolveSettings(project('build:\n  toolchain: go1.22\n'), {}, {}), /build\.toolchain/);
  await assert.rejects(resolveSettings(project(), {}, { GOSCRATCH_TOOLCHAIN_URL: 'http://mirror.example/' }), (e: unknown) => e instanceof UsageError && /over https only/.test(e.message));
});
