// The registry client's parts in isolation: challenges, scopes, the token cache,
// docker's credential store, retry timing, and the transport's scheme and proxy
// choices against small HTTP servers started here on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import { connect } from 'node:net';
import { lstat, mkdir, readFile, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TokenCache } from '../../src/io/registry/auth.js';
import { mergeScopes, parseChallenge } from '../../src/io/registry/challenge.js';
import { eraseCredentials, loadCredentials, registryHost, storeCredentials } from '../../src/io/registry/credentials.js';
import { backoffDelay, DEFAULT_RETRY, isRetryable, parseRetryAfter, StallError } from '../../src/io/registry/retry.js';
import { RegistryError } from '../../src/io/registry/errors.js';
import { isLoopback } from '../../src/io/registry/hosts.js';
import { RegistrySession } from '../../src/io/registry/session.js';
import { openRemote } from '../../src/io/registry/index.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { freePort } from '../helpers/http.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { execOk } from '../helpers/exec.js';
import { requireTool } from '../helpers/tools.js';

describe('auth challenges and scopes', () => {
  it('parses Bearer challenges with quoted commas and the error', () => {
    assert.deepEqual(parseChallenge('Bearer realm="https://auth.example.com/token",service="registry.example.com",scope="repository:a/b:pull,push",error="insufficient_scope"'), {
      scheme: 'bearer', realm: 'https://auth.example.com/token', service: 'registry.example.com', scope: 'repository:a/b:pull,push', error: 'insufficient_scope',
    });
    assert.deepEqual(parseChallenge('Basic realm="Registry Realm"'), { scheme: 'basic', realm: 'Registry Realm' });
    assert.equal(parseChallenge('Negotiate abc'), undefined);
    assert.equal(parseChallenge(null), undefined);
  });

  it('merges scopes per repository', () => {
    assert.deepEqual(mergeScopes(['repository:a:pull', 'repository:a:push', 'repository:b:pull', 'repository:a:pull']), ['repository:a:pull,push', 'repository:b:pull']);
    assert.deepEqual(mergeScopes(['repository:a:pull,push repository:c:pull']), ['repository:a:pull,push', 'repository:c:pull']);
  });

  it('caches a token per scope set, shares a pending fetch and renews after expiry', async () => {
    const cache = new TokenCache();
    let calls = 0;
    const fetchToken = async (): Promise<{ token: string; expires_in: number }> => {
      calls++;
      return { token: `t${calls}`, expires_in: 300 };
    };
    const [a, b] = await Promise.all([cache.get(['repository:a:pull'], fetchToken), cache.get(['repository:a:pull'], fetchToken)]);
    assert.equal(a, 't1');
    assert.equal(b, 't1');
    assert.equal(await cache.get(['repository:b:pull'], fetchToken), 't2');
    const expired = new TokenCache();
    await expired.get(['s'], async () => ({ token: 'old', expires_in: 60, issued_at: new Date(Date.now() - 55_000).toISOString() }));
    assert.equal(await expired.get(['s'], async () => ({ token: 'new' })), 'new');
    cache.invalidate(['repository:a:pull']);
    assert.equal(await cache.get(['repository:a:pull'], fetchToken), 't3');
  });
});

