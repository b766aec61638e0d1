/**
 * A real registry for tests: Debian's `docker-registry` (CNCF distribution 2.8) on
 * 127.0.0.1, in a temp dir, with no auth, htpasswd Basic auth, or token auth backed
 * by a small token server here that signs RS256 JWTs carrying an x5c certificate.
 * Stopped by PID.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createPrivateKey, createSign, randomBytes, X509Certificate } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { execOk, start, type Running } from './exec.js';
import { freePort, waitForHttp } from './http.js';
import { pidGone } from './process.js';
import { makeTempDir, removeTree } from './tmp.js';

export type RegistryAuth = 'none' | 'htpasswd' | 'token';

export interface TestRegistry {
  /** `127.0.0.1:PORT` */
  host: string;
  pid: number;
  dir: string;
  /** Token server statistics (token auth only). */
  tokenRequests: { method: string; scope: string[]; user?: string }[];
  /** Every token the token server handed out (to check none is ever printed). */
  issuedTokens: string[];
  /** A refresh token the token server accepts (token auth only). */
  refreshToken?: string;
  stop(): Promise<void>;
}

export interface RegistryOptions {
  auth?: RegistryAuth;
  users?: Record<string, string>;
}

function b64url(data: Buffer | string): string {
  return Buffer.from(data).toString('base64url');
}

function basicUser(req: IncomingMessage, users: Record<string, string>): string | undefined | false {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Basic (.+)$/.exec(h);
  if (!m?.[1]) return false;
  const decoded = Buffer.from(m[1], 'base64').toString();
  const i = decoded.indexOf(':');
  const user = decoded.slice(0, i);
  return users[user] !== undefined && users[user] === decoded.slice(i + 1) ? user : false;
}

async function startTokenServer(dir: string, users: Record<string, string>, stats: TestRegistry['tokenRequests'], issued: string[], refreshToken: string): Promise<{ server: Server; realm: string; cert: string }> {
  const key = join(dir, 'token.key');
  const cert = join(dir, 'token.pem');
  await execOk('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-subj', '/CN=goscratch-test-token', '-days', '2']);
  const privateKey = createPrivateKey(await readFile(key));
  const der = new X509Certificate(await readFile(cert)).raw.toString('base64');

  const sign = (user: string | undefined, scopes: string[]): string => {
    const now = Math.floor(Date.now() / 1000);
    const access = user
      ? scopes.flatMap((s) => s.split(' ')).map((s) => {
          const [type, ...rest] = s.split(':');
          const actions = rest.pop() ?? '';
          return { type, name: rest.join(':'), actions: actions.split(',').filter(Boolean) };
        })
      : [];
    const header = b64url(JSON.stringify({ alg: 'RS256', typ: 'JWT', x5c: [der] }));
    const claims = b64url(JSON.stringify({ iss: 'goscratch-test', sub: user ?? '', aud: 'goscratch-registry', exp: now + 300, nbf: now - 10, iat: now, jti: randomBytes(8).toString('hex'), access }));
    const signature = createSign('RSA-SHA256').update(`${header}.${claims}`).sign(privateKey);
    const token = `${header}.${claims}.${b64url(signature)}`;
    issued.push(token);
    return token;
  };

  const answer = (res: ServerResponse, status: number, body: unknown): void => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'POST') {
        const form = new URLSearchParams(Buffer.concat(chunks).toString());
        const scope = (form.get('scope') ?? '').split(' ').filter(Boolean);
        stats.push({ method: 'POST', scope });
        if (form.get('grant_type') !== 'refresh_token' || form.get('refresh_token') !== refreshToken) return answer(res, 401, { errors: [{ code: 'UNAUTHORIZED' }] });
        return answer(res, 200, { access_token: sign('refresh-user', scope), expires_in: 300 });
      }
      const scope = url.searchParams.getAll('scope');
      const user = basicUser(req, users);
      stats.push({ method: 'GET', scope, ...(user ? { user } : {}) });
      if (user === false) return answer(res, 401, { errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }] });
      const body: Record<string, unknown> = { token: sign(user, scope), expires_in: 300, issued_at: new Date().toISOString() };
      if (user && url.searchParams.get('offline_token') === 'true') body.refresh_token = refreshToken;
      answer(res, 200, body);
    });
  });
  const port = await freePort();
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  return { server, realm: `http://127.0.0.1:${port}/token`, cert };
}

export async function startRegistry(opts: RegistryOptions = {}): Promise<TestRegistry> {
  const auth = opts.auth ?? 'none';
  const users = opts.users ?? {};
  const dir = await makeTempDir('registry');
  const port = await freePort();
  const tokenRequests: TestRegistry['tokenRequests'] = [];
  const issuedTokens: string[] = [];
  const refreshToken = randomBytes(16).toString('hex');
  let tokenServer: Server | undefined;
  let authYaml = '';
  if (auth === 'htpasswd') {
    const lines: string[] = [];
    for (const [u, p] of Object.entries(users)) lines.push((await execOk('htpasswd', ['-Bbn', u, p])).stdout.trim());
    await writeFile(join(dir, 'htpasswd'), lines.join('\n') + '\n');
    authYaml = `auth:\n  htpasswd:\n    realm: goscratch-test\n    path: ${join(dir, 'htpasswd')}\n`;
  } else if (auth === 'token') {
    const t = await startTokenServer(dir, users, tokenRequests, issuedTokens, refreshToken);
    tokenServer = t.server;
    authYaml = `auth:\n  token:\n    realm: ${t.realm}\n    service: goscratch-registry\n    issuer: goscratch-test\n    rootcertbundle: ${t.cert}\n`;
  }
  const config = join(dir, 'config.yml');
  await writeFile(
    config,
    `version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\nstorage:\n  filesystem:\n    rootdirectory: ${join(dir, 'data')}\n  delete:\n    enabled: true\nhttp:\n  addr: 127.0.0.1:${port}\n${authYaml}`,
  );
  const proc: Running = start('docker-registry', ['serve', config], { timeoutMs: 30 * 60_000 });
  const pid = proc.child.pid!;
  const stop = async (): Promise<void> => {
    if (!pidGone(pid)) {
      process.kill(pid, 'SIGTERM');
      const killer = setTimeout(() => process.kill(pid, 'SIGKILL'), 5_000);
      await proc.done.catch(() => undefined);
      clearTimeout(killer);
    }
    if (tokenServer) await new Promise<void>((resolve) => tokenServer!.close(() => resolve()));
    await removeTree(dir);
  };
  try {
    await waitForHttp(`http://127.0.0.1:${port}/v2/`, { alive: () => (pidGone(pid) ? `docker-registry exited: ${proc.stderr()}` : undefined) });
  } catch (e) {
    await stop();
    throw e;
  }
  return { host: `127.0.0.1:${port}`, pid, dir, tokenRequests, issuedTokens, ...(auth === 'token' ? { refreshToken } : {}), stop };
}
