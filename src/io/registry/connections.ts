/**
 * Where requests go out: node:http(s) through keep-alive agents, so one run's
 * requests to a registry share a few pooled connections (and a TLS handshake each)
 * instead of one connection per request; or, when a proxy is configured, undici's
 * EnvHttpProxyAgent (loaded only then). Neither follows redirects nor decodes bodies:
 * transport.ts decides every hop.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingHttpHeaders, type RequestOptions } from 'node:http';
import type { Agent as HttpsAgent } from 'node:https';
import { pipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';

export interface Outgoing {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body?: Buffer | AsyncIterable<Uint8Array>;
  signal: AbortSignal;
}

export interface Incoming {
  status: number;
  headers: IncomingHttpHeaders;
  /** Must be read to its end or destroyed: only a finished answer gives its connection back. */
  body: Readable;
}

export type Send = (req: Outgoing) => Promise<Incoming>;

/**
 * Connections per host. Callers bound their own concurrency (--jobs, 4 by default);
 * this only caps a runaway one, high enough that no request waits for a socket while
 * its stall watchdog runs.
 */
const SOCKETS_PER_HOST = 32;
/** Buffering per request and answer: blobs move in large reads and writes, not 16 KiB ones. */
const STREAM_BUFFER = 1024 * 1024;

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

/** The sender for one registry session: direct unless a proxy is configured (and allowed). */
export function connections(opts: { env: NodeJS.ProcessEnv; useProxy: boolean; verifyTls: boolean }): Send {
  const tls = opts.verifyTls ? {} : { rejectUnauthorized: false };
  if (opts.useProxy && hasProxyEnv(opts.env)) return viaProxy(opts.env, tls);
  // Idle sockets are unref'd by node, so a finished run exits without closing them.
  const http = new HttpAgent({ keepAlive: true, maxSockets: SOCKETS_PER_HOST });
  // node:https (and TLS with it) loads with the first https request, not with every pull.
  let https: { agent: HttpsAgent; request: typeof httpRequest } | undefined;
  return (req) => {
    if (req.url.protocol !== 'https:') return direct(req, http, httpRequest);
    if (!https) {
      const m = process.getBuiltinModule('node:https');
      https = { agent: new m.Agent({ keepAlive: true, maxSockets: SOCKETS_PER_HOST, ...tls }), request: m.request };
    }
    return direct(req, https.agent, https.request);
  };
}

function direct(req: Outgoing, agent: HttpAgent, send: typeof httpRequest): Promise<Incoming> {
  return new Promise((resolve, reject) => {
    // node 20 takes highWaterMark for the request and its answer; its typings do not list it yet.
    const options: RequestOptions & { highWaterMark: number } = { method: req.method, headers: req.headers, agent, signal: req.signal, highWaterMark: STREAM_BUFFER };
    const out = send(req.url, options, (res) => {
      quiet(res);
      resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
    });
    out.on('error', reject);
    if (req.body === undefined || Buffer.isBuffer(req.body)) out.end(req.body);
    // A failing source (a local read error) rejects with its own error, not the socket's.
    else pipeline(req.body, out).catch(reject);
  });
}

function viaProxy(env: NodeJS.ProcessEnv, tls: { rejectUnauthorized?: boolean }): Send {
  const dispatcher = import('undici').then((undici) => ({
    undici,
    agent: new undici.EnvHttpProxyAgent({
      httpProxy: env.HTTP_PROXY ?? env.http_proxy,
      httpsProxy: env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy,
      noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
      requestTls: tls,
      // Plain-HTTP registries go through the proxy as ordinary requests, as Go and curl send them.
      proxyTunnel: false,
    }),
  }));
  return async (req) => {
    const { undici, agent } = await dispatcher;
    const res = await undici.request(req.url, {
      method: req.method as 'GET',
      headers: req.headers,
      signal: req.signal,
      dispatcher: agent,
      ...(req.body === undefined ? {} : { body: Buffer.isBuffer(req.body) ? req.body : Readable.from(req.body) }),
    });
    return { status: res.statusCode, headers: res.headers, body: quiet(res.body) };
  };
}

/** A body's errors reach whoever reads it; one nobody reads yet must not crash the process. */
function quiet(body: Readable): Readable {
  return body.on('error', () => undefined);
}
