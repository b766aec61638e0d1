/**
 * A hostile registry for fault injection: a small HTTP server on 127.0.0.1 that
 * serves one image (`hostile/app:v1`, a 129 KB layer) and accepts pushes, and
 * misbehaves in one chosen way. A second listener on 127.0.0.2 plays "another host"
 * and records what reaches it. In the `realm-http` mode a forward proxy on 127.0.0.1
 * makes the registry `hostile.test:PORT` and its token server `token.test` (nothing
 * is resolved; every byte stays on loopback). Every server is closed by `stop()`.
 */
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { gzipSync } from 'node:zlib';
import { freePort } from './http.js';

export type HostileMode =
  /** Needs Basic auth; upload sessions live on the other host. */
  | 'location-elsewhere'
  /** Needs Basic auth; blob downloads redirect to the other host. */
  | 'redirect-elsewhere'
  /** Needs a Bearer token from a realm on another host over plain HTTP. */
  | 'realm-http'
  /** The layer never ends (chunked, no Content-Length). */
  | 'endless-blob'
  /** The layer arrives one byte every `trickleMs`. */
  | 'trickle-blob'
  /** The layer declares its full size and closes the connection 1000 bytes early, every time. */
  | 'short-blob'
  /** The manifest never ends (chunked JSON padding). */
  | 'huge-manifest'
  /** The manifest is a 4 MB gzip (Content-Encoding) of 4 GiB. */
  | 'gzip-manifest'
  /** The layer redirects to file:///etc/passwd. */
  | 'redirect-file'
  /** The layer redirects to itself. */
  | 'redirect-loop'
  /** `v1` is an index listing the image manifest `repeat` times. */
  | 'repeated-index';

export interface Seen {
  method: string;
  url: string;
  authorization?: string;
}

export interface HostileRegistry {
  /** The registry as a client names it: `127.0.0.1:PORT`, or `hostile.test:PORT` in realm-http mode. */
  host: string;
  /** Requests the registry saw. */
  requests: Seen[];
  /** The other host (`127.0.0.2:PORT`) and what reached it. */
  other: { host: string; requests: Seen[] };
  /** realm-http mode: the proxy to set as HTTP_PROXY, and every request it forwarded. */
  proxy?: { url: string; requests: Seen[] };
  image: { digest: string; layerDigest: string; layerSize: number };
  /** Body bytes written for the layer, all attempts together. */
  layerBytesSent(): number;
  stop(): Promise<void>;
}

export interface HostileOptions {
  /** Basic credentials the registry wants (location-elsewhere, redirect-elsewhere, realm-http). */
  user?: string;
  password?: string;
  trickleMs?: number;
  repeat?: number;
}

const sha256 = (b: Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');
const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const OCI_INDEX = 'application/vnd.oci.image.index.v1+json';
/** Bodies that "never end" stop here, so a client that fails to bound them cannot fill the disk. */
const SAFETY_CAP = 1024 ** 3;

function seen(req: IncomingMessage): Seen {
  return { method: req.method ?? '', url: req.url ?? '', ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}) };
}

async function listen(server: Server, host: string): Promise<number> {
  const port = await freePort();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  return port;
}

/** Writes `next()` chunks until it returns undefined, the cap, or the client goes away; waits for drain. */
function pour(res: ServerResponse, next: () => Buffer | undefined, count: (n: number) => void): void {
  let sent = 0;
  const write = (): void => {
    for (let chunk = next(); chunk && sent < SAFETY_CAP && !res.destroyed; chunk = next()) {
      sent += chunk.length;
      count(chunk.length);
      if (!res.write(chunk)) return void res.once('drain', write);
    }
    res.end();
  };
  write();
}

