// Registry auth end to end: htpasswd Basic auth and token auth (a token server here
// signing RS256 JWTs), through `goscratch login/push/pull/logout` as a user runs them.
// Every byte those commands print is kept and scanned for the secrets used.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayout } from '../../src/io/layout.js';
import { eraseCredentials, openRemote, pushArtifact, storeCredentials } from '../../src/io/registry/index.js';
import type { Image } from '../../src/image/model.js';
import type { ExecResult } from '../helpers/exec.js';
import { startRegistry, type RegistryAuth, type TestRegistry } from '../helpers/registry.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { testImage } from '../registry/fixtures.js';

const USER = 'alice';
const PASSWORD = 'pw-Zq8x7K2mVt41';
const WRONG = 'wrong-Hy61NpQs09';

/** Everything the commands printed, scanned at the end. */
const transcript: string[] = [];
const registries: TestRegistry[] = [];

async function run(args: string[], env: Record<string, string>, input?: string): Promise<ExecResult> {
  const r = await goscratch([...args, ...(args[0] === 'logout' ? [] : ['--debug'])], { env, ...(input !== undefined ? { input } : {}) });
  transcript.push(r.stdout, r.stderr);
  return r;
}

/** Runs a library call that must fail; keeps its message for the scan. */
async function failure(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    transcript.push(msg);
    return msg;
  }
  throw new Error('expected a failure');
}

