import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inspectArtifact, inspectImage } from '../../src/inspect/inspect.js';
import { newIndex } from '../../src/image/model.js';
import type { Finding } from '../../src/findings/model.js';
import { requireTool } from '../helpers/tools.js';
import { AUTOMAXPROCS_STUB, HELLO, MINIMAL, NET_PROGRAM, USES_AUTOMAXPROCS, TLS_AND_ZONES, buildGo, goMod, goModWithAutomaxprocs } from '../binary/gobuild.js';
import { testImage } from './images.js';

const rules = (fs: readonly Finding[]): string[] => fs.map((f) => f.rule).sort();
const TODAY = new Date('2026-11-28T00:00:00Z');

const hello = () => buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] });

test('an image as goscratch builds it: static, numeric user, passwd, no root', async (t) => {
  if (!requireTool(t, 'go')) return;
  const img = await testImage({ binary: await hello(), config: { Env: ['GOMAXPROCS=1', 'GOMEMLIMIT=100MiB'], ExposedPorts: { '9292/tcp': {} } } });
  const r = await inspectImage(img, 'demo', { today: TODAY });
  assert.deepEqual(rules(r.findings), ['GS511'], JSON.stringify(r.findings, null, 2));
  assert.equal(r.binary.path, '/app');
  assert.equal(r.binary.elf?.static, true);
  assert.equal(r.binary.goStatus, 'go');
  assert.equal(r.binary.go?.path, 'example.com/hello');
  assert.match(r.binary.sha256 ?? '', /^sha256:[0-9a-f]{64}$/);
  assert.equal(r.image?.platform, 'linux/amd64');
  assert.equal(r.image?.user, '10001:10001');
  assert.deepEqual(r.image?.exposedPorts, ['9292/tcp']);
  assert.equal(r.image?.totals.layers, 2);
  assert.ok((r.image?.totals.uncompressedSize ?? 0) > (r.binary.size ?? 0));
  assert.deepEqual(r.warnings, []);
});

test('GS501: a cgo binary in scratch names the loader it lacks', async (t) => {
  if (!requireTool(t, 'go', 'gcc')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': NET_PROGRAM }, env: { CGO_ENABLED: '1' } });
  const r = await inspectImage(await testImage({ binary: bin }), 'cgo', { today: TODAY });
  const f = r.findings.find((x) => x.rule === 'GS501');
  assert.ok(f, JSON.stringify(r.findings));
  assert.equal(f.severity, 'error');
  assert.match(f.message, /needs the loader \/lib64\/ld-linux-x86-64\.so\.2 and libraries .*libc\.so\.6/);
  assert.match(f.message, /built with CGO_ENABLED=1/);
  // With the loader present the finding goes away.
  const withLoader = await testImage({ binary: bin, extra: [{ type: 'file', path: '/lib64/ld-linux-x86-64.so.2', mode: 0o755, data: Buffer.from('x') }] });
  assert.ok(!(await inspectImage(withLoader, 'cgo', { today: TODAY })).findings.some((x) => x.rule === 'GS501'));
});

test('GS502: an arm64 binary in an amd64-labelled image', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 'arm64' }, args: ['-ldflags=-s -w'] });
  const r = await inspectImage(await testImage({ binary: bin, arch: 'amd64' }), 'x', { today: TODAY });
  const f = r.findings.find((x) => x.rule === 'GS502');
  assert.ok(f);
  assert.match(f.message, /built for AArch64 \(arm64\), but the image platform is amd64.*exec format error/);
  const ok = await inspectImage(await testImage({ binary: bin, arch: 'arm64' }), 'x', { today: TODAY });
  assert.ok(!ok.findings.some((x) => x.rule === 'GS502'));
});