describe('docker credentials', () => {
  let dir: string;
  let n = 0;
  const env = (): NodeJS.ProcessEnv => ({ DOCKER_CONFIG: join(dir, `c${++n}`), PATH: process.env.PATH });
  const write = async (e: NodeJS.ProcessEnv, config: unknown): Promise<void> => {
    await mkdir(e.DOCKER_CONFIG!, { recursive: true });
    await writeFile(join(e.DOCKER_CONFIG!, 'config.json'), JSON.stringify(config));
  };
  before(async () => {
    dir = await makeTempDir('creds');
  });
  after(async () => removeTree(dir));

  it('reads auths by host, by URL key, and Docker Hub under its historic key', async () => {
    const e = env();
    await write(e, {
      auths: {
        'https://index.docker.io/v1/': { auth: Buffer.from('hub:hubpw').toString('base64') },
        'https://registry.example.com:5000/v1/': { auth: Buffer.from('me:pw:with:colons').toString('base64') },
        'ghcr.io': { identitytoken: 'refresh-me' },
        'quay.io': { username: 'u', password: 'p' },
      },
    });
    for (const hub of ['docker.io', 'index.docker.io', 'registry-1.docker.io']) assert.deepEqual(await loadCredentials(hub, e), { username: 'hub', password: 'hubpw' });
    assert.deepEqual(await loadCredentials('registry.example.com:5000', e), { username: 'me', password: 'pw:with:colons' });
    assert.deepEqual(await loadCredentials('ghcr.io', e), { identityToken: 'refresh-me' });
    assert.deepEqual(await loadCredentials('quay.io', e), { username: 'u', password: 'p' });
    assert.equal(await loadCredentials('other.io', e), undefined);
  });

  it('stores 0600, keeps other keys, uses the Hub key docker uses, and erases', async () => {
    const e = env();
    await write(e, { auths: { 'x.io': { auth: 'eDp5' } }, psFormat: 'table' });
    await storeCredentials('docker.io', 'me', 'secret', e);
    const file = join(e.DOCKER_CONFIG!, 'config.json');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    const config = JSON.parse(await readFile(file, 'utf8')) as { auths: Record<string, { auth: string }>; psFormat: string };
    assert.equal(config.psFormat, 'table');
    assert.equal(config.auths['x.io']?.auth, 'eDp5');
    assert.equal(Buffer.from(config.auths['https://index.docker.io/v1/']!.auth, 'base64').toString(), 'me:secret');
    assert.equal(await eraseCredentials('index.docker.io', e), true);
    assert.equal(await eraseCredentials('docker.io', e), false);
    assert.equal(await loadCredentials('docker.io', e), undefined);
  });

  it('writes through a symlinked config.json, keeping the link and every other key', async () => {
    const e = env();
    const elsewhere = join(dir, `dotfiles${n}`);
    await mkdir(elsewhere, { recursive: true });
    await mkdir(e.DOCKER_CONFIG!, { recursive: true });
    const target = join(elsewhere, 'docker-config.json');
    await writeFile(target, JSON.stringify({ auths: { 'x.io': { auth: 'eDp5' } }, psFormat: 'table', proxies: { default: { httpProxy: 'http://p:3128' } } }));
    const link = join(e.DOCKER_CONFIG!, 'config.json');
    await symlink(target, link);
    await storeCredentials('r.example.com', 'me', 'secret', e);
    assert.equal((await lstat(link)).isSymbolicLink(), true, 'config.json is still a link');
    const config = JSON.parse(await readFile(target, 'utf8')) as { auths: Record<string, { auth: string }>; psFormat: string; proxies: unknown };
    assert.equal(config.psFormat, 'table');
    assert.deepEqual(config.proxies, { default: { httpProxy: 'http://p:3128' } });
    assert.equal(config.auths['x.io']?.auth, 'eDp5');
    assert.equal(Buffer.from(config.auths['r.example.com']!.auth, 'base64').toString(), 'me:secret');
    assert.equal(await eraseCredentials('r.example.com', e), true);
    assert.equal((await lstat(link)).isSymbolicLink(), true);
    assert.deepEqual(Object.keys((JSON.parse(await readFile(target, 'utf8')) as { auths: object }).auths), ['x.io']);
  });

  it('refuses a config.json it cannot keep intact, and leaves it as it was', async (t) => {
    const cases: [string, (path: string) => Promise<void>, RegExp][] = [
      ['a dangling link', (p) => symlink(join(dir, 'no-such-file.json'), p), /is a symbolic link to a file that does not exist/],
      ['a directory', (p) => mkdir(p), /not a regular file/],
      ['a JSON array', (p) => writeFile(p, '[1, 2]'), /does not hold a JSON object/],
      ['auths that are not an object', (p) => writeFile(p, '{"auths": ["x"], "keep": 1}'), /"auths" is not an object/],
    ];
    if (requireTool(t, 'mkfifo')) cases.push(['a FIFO (which would never end)', (p) => execOk('mkfifo', [p]).then(() => undefined), /not a regular file/]);
    for (const [what, make, message] of cases) {
      const e = env();
      await mkdir(e.DOCKER_CONFIG!, { recursive: true });
      const path = join(e.DOCKER_CONFIG!, 'config.json');
      await make(path);
      const before = await lstat(path);
      await assert.rejects(storeCredentials('r.example.com', 'me', 'secret', e), message, what);
      const after = await lstat(path);
      assert.deepEqual([after.ino, after.mode, after.size], [before.ino, before.mode, before.size], `${what} is untouched`);
    }
  });

  it('prefers credHelpers over credsStore and treats <token> as an identity token', async () => {
    const e = env();
    const bin = join(dir, 'bin');
    await mkdir(bin, { recursive: true });
    for (const [name, user] of [['one', 'alice'], ['two', '<token>']] as const) {
      await writeFile(join(bin, `docker-credential-${name}`), `#!/bin/sh\nread url\necho '{"ServerURL":"'$url'","Username":"${user}","Secret":"s-${name}"}'\n`, { mode: 0o755 });
    }
    await writeFile(join(bin, 'docker-credential-none'), `#!/bin/sh\necho "credentials not found in native keychain"\nexit 1\n`, { mode: 0o755 });
    const withBin = { ...e, PATH: `${bin}:${process.env.PATH ?? ''}` };
    await write(e, { credsStore: 'one', credHelpers: { 'ghcr.io': 'two', 'quay.io': 'none' } });
    assert.deepEqual(await loadCredentials('registry.example.com', withBin), { username: 'alice', password: 's-one' });
    assert.deepEqual(await loadCredentials('ghcr.io', withBin), { identityToken: 's-two' });
    assert.equal(await loadCredentials('quay.io', withBin), undefined);
  });

  it('names the missing credential helper', async () => {
    const e = env();
    await write(e, { credsStore: 'does-not-exist' });
    await assert.rejects(loadCredentials('x.io', e), /cannot run the credential helper docker-credential-does-not-exist/);
  });

  it('normalises login arguments', () => {
    assert.equal(registryHost(undefined), 'docker.io');
    assert.equal(registryHost('https://index.docker.io/v1/'), 'docker.io');
    assert.equal(registryHost('http://127.0.0.1:5000/'), '127.0.0.1:5000');
    assert.throws(() => registryHost('bad host'), /invalid registry/);
  });
});