// The two registries run side by side; each one's tests run in order.
describe('registry auth', { concurrency: true }, () => {
for (const auth of ['htpasswd', 'token'] as RegistryAuth[]) {
  describe(`registry auth: ${auth}`, { ...needTools('docker-registry', 'htpasswd', 'openssl'), concurrency: 1 }, () => {
    let reg: TestRegistry;
    let tmp: string;
    let layout: string;
    let img: Image;
    const envFor = (name: string): Record<string, string> => ({ DOCKER_CONFIG: join(tmp, name) });

    before(async () => {
      reg = await startRegistry({ auth, users: { [USER]: PASSWORD } });
      registries.push(reg);
      tmp = await makeTempDir(`registry-${auth}`);
      img = await testImage();
      layout = join(tmp, 'layout');
      await writeLayout(layout, img, { tags: ['app:v1'] });
    });
    after(async () => {
      await reg?.stop();
      if (tmp) await removeTree(tmp);
    });

    it('refuses a push without credentials, naming the fix', async () => {
      const r = await run(['push', layout, `${reg.host}/team/app:v1`], envFor('empty'));
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${reg.host} requires authentication .*goscratch login ${reg.host}`));
    });

    it('rejects a wrong password at login and stores nothing', async () => {
      const env = envFor('wrong');
      const r = await run(['login', reg.host, '-u', USER, '--password-stdin'], env, WRONG + '\n');
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, new RegExp(`${reg.host} rejected the password of user "${USER}"`));
      await assert.rejects(stat(join(env.DOCKER_CONFIG!, 'config.json')), /ENOENT/);
    });

    it('logs in, stores the credentials 0600 where docker does, and pushes and pulls', async () => {
      const env = envFor('good');
      const login = await run(['login', reg.host, '-u', USER, '--password-stdin', '--json'], env, PASSWORD + '\n');
      assert.equal(login.code, 0, login.stderr);
      const file = join(env.DOCKER_CONFIG!, 'config.json');
      assert.equal((await stat(file)).mode & 0o777, 0o600);
      const config = JSON.parse(await readFile(file, 'utf8')) as { auths: Record<string, { auth: string }> };
      assert.equal(Buffer.from(config.auths[reg.host]!.auth, 'base64').toString(), `${USER}:${PASSWORD}`);
      assert.deepEqual(JSON.parse(login.stdout), { registry: reg.host, username: USER, storedIn: file });

      const push = await run(['push', layout, `${reg.host}/team/app:v1`], env);
      assert.equal(push.code, 0, push.stderr);
      assert.equal(push.stdout.trim(), `${reg.host}/team/app@${img.digest}`);
      assert.equal((await openRemote(`${reg.host}/team/app:v1`, { env })).digest, img.digest);

      const out = await run(['logout', reg.host, '--json'], env);
      assert.deepEqual(JSON.parse(out.stdout), { registry: reg.host, removed: true });
      assert.match(await failure(openRemote(`${reg.host}/team/app:v1`, { env })), /requires authentication/);
    });

    it('fails a push with stale stored credentials and says which user', async () => {
      const env = envFor('stale');
      await mkdir(env.DOCKER_CONFIG!, { recursive: true });
      await writeFile(join(env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ auths: { [`http://${reg.host}/v1/`]: { auth: Buffer.from(`${USER}:${WRONG}`).toString('base64') } } }));
      assert.match(await failure(pushArtifact(`${reg.host}/team/app:v1`, img, { env })), new RegExp(`rejected the password of user "${USER}"`));
    });

    it('gets credentials from a docker credential helper (credHelpers)', async () => {
      const env = envFor('helper');
      const bin = join(tmp, 'bin');
      const store = join(tmp, 'helper-store.json');
      await mkdir(bin, { recursive: true });
      await mkdir(env.DOCKER_CONFIG!, { recursive: true });
      const helper = join(bin, 'docker-credential-gstest');
      await writeFile(helper, `#!${process.execPath}
const fs = require('fs');
let input = '';
process.stdin.on('data', (d) => (input += d)).on('end', () => {
  const db = fs.existsSync(${JSON.stringify(store)}) ? JSON.parse(fs.readFileSync(${JSON.stringify(store)}, 'utf8')) : {};
  const action = process.argv[2];
  if (action === 'store') { const c = JSON.parse(input); db[c.ServerURL] = c; }
  else if (action === 'erase') { if (!db[input.trim()]) { process.stdout.write('credentials not found in native keychain'); process.exit(1); } delete db[input.trim()]; }
  else { const c = db[input.trim()]; if (!c) { process.stdout.write('credentials not found in native keychain'); process.exit(1); } process.stdout.write(JSON.stringify(c)); return; }
  fs.writeFileSync(${JSON.stringify(store)}, JSON.stringify(db));
});
`);
      await chmod(helper, 0o755);
      await writeFile(join(env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ credHelpers: { [reg.host]: 'gstest' } }));
      const withPath = { ...env, PATH: `${bin}:${process.env.PATH ?? ''}` };
      assert.equal(await storeCredentials(reg.host, USER, PASSWORD, withPath), 'docker-credential-gstest');
      const kept = await readFile(join(env.DOCKER_CONFIG!, 'config.json'), 'utf8');
      assert.ok(!kept.includes(Buffer.from(`${USER}:${PASSWORD}`).toString('base64')), 'the password went to the helper, not the file');
      assert.equal((JSON.parse(await readFile(store, 'utf8')) as Record<string, { Secret: string }>)[reg.host]?.Secret, PASSWORD);
      assert.equal((await pushArtifact(`${reg.host}/helper/app:v1`, img, { env: withPath })).digest, img.digest);
      assert.equal(await eraseCredentials(reg.host, withPath), true);
      assert.deepEqual(JSON.parse(await readFile(store, 'utf8')), {});
    });

    if (auth === 'token') {
      it('asks the token server once per scope set and reuses the token for every blob', async () => {
        const before = reg.tokenRequests.length;
        await pushArtifact(`${reg.host}/cache/app:v1`, await testImage({ layerSizes: [10, 20, 30, 40, 50] }), {
          credentials: { username: USER, password: PASSWORD },
        });
        const asked = reg.tokenRequests.slice(before);
        assert.deepEqual(asked.map((r) => r.scope), [['repository:cache/app:pull,push']]);
        assert.equal(asked[0]?.user, USER);
      });

      it('uses an identity token (refresh token) with the OAuth2 POST flow, and mounts what it read from the registry', async () => {
        const env = envFor('identity');
        await mkdir(env.DOCKER_CONFIG!, { recursive: true });
        await writeFile(join(env.DOCKER_CONFIG!, 'config.json'), JSON.stringify({ auths: { [reg.host]: { identitytoken: reg.refreshToken } } }));
        const pulled = await openRemote(`${reg.host}/helper/app:v1`, { env });
        const before = reg.tokenRequests.length;
        const pushed = await pushArtifact(`${reg.host}/identity/app:v1`, pulled, { env });
        assert.equal(pushed.digest, img.digest);
        const asked = reg.tokenRequests.slice(before);
        assert.ok(asked.length > 0 && asked.every((r) => r.method === 'POST'), JSON.stringify(asked));
        assert.deepEqual(asked[0]?.scope, ['repository:identity/app:pull,push']);
        // The layers came from helper/app: mounting them asks for pull there too.
        assert.ok(asked.slice(1).every((r) => r.scope.includes('repository:identity/app:pull,push') && r.scope.includes('repository:helper/app:pull')), JSON.stringify(asked));
        assert.equal(Object.values(pushed.blobs).filter((o) => o === 'mounted').length, img.layers.length);
      });
    }
  });
}
});

describe('registry auth output', () => {
  it('never prints a password, a stored auth string or a token', () => {
    assert.ok(transcript.length > 10, 'the auth tests ran and produced output');
    const secrets = [PASSWORD, WRONG, Buffer.from(`${USER}:${PASSWORD}`).toString('base64'), Buffer.from(`${USER}:${WRONG}`).toString('base64')];
    for (const reg of registries) {
      secrets.push(...reg.issuedTokens);
      // A JWT's signature alone is enough to leak it.
      secrets.push(...reg.issuedTokens.map((t) => t.split('.')[2]!));
      if (reg.refreshToken) secrets.push(reg.refreshToken);
    }
    const all = transcript.join('\n');
    assert.ok(/(GET|PUT|HEAD|POST) .*-> \d{3}/.test(all), 'the --debug request log was captured');
    for (const s of secrets) assert.ok(!all.includes(s), `a secret appeared in the output: ${s.slice(0, 4)}…`);
  });
});
