/**
 * HTTP for the registry client, over pooled keep-alive connections (connections.ts).
 * Every request asks for identity encoding; redirects are followed here, at most 10
 * and only to http(s), so that each hop's credentials are decided for that hop's
 * host; bodies are read within a byte limit. Nothing here logs a secret: debug lines
 * show method, URL without query, and status.
 */
import type { Readable } from 'node:stream';
import type { Logger } from '../../util/log.js';
import { connections, type Incoming, type Send } from './connections.js';
import { RegistryError } from './errors.js';
import type { Watchdog } from './watchdog.js';

export type Body = Buffer | (() => AsyncIterable<Uint8Array>);

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Body;
}

/** Header lookup by lower-case name, as fetch's Headers.get. */
export interface HeaderMap {
  get(name: string): string | null;
}

/** An answer; its body must be read to the end or given to `discard`. */
export interface HttpResponse {
  status: number;
  ok: boolean;
  headers: HeaderMap;
  body: Readable;
}

/** Which hops may carry the request's secrets. */
export interface Secrets {
  /** The Authorization header, sent only to URLs `inScope` accepts. */
  authorization?: string;
  inScope(url: URL): boolean;
  /** The body is a secret too (a refresh token): it never follows a redirect out of scope. */
  secretBody?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export function safeUrl(u: URL | string): string {
  return u.toString().replace(/\?.*$/, '');
}

function response(r: Incoming): HttpResponse {
  const get = (name: string): string | null => {
    const v = r.headers[name];
    return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
  };
  return { status: r.status, ok: r.status >= 200 && r.status < 300, headers: { get }, body: r.body };
}

export class Transport {
  private readonly sendFn: Send;

  constructor(private readonly opts: { env: NodeJS.ProcessEnv; useProxy: boolean; verifyTls: boolean; log: Logger }) {
    this.sendFn = connections(opts);
  }

  /** Sends `req`, following redirects; the answer and the URL that gave it. */
  async send(req: HttpRequest, secrets: Secrets, dog: Watchdog, what: string): Promise<{ res: HttpResponse; url: URL }> {
    let { method, url, body } = req;
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      const h: Record<string, string> = { 'user-agent': 'goscratch', 'accept-encoding': 'identity', ...headers };
      if (secrets.authorization && secrets.inScope(url)) h.authorization = secrets.authorization;
      const res = response(await this.sendFn({ method, url, headers: h, signal: dog.signal, ...(body ? { body: Buffer.isBuffer(body) ? body : counted(body(), dog) } : {}) }));
      this.opts.log.debug(`${method} ${safeUrl(url)} -> ${res.status}`);
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return { res, url };
      discard(res);
      const next = URL.canParse(location, url.href) ? new URL(location, url) : undefined;
      if (!next || (next.protocol !== 'https:' && next.protocol !== 'http:')) {
        throw new RegistryError(`${what}: the registry redirected to ${next ? safeUrl(next) : JSON.stringify(location)}, which goscratch never follows (only http and https)`, { status: res.status });
      }
      if (hop === MAX_REDIRECTS) throw new RegistryError(`${what}: the registry redirected more than ${MAX_REDIRECTS} times (a redirect loop?)`, { status: res.status });
      if (secrets.secretBody && body && !secrets.inScope(next) && (res.status === 307 || res.status === 308)) {
        throw new RegistryError(`${what}: the server redirected a request carrying credentials to ${next.host}; goscratch does not follow it`, { status: res.status });
      }
      // As browsers and Go do: 303 (and 301/302 after a POST) continue as a GET without the body.
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        method = method === 'HEAD' ? 'HEAD' : 'GET';
        body = undefined;
        headers = Object.fromEntries(Object.entries(headers).filter(([k]) => !/^content-/i.test(k)));
      }
      url = next;
    }
  }
}

async function* counted(source: AsyncIterable<Uint8Array>, dog: Watchdog): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    dog.progress(chunk.length);
    yield chunk;
  }
}

/**
 * Drops an answer's body unread. One already in whole (a HEAD, a short error), to a
 * request sent whole, is let run out so its connection is reused; any other is cut
 * off with its connection (it may be endless, or an upload may still be going).
 */
export function discard(res: HttpResponse): void {
  const body = res.body as Readable & { complete?: boolean; req?: { writableFinished: boolean } };
  if (body.complete === true && body.req?.writableFinished === true) body.resume();
  else body.destroy();
}

/** A registry must answer in identity encoding when asked to: a decoded body could be any size and would not match its digest. */
export function checkIdentity(res: HttpResponse, what: string): void {
  const enc = res.headers.get('content-encoding')?.trim().toLowerCase();
  if (enc && enc !== 'identity') {
    throw new RegistryError(`${what}: the registry sent it with Content-Encoding ${enc} although goscratch asked for identity`, { status: 0 });
  }
}

/** Reads a whole body of at most `limit` bytes; more is an error, found without reading it all. */
export async function readBody(res: HttpResponse, limit: number, what: string, dog?: Watchdog): Promise<Buffer> {
  const tooLarge = (): RegistryError => new RegistryError(`${what}: the registry sent more than ${limit} bytes`, { status: 0 });
  if (Number(res.headers.get('content-length') ?? 0) > limit) {
    discard(res);
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let total = 0;
  // Leaving the loop early (too large, an error) destroys the body.
  for await (const chunk of res.body as AsyncIterable<Buffer>) {
    total += chunk.length;
    dog?.progress(chunk.length);
    if (total > limit) throw tooLarge();
    chunks.push(chunk);
  }
  return Buffer.concat(chunks, total);
}