export async function startHostileRegistry(mode: HostileMode, opts: HostileOptions = {}): Promise<HostileRegistry> {
  const layer = randomBytes(129 * 1024);
  const config = Buffer.from(JSON.stringify({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256(layer)] }, config: {} }));
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: OCI_MANIFEST,
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: sha256(config), size: config.length },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', digest: sha256(layer), size: layer.length }],
  }));
  const entry = { mediaType: OCI_MANIFEST, digest: sha256(manifest), size: manifest.length, platform: { architecture: 'amd64', os: 'linux' } };
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: Array.from({ length: opts.repeat ?? 20_000 }, () => entry) }));
  const requests: Seen[] = [];
  const otherRequests: Seen[] = [];
  const proxied: Seen[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let layerSent = 0;
  const countLayer = (n: number): void => void (layerSent += n);
  const basic = opts.user ? 'Basic ' + Buffer.from(`${opts.user}:${opts.password ?? ''}`).toString('base64') : undefined;
  const token = randomBytes(12).toString('hex');

  const other = createServer((req, res) => {
    otherRequests.push(seen(req));
    req.resume();
    req.on('end', () => {
      if (req.method === 'GET' && req.url?.startsWith('/blob/')) return void res.writeHead(200, { 'content-length': layer.length }).end(layer);
      const digest = new URL(req.url ?? '/', 'http://x').searchParams.get('digest');
      if (req.method === 'PUT') return void res.writeHead(201, digest ? { 'docker-content-digest': digest } : {}).end();
      res.writeHead(202, { location: req.url ?? '/', range: '0-0' }).end();
    });
  });
  const otherPort = await listen(other, '127.0.0.2');
  const otherHost = `127.0.0.2:${otherPort}`;

  let proxyPort = 0;
  const authorized = (req: IncomingMessage): boolean => {
    if (mode === 'realm-http') return req.headers.authorization === `Bearer ${token}`;
    return !basic || req.headers.authorization === basic;
  };
  const challenge = (): string => (mode === 'realm-http' ? `Bearer realm="http://token.test:${proxyPort}/token",service="hostile"` : 'Basic realm="hostile"');

  const serveLayer = (req: IncomingMessage, res: ServerResponse): void => {
    const self = `http://${req.headers.host}${req.url}`;
    switch (mode) {
      case 'redirect-elsewhere':
        return void res.writeHead(307, { location: `http://${otherHost}/blob/${sha256(layer)}` }).end();
      case 'redirect-file':
        return void res.writeHead(302, { location: 'file:///etc/passwd' }).end();
      case 'redirect-loop':
        return void res.writeHead(302, { location: self }).end();
      case 'endless-blob': {
        res.writeHead(200, { 'content-type': 'application/octet-stream' });
        return pour(res, () => randomBytes(64 * 1024), countLayer);
      }
      case 'trickle-blob': {
        res.writeHead(200, { 'content-length': layer.length });
        let i = 0;
        const drip = setInterval(() => {
          if (res.destroyed || i >= layer.length) return void clearInterval(drip);
          countLayer(1);
          res.write(layer.subarray(i, ++i));
        }, opts.trickleMs ?? 20_000);
        timers.add(drip);
        return void res.write(layer.subarray(i, ++i));
      }
      case 'short-blob': {
        res.writeHead(200, { 'content-length': layer.length });
        countLayer(layer.length - 1000);
        return void res.write(layer.subarray(0, layer.length - 1000), () => res.destroy());
      }
      default:
        countLayer(layer.length);
        res.writeHead(200, { 'content-length': layer.length }).end(layer);
    }
  };

  const serveManifest = (req: IncomingMessage, res: ServerResponse, ref: string): void => {
    const byDigest = ref === sha256(manifest);
    if (mode === 'repeated-index' && !byDigest) {
      return void res.writeHead(200, { 'content-type': OCI_INDEX, 'content-length': index.length }).end(req.method === 'HEAD' ? undefined : index);
    }
    if (mode === 'huge-manifest' && !byDigest) {
      res.writeHead(200, { 'content-type': OCI_MANIFEST });
      let first = true;
      const pad = Buffer.alloc(64 * 1024, 0x20);
      return pour(res, () => (first ? ((first = false), Buffer.from('{"schemaVersion":2,"pad":"')) : pad), () => undefined);
    }
    if (mode === 'gzip-manifest' && !byDigest) {
      // One member is 64 MiB of spaces (~64 KB gzipped); 64 members decode to 4 GiB.
      const member = gzipSync(Buffer.alloc(64 * 1024 ** 2, 0x20));
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-encoding': 'gzip', 'content-length': member.length * 64 });
      let n = 0;
      return pour(res, () => (n++ < 64 ? member : undefined), () => undefined);
    }
    res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': manifest.length, 'docker-content-digest': sha256(manifest) }).end(req.method === 'HEAD' ? undefined : manifest);
  };

  const registry = createServer((req, res) => {
    requests.push(seen(req));
    const body: Buffer[] = [];
    req.on('data', (c: Buffer) => body.push(c));
    req.on('end', () => {
      if (!authorized(req)) return void res.writeHead(401, { 'www-authenticate': challenge(), 'content-type': 'application/json' }).end('{"errors":[{"code":"UNAUTHORIZED"}]}');
      const url = new URL(req.url ?? '/', 'http://x');
      const m = /^\/v2\/(.+)\/(manifests|blobs)\/([^/]+)$/.exec(url.pathname);
      if (url.pathname === '/v2/') return void res.writeHead(200).end('{}');
      if (req.method === 'POST' && url.pathname.endsWith('/blobs/uploads/')) {
        const id = randomBytes(6).toString('hex');
        const location = mode === 'location-elsewhere' ? `http://${otherHost}/upload/${id}` : `/upload/${id}`;
        return void res.writeHead(202, { location, range: '0-0' }).end();
      }
      if (url.pathname.startsWith('/upload/')) {
        const digest = url.searchParams.get('digest');
        if (req.method === 'PUT') return void res.writeHead(201, digest ? { 'docker-content-digest': digest } : {}).end();
        return void res.writeHead(202, { location: url.pathname, range: '0-0' }).end();
      }
      if (!m) return void res.writeHead(404).end();
      const [, , kind, ref] = m;
      if (kind === 'manifests' && req.method === 'PUT') return void res.writeHead(201, { 'docker-content-digest': sha256(Buffer.concat(body)) }).end();
      if (kind === 'manifests') return serveManifest(req, res, ref!);
      if (ref === sha256(config) && req.method === 'GET') return void res.writeHead(200, { 'content-length': config.length }).end(config);
      if (ref === sha256(layer) && req.method === 'GET') return serveLayer(req, res);
      res.writeHead(404).end();
    });
  });
  for (const s of [registry, other]) s.on('connection', (c) => sockets.add(c).size && c.on('close', () => sockets.delete(c)));
  const port = await listen(registry, '127.0.0.1');

  let proxy: Server | undefined;
  if (mode === 'realm-http') {
    // A forward proxy: hostile.test:PORT is the registry, token.test hands out tokens.
    proxy = createServer((req, res) => {
      proxied.push(seen(req));
      const target = new URL(req.url ?? '/', 'http://invalid');
      if (target.hostname === 'token.test') return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token, expires_in: 300 }));
      if (target.host !== `hostile.test:${port}`) return void res.writeHead(502).end();
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        void fetch(`http://127.0.0.1:${port}${target.pathname}${target.search}`, {
          method: req.method ?? 'GET',
          headers: Object.fromEntries(Object.entries(req.headers).filter(([k, v]) => typeof v === 'string' && k !== 'host' && k !== 'connection')) as Record<string, string>,
          ...(chunks.length ? { body: Buffer.concat(chunks) } : {}),
          redirect: 'manual',
        }).then(async (up) => {
          res.writeHead(up.status, Object.fromEntries([...up.headers].filter(([k]) => k !== 'content-length' && k !== 'transfer-encoding' && k !== 'content-encoding')));
          res.end(Buffer.from(await up.arrayBuffer()));
        }, () => res.writeHead(502).end());
      });
    });
    proxy.on('connect', (_req, socket: Socket) => socket.end('HTTP/1.1 502 Bad Gateway\r\n\r\n'));
    proxy.on('connection', (c) => sockets.add(c).size && c.on('close', () => sockets.delete(c)));
    proxyPort = await listen(proxy, '127.0.0.1');
  }

  const close = (s: Server): Promise<void> => new Promise((resolve) => s.close(() => resolve()));
  return {
    host: mode === 'realm-http' ? `hostile.test:${port}` : `127.0.0.1:${port}`,
    requests,
    other: { host: otherHost, requests: otherRequests },
    ...(proxy ? { proxy: { url: `http://127.0.0.1:${proxyPort}`, requests: proxied } } : {}),
    image: { digest: sha256(manifest), layerDigest: sha256(layer), layerSize: layer.length },
    layerBytesSent: () => layerSent,
    async stop() {
      for (const t of timers) clearInterval(t);
      for (const s of sockets) s.destroy();
      await Promise.all([registry, other, ...(proxy ? [proxy] : [])].map(close));
    },
  };
}