test('GS508: silent with an automaxprocs dependency or GOMAXPROCS, present without', async (t) => {
  if (!requireTool(t, 'go')) return;
  const withAmp = await buildGo({ files: { 'go.mod': goModWithAutomaxprocs(), 'main.go': USES_AUTOMAXPROCS, ...AUTOMAXPROCS_STUB }, args: ['-ldflags=-s -w'] });
  const a = await inspectImage(await testImage({ binary: withAmp }), 'x', { today: TODAY });
  assert.ok(!a.findings.some((f) => f.rule === 'GS508'), JSON.stringify(a.findings));
  const b = await inspectImage(await testImage({ binary: await hello() }), 'x', { today: TODAY });
  const f = b.findings.find((x) => x.rule === 'GS508');
  assert.ok(f);
  assert.match(f.message, /go1\.\d+\.\d+ sets GOMAXPROCS from the host's CPU count/);
  const c = await inspectImage(await testImage({ binary: await hello(), config: { Env: ['GOMAXPROCS=2'] } }), 'x', { today: TODAY });
  assert.ok(!c.findings.some((x) => x.rule === 'GS508'));
});

test('GS503/GS504/GS505: root, names, and names missing from passwd', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await hello();
  const check = async (user: string | undefined, base = true) => {
    const img = await testImage({ binary: bin, base, config: { Env: ['GOMAXPROCS=1', 'GOMEMLIMIT=1GiB'], ...(user === undefined ? { User: '' } : { User: user }) } });
    return rules((await inspectImage(img, 'x', { today: TODAY })).findings).filter((r) => r !== 'GS511');
  };
  assert.deepEqual(await check(undefined), ['GS503']);
  assert.deepEqual(await check('0:0'), ['GS503']);
  assert.deepEqual(await check('root'), ['GS503']);
  assert.deepEqual(await check('00'), ['GS503'], 'uid 0 written with two zeros is root, once');
  assert.deepEqual(await check('appuser:appuser'), ['GS504']);
  assert.deepEqual(await check('appuser', false), ['GS504', 'GS505']);
  assert.deepEqual(await check('nobody:appuser'), ['GS504', 'GS505']);
  assert.deepEqual(await check('10001:nogroup'), ['GS505']);
  assert.deepEqual(await check('10001:10001', false), []);
});

test('GS506/GS507: crypto/tls without CA certificates, LoadLocation without zoneinfo', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': TLS_AND_ZONES }, args: ['-ldflags=-s -w'] });
  const bare = await inspectImage(await testImage({ binary: bin }), 'x', { today: TODAY });
  assert.ok(bare.findings.some((f) => f.rule === 'GS506' && /x509: certificate signed by unknown authority/.test(f.message)));
  assert.ok(bare.findings.some((f) => f.rule === 'GS507' && f.severity === 'info'));
  const full = await inspectImage(await testImage({ binary: bin, ca: true, extra: [{ type: 'file', path: '/usr/share/zoneinfo/UTC', mode: 0o444, data: Buffer.from('TZif') }] }), 'x', { today: TODAY });
  assert.ok(!full.findings.some((f) => f.rule === 'GS506' || f.rule === 'GS507'), JSON.stringify(full.findings));
  const tz = await buildGo({ files: { 'go.mod': goMod(), 'main.go': TLS_AND_ZONES.replace('"time"\n', '"time"\n\t_ "time/tzdata"\n') }, args: ['-ldflags=-s -w'] });
  const embedded = await inspectImage(await testImage({ binary: tz, ca: true }), 'x', { today: TODAY });
  assert.ok(!embedded.findings.some((f) => f.rule === 'GS507'));
});

test('GS509/GS510/GS511', async (t) => {
  if (!requireTool(t, 'go')) return;
  const r = await inspectImage(await testImage({ binary: await hello(), config: { ExposedPorts: { '80/tcp': {}, '8080/tcp': {} } } }), 'x', { today: TODAY });
  assert.deepEqual(rules(r.findings), ['GS508', 'GS509', 'GS510', 'GS511']);
  assert.match(r.findings.find((f) => f.rule === 'GS510')?.message ?? '', /port 80\/tcp is below 1024/);
  const old = await inspectImage(await testImage({ binary: await hello() }), 'x', { today: new Date('2024-09-01') });
  assert.ok(!old.findings.some((f) => f.rule === 'GS511'), 'go1.23 was supported in September 2024');
});

