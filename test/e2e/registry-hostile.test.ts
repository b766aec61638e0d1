// A hostile registry (test/helpers/hostile-registry.ts) against `goscratch push/pull`
// as a user runs them: credentials must stay on the registry's host and off plain
// HTTP, and no answer may cost unbounded memory, disk or time. Memory, disk and time
// are measured from outside the child process (test/helpers/bounds.ts).
import { after, before, describe, it, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayout } from '../../src/io/layout.js';
import { measure, type Measured } from '../helpers/bounds.js';
import { start } from '../helpers/exec.js';
import { startHostileRegistry, type HostileMode, type HostileOptions, type HostileRegistry } from '../helpers/hostile-registry.js';
import { startGoscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { testImage } from '../registry/fixtures.js';

const USER = 'mallory-victim';
const PASSWORD = 'pw-hostile-7Qx2';
const BASIC = 'Basic ' + Buffer.from(`${USER}:${PASSWORD}`).toString('base64');
const MiB = 1024 * 1024;
/** A CLI run from source (node + tsx) stays well under this; an unbounded read does not. */
const RSS_LIMIT = 300 * MiB;
/** "Gives up within 60 s": the default retry budget is 5 minutes, so only a permanent error or a deadline gets there. */
const TIME_LIMIT = 60_000;

describe('a hostile registry', { concurrency: 2 }, () => {
  let tmp: string;
  let layout: string;
  let n = 0;
  const registries: HostileRegistry[] = [];

  before(async () => {
    tmp = await makeTempDir('hostile');
    layout = join(tmp, 'layout');
    await writeLayout(layout, await testImage(), { tags: ['app:v1'] });
  });
  after(async () => {
    await Promise.all(registries.map((r) => r.stop()));
    if (tmp) await removeTree(tmp);
  });

  async function hostile(mode: HostileMode, opts: HostileOptions = {}): Promise<HostileRegistry> {
    const r = await startHostileRegistry(mode, opts);
    registries.push(r);
    return r;
  }

  /** A private directory (TMPDIR and DOCKER_CONFIG inside it) with credentials for `host`. */
  async function caseDir(host?: string): Promise<{ dir: string; env: Record<string, string> }> {
    const dir = join(tmp, `case${++n}`);
    const docker = join(dir, 'docker');
    await mkdir(join(dir, 'tmp'), { recursive: true });
    await mkdir(docker, { recursive: true });
    if (host) await writeFile(join(docker, 'config.json'), JSON.stringify({ auths: { [host]: { auth: Buffer.from(`${USER}:${PASSWORD}`).toString('base64') } } }));
    return { dir, env: { DOCKER_CONFIG: docker, TMPDIR: join(dir, 'tmp'), HTTP_PROXY: '', HTTPS_PROXY: '', NO_PROXY: '' } };
  }

  function figures(m: Measured): string {
    return `exit ${m.result.code}, ${m.ms} ms, peak RSS ${(m.peakRssBytes / MiB).toFixed(0)} MiB, peak disk ${(m.peakDiskBytes / MiB).toFixed(1)} MiB${m.exceeded ? `, killed for ${m.exceeded}` : ''}`;
  }

  function sent(m: Measured): string {
    return `${figures(m)}\n${m.result.stderr.slice(-2000)}`;
  }

  /** Runs `goscratch args`, measured, and reports the figures in the test's output. */
  async function cli(t: TestContext, args: string[], env: Record<string, string>, dir: string): Promise<Measured> {
    const m = await measure(startGoscratch(args, { env, timeoutMs: 120_000 }), { rssBytes: RSS_LIMIT, diskBytes: 64 * MiB, dir, ms: TIME_LIMIT });
    t.diagnostic(figures(m));
    return m;
  }

  it('sends no credentials to an upload Location on another host', async (t) => {
    const reg = await hostile('location-elsewhere', { user: USER, password: PASSWORD });
    const { dir, env } = await caseDir(reg.host);
    const m = await cli(t, ['push', layout, `${reg.host}/hostile/app:v1`], env, dir);
    assert.equal(m.result.code, 0, sent(m));
    assert.ok(reg.other.requests.some((r) => r.method === 'PUT'), 'the uploads went to the other host');
    assert.deepEqual(reg.other.requests.filter((r) => r.authorization), [], 'no Authorization reached the other host');
    assert.ok(reg.requests.some((r) => r.authorization === BASIC), 'the registry itself got the credentials');
  });

  it('sends no credentials along a redirect to another host', async (t) => {
    const reg = await hostile('redirect-elsewhere', { user: USER, password: PASSWORD });
    const { dir, env } = await caseDir(reg.host);
    const m = await cli(t, ['pull', `${reg.host}/hostile/app:v1`, join(dir, 'out')], env, dir);
    assert.equal(m.result.code, 0, sent(m));
    assert.ok(reg.other.requests.some((r) => r.url === `/blob/${reg.image.layerDigest}`), 'the layer came from the other host');
    assert.deepEqual(reg.other.requests.filter((r) => r.authorization), []);
  });

  it('never sends Basic credentials over plain HTTP to a token realm on another host', async (t) => {
    const reg = await hostile('realm-http', { user: USER, password: PASSWORD });
    const { dir, env } = await caseDir(reg.host);
    const proxied = { ...env, HTTP_PROXY: reg.proxy!.url };
    const tokenHost = new URL(reg.proxy!.url).port;
    const refused = await cli(t, ['pull', `${reg.host}/hostile/app:v1`, join(dir, 'out'), '--insecure-registry', reg.host], proxied, dir);
    assert.equal(refused.result.code, 1, sent(refused));
    assert.match(refused.result.stderr, new RegExp(`token\\.test:${tokenHost}.*plain HTTP`));
    assert.deepEqual(reg.proxy!.requests.filter((r) => r.url.includes('token.test') && r.authorization), [], 'no credentials went to the realm');
    // Naming the realm's host as insecure is the user's explicit consent.
    const allowed = await cli(t, ['pull', `${reg.host}/hostile/app:v1`, join(dir, 'out'), '--insecure-registry', reg.host, '--insecure-registry', `token.test:${tokenHost}`], proxied, dir);
    assert.equal(allowed.result.code, 0, sent(allowed));
    assert.ok(reg.proxy!.requests.some((r) => r.url.includes('token.test') && r.authorization === BASIC));
  });

  /**
   * `goscratch pull` from a registry in `mode` must fail with `message`, within the
   * memory, disk and time limits (a child past one is killed, which fails the test).
   */
  async function refusedPull(t: TestContext, mode: HostileMode, message: RegExp): Promise<{ reg: HostileRegistry; m: Measured; dir: string }> {
    const reg = await hostile(mode);
    const { dir, env } = await caseDir();
    const m = await cli(t, ['pull', `${reg.host}/hostile/app:v1`, join(dir, 'out')], env, dir);
    assert.equal(m.exceeded, undefined, sent(m));
    assert.equal(m.result.code, 1, sent(m));
    assert.match(m.result.stderr, message);
    assert.equal(existsSync(join(dir, 'out')), false);
    return { reg, m, dir };
  }

  it('stops an endless blob at its declared size', async (t) => {
    const { reg, m } = await refusedPull(t, 'endless-blob', /blob sha256:[0-9a-f]{64} of 127\.0\.0\.1:\d+\/hostile\/app is larger than its descriptor \(132096 bytes\)/);
    assert.ok(m.peakDiskBytes < reg.image.layerSize + 4 * MiB, sent(m));
  });

  it('gives up on a blob trickled one byte at a time', async (t) => {
    // Scaled down from 1 byte per 20 s against the default 30 s window: 1 byte per 5 s
    // against a 10 s window keeps the bytes moving often enough to defeat a watchdog
    // that only looks for silence.
    const reg = await hostile('trickle-blob', { trickleMs: 5_000 });
    const { dir, env } = await caseDir();
    const code = `const { pullIntoLayout } = await import(${JSON.stringify(new URL('../../src/io/registry/index.ts', import.meta.url).href)});
      try { await pullIntoLayout(process.argv[1], process.argv[2], { retry: { stallMs: 10000, totalMs: 15000 } }); }
      catch (e) { process.stderr.write(String(e.message)); process.exit(1); }`;
    const run = start(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, `${reg.host}/hostile/app:v1`, join(dir, 'out')], { env, timeoutMs: 120_000 });
    const m = await measure(run, { rssBytes: RSS_LIMIT, ms: TIME_LIMIT });
    t.diagnostic(figures(m));
    assert.equal(m.exceeded, undefined, sent(m));
    assert.equal(m.result.code, 1, sent(m));
    assert.match(m.result.stderr, /fetching blob sha256:[0-9a-f]{64} of 127\.0\.0\.1:\d+\/hostile\/app failed after \d+ attempts .*less than 10240 bytes moved in 10s/);
  });

  it('fails at once on a blob shorter than its descriptor', async (t) => {
    const { m } = await refusedPull(t, 'short-blob', /blob sha256:[0-9a-f]{64} of 127\.0\.0\.1:\d+\/hostile\/app stops at byte 131096 of 132096 on every attempt: it is shorter than its descriptor/);
    assert.ok(m.ms < 30_000, sent(m));
  });

  it('refuses a manifest over 4 MiB without reading it whole', async (t) => {
    await refusedPull(t, 'huge-manifest', /fetching manifest v1 of 127\.0\.0\.1:\d+\/hostile\/app: the registry sent more than 4194304 bytes/);
  });

  it('refuses a gzip-encoded manifest instead of inflating it', async (t) => {
    await refusedPull(t, 'gzip-manifest', /fetching manifest v1 of 127\.0\.0\.1:\d+\/hostile\/app: the registry sent it with Content-Encoding gzip although goscratch asked for identity/);
  });

  for (const [mode, message] of [['redirect-file', /redirected to file:\/\/\/etc\/passwd, which goscratch never follows/], ['redirect-loop', /redirected more than 10 times/]] as const) {
    it(`fails at once on a ${mode.replace('redirect-', 'redirect ')}`, async (t) => {
      const { reg } = await refusedPull(t, mode, message);
      const asked = reg.requests.filter((r) => r.url.endsWith(reg.image.layerDigest)).length;
      assert.ok(asked <= 11, `the layer was asked for ${asked} times: one attempt, no retries`);
    });
  }

  it('refuses an index of 20,000 entries before fetching any of them', async (t) => {
    const { reg } = await refusedPull(t, 'repeated-index', /index v1 of 127\.0\.0\.1:\d+\/hostile\/app lists 20000 manifests; goscratch reads at most 1000/);
    assert.deepEqual(reg.requests.filter((r) => r.url.includes(reg.image.digest)), []);
  });

  it('pulls a manifest an index lists 50 times once, and its layer once', async (t) => {
    const reg = await hostile('repeated-index', { repeat: 50 });
    const { dir, env } = await caseDir();
    const m = await cli(t, ['pull', `${reg.host}/hostile/app:v1`, join(dir, 'out')], env, dir);
    assert.equal(m.result.code, 0, sent(m));
    assert.equal(reg.requests.filter((r) => r.method === 'GET' && r.url.endsWith(reg.image.digest)).length, 1);
    assert.equal(reg.requests.filter((r) => r.method === 'GET' && r.url.endsWith(reg.image.layerDigest)).length, 1);
  });
});