describe('retries', () => {
  it('reads Retry-After as seconds or a date', () => {
    assert.equal(parseRetryAfter('3'), 3000);
    const later = parseRetryAfter(new Date(Date.now() + 5000).toUTCString())!;
    assert.ok(later > 3000 && later <= 5000, String(later));
    assert.equal(parseRetryAfter(null), undefined);
    assert.equal(parseRetryAfter('soon'), undefined);
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After', () => {
    const p = { ...DEFAULT_RETRY, baseMs: 100, maxDelayMs: 1000 };
    for (let attempt = 0; attempt < 8; attempt++) {
      const ceiling = Math.min(1000, 100 * 2 ** attempt);
      for (let i = 0; i < 20; i++) {
        const d = backoffDelay(p, attempt, new Error('x'));
        assert.ok(d >= ceiling / 2 && d <= ceiling, `attempt ${attempt}: ${d}`);
      }
    }
    assert.equal(backoffDelay(p, 0, new RegistryError('slow down', { status: 429, retryAfterMs: 700 })), 700);
    assert.equal(backoffDelay(p, 0, new RegistryError('slow down', { status: 429, retryAfterMs: 60_000 })), 1000);
  });

  it('retries network faults, stalls, 429 and 5xx, not other answers', () => {
    const reset = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }) });
    assert.equal(isRetryable(reset), true);
    assert.equal(isRetryable(new StallError('stalled')), true);
    for (const status of [429, 500, 502, 503, 504]) assert.equal(isRetryable(new RegistryError('x', { status })), true);
    for (const status of [400, 401, 403, 404]) assert.equal(isRetryable(new RegistryError('x', { status })), false);
    assert.equal(isRetryable(new Error('digest mismatch')), false);
  });
});