test('entrypoint problems are reported, not thrown', async (t) => {
  const none = await inspectImage(await testImage({ config: { Entrypoint: [] } }), 'x');
  assert.equal(none.binary.error, 'the image sets no entrypoint or cmd');
  const missing = await inspectImage(await testImage({ config: { Entrypoint: ['/nope'] } }), 'x');
  assert.match(missing.binary.error ?? '', /\/nope does not exist in the image/);
  const bare = await inspectImage(await testImage({ config: { Entrypoint: ['server'] } }), 'x');
  assert.match(bare.binary.error ?? '', /server is not found on the image's PATH/);
  const script = await inspectImage(await testImage({ extra: [{ type: 'file', path: '/run.sh', mode: 0o755, data: Buffer.from('#!/bin/sh\necho\n') }], config: { Entrypoint: ['/run.sh'] } }), 'x');
  assert.match(script.binary.error ?? '', /not a valid ELF file/);
  // GS512: an image whose entrypoint the runtime cannot even find; a script it can find is no GS512.
  const gs512 = (r: { findings: Finding[] }): boolean => r.findings.some((f) => f.rule === 'GS512' && f.severity === 'error');
  assert.ok(gs512(none) && gs512(missing) && gs512(bare));
  assert.ok(!gs512(script));
  if (!requireTool(t, 'go')) return;
  // PATH lookup and a symlinked entrypoint.
  const img = await testImage({ binary: await hello(), at: '/usr/local/bin/server', extra: [{ type: 'symlink', path: '/app', target: 'usr/local/bin/server' }], config: { Entrypoint: ['server'], Env: ['PATH=/usr/local/bin'] } });
  const r = await inspectImage(img, 'x');
  assert.equal(r.binary.path, '/usr/local/bin/server');
  assert.equal(r.binary.goStatus, 'go');
});

test('an index is inspected per platform', async (t) => {
  if (!requireTool(t, 'go')) return;
  const amd = await testImage({ binary: await hello() });
  const arm = await testImage({ binary: await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 'arm64' }, args: ['-ldflags=-s -w'] }), arch: 'arm64' });
  const r = await inspectArtifact(newIndex([amd, arm]), 'multi', { today: TODAY });
  assert.equal(r.kind, 'index');
  assert.deepEqual(r.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64']);
  assert.deepEqual(r.platforms.map((p) => p.binary.elf?.goarch), ['amd64', 'arm64']);
  assert.ok(r.findings.every((f) => f.file.startsWith('multi (linux/')));
  const one = await inspectArtifact(newIndex([amd, arm]), 'multi', { today: TODAY, platform: { os: 'linux', architecture: 'arm64' } });
  assert.deepEqual(one.platforms.map((p) => p.platform), ['linux/arm64']);
});

test('the rule table lists GS501-GS513, one severity each; GOMAXPROCS advice is info, a declared limit exceeded a warning', async () => {
  const { AUDIT_RULES } = await import('../../src/inspect/rules.js');
  assert.deepEqual(AUDIT_RULES.map((r) => r.id), ['GS501', 'GS502', 'GS503', 'GS504', 'GS505', 'GS506', 'GS507', 'GS508', 'GS509', 'GS510', 'GS511', 'GS512', 'GS513']);
  assert.deepEqual(AUDIT_RULES.map((r) => r.severity), ['error', 'error', 'error', 'warning', 'error', 'warning', 'info', 'info', 'info', 'warning', 'info', 'error', 'warning']);
});

test('GS512: an entrypoint that is a symlink loop cannot start', async () => {
  const loop = await testImage({ extra: [{ type: 'symlink', path: '/app', target: '/app2' }, { type: 'symlink', path: '/app2', target: '/app' }], config: { Entrypoint: ['/app'] } });
  const r = await inspectImage(loop, 'x', { today: TODAY });
  const f = r.findings.find((x) => x.rule === 'GS512');
  assert.ok(f, JSON.stringify(r.findings));
  assert.match(f.message, /\/app cannot be resolved in the image: too many levels of symbolic links/);
  assert.match(r.binary.error ?? '', /symlink loop/);
});