describe('transport', () => {
  let registry: Server;
  let port: number;
  const seen: string[] = [];
  before(async () => {
    port = await freePort();
    registry = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      if (req.url === '/v2/') return res.writeHead(200).end('{}');
      if (req.url?.startsWith('/v2/old/manifests/')) {
        res.writeHead(200, { 'content-type': MediaType.dockerManifestV1Signed });
        return res.end(JSON.stringify({ schemaVersion: 1, name: 'old', tag: 'v1', fsLayers: [] }));
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => registry.listen(port, '127.0.0.1', r));
  });
  after(async () => new Promise<void>((r) => registry.close(() => r())));

  it('knows loopback hosts', () => {
    for (const h of ['localhost:5000', '127.0.0.1', '127.9.9.9:80', '[::1]:5000']) assert.equal(isLoopback(h), true, h);
    for (const h of ['registry.example.com', '10.0.0.1:5000', '128.0.0.1']) assert.equal(isLoopback(h), false, h);
  });

  it('uses plain HTTP on loopback, and HTTPS when the server there speaks TLS', async () => {
    const s = new RegistrySession(`127.0.0.1:${port}`);
    assert.deepEqual(await s.ping(), { base: `http://127.0.0.1:${port}` });
    // A TLS server answers a plain request with 400: the next try is HTTPS (which
    // fails here on the self-signed certificate, as it must without --insecure-registry).
    const tlsPort = await freePort();
    const tls = createServer((_req, res) => res.writeHead(400).end('Client sent an HTTP request to an HTTPS server.'));
    await new Promise<void>((r) => tls.listen(tlsPort, '127.0.0.1', r));
    try {
      const seenSchemes: string[] = [];
      tls.on('request', (req) => seenSchemes.push(req.url ?? ''));
      await assert.rejects(new RegistrySession(`127.0.0.1:${tlsPort}`, { retry: { stallMs: 2000 } }).ping());
      assert.deepEqual(seenSchemes, ['/v2/']);
    } finally {
      await new Promise<void>((r) => tls.close(() => r()));
    }
  });

  it('accepts a self-signed certificate only from an --insecure-registry host', async (t) => {
    if (!requireTool(t, 'openssl')) return;
    const dir = await makeTempDir('tls');
    const key = join(dir, 'key.pem');
    const cert = join(dir, 'cert.pem');
    await execOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=127.0.0.1', '-days', '1']);
    const tlsPort = await freePort();
    const server = createHttpsServer({ key: await readFile(key), cert: await readFile(cert) }, (_req, res) => res.writeHead(200).end('{}'));
    await new Promise<void>((r) => server.listen(tlsPort, '127.0.0.1', r));
    try {
      const host = `127.0.0.1:${tlsPort}`;
      await assert.rejects(new RegistrySession(host).ping(), (e: Error) => /self[- ]signed|certificate/i.test(String((e.cause as Error | undefined)?.message ?? e.message)));
      assert.deepEqual(await new RegistrySession(host, { insecureRegistries: [host] }).ping(), { base: `https://${host}` });
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
      await removeTree(dir);
    }
  });

  it('refuses a Docker schema 1 manifest with a clear message', async () => {
    await assert.rejects(openRemote(`127.0.0.1:${port}/old:v1`), /uses Docker image manifest schema 1, which is deprecated and not supported/);
  });

  it('goes through HTTP(S)_PROXY, and uses plain HTTP for a remote host only when it is an insecure registry', async () => {
    // A forward proxy that maps the made-up host registry.test to the local registry,
    // so no name is ever resolved and nothing leaves loopback.
    const proxied: string[] = [];
    const proxyPort = await freePort();
    const proxy = createServer((req, res) => {
      proxied.push(`${req.method} ${req.url}`);
      const target = new URL(req.url ?? '');
      const up = request({ host: '127.0.0.1', port, method: req.method, path: target.pathname + target.search, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode ?? 502, ur.headers);
        ur.pipe(res);
      });
      req.pipe(up);
    });
    proxy.on('connect', (req, socket) => {
      proxied.push(`CONNECT ${req.url}`);
      // The "remote" registry has no TLS: refuse the tunnel.
      socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n');
    });
    await new Promise<void>((r) => proxy.listen(proxyPort, '127.0.0.1', r));
    try {
      const env = { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}`, HTTP_PROXY: `http://127.0.0.1:${proxyPort}` };
      const host = `registry.test:${port}`;
      const secure = new RegistrySession(host, { env, retry: { totalMs: 200 } });
      await assert.rejects(secure.ping());
      assert.deepEqual(proxied, [`CONNECT ${host}`]);
      proxied.length = 0;
      const insecure = new RegistrySession(host, { env, insecureRegistries: ['registry.test'] });
      assert.deepEqual(await insecure.ping(), { base: `http://${host}` });
      assert.deepEqual(proxied, [`GET http://${host}/v2/`]);
      // Loopback registries never go through the proxy.
      proxied.length = 0;
      await new RegistrySession(`127.0.0.1:${port}`, { env }).ping();
      assert.deepEqual(proxied, []);
    } finally {
      await new Promise<void>((r) => proxy.close(() => r()));
    }
  });

  it('aborts a request that stalls', async () => {
    const stallPort = await freePort();
    const stall = createServer(() => undefined);
    const sockets = new Set<ReturnType<typeof connect>>();
    stall.on('connection', (s) => sockets.add(s));
    await new Promise<void>((r) => stall.listen(stallPort, '127.0.0.1', r));
    try {
      const s = new RegistrySession(`127.0.0.1:${stallPort}`, { retry: { stallMs: 300 } });
      const t0 = Date.now();
      await assert.rejects(s.ping(), (e: Error) => e instanceof StallError && /no data moved for 0.3s/.test(e.message));
      assert.ok(Date.now() - t0 < 3000);
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => stall.close(() => r()));
    }
  });
});
