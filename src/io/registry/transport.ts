/**
 * HTTP for the registry client. Built-in fetch, or undici's with a proxy or with
 * unverified TLS. Every request asks for identity encoding; redirects are followed
 * here, at most 10 and only to http(s), so that each hop's credentials are decided
 * for that hop's host; bodies are read within a byte limit. Nothing here logs a
 * secret: debug lines show method, URL without query, and status.
 */
import { Readable } from 'node:stream';
import type { Logger } from '../../util/log.js';
import { RegistryError } from './errors.js';
import type { Watchdog } from './watchdog.js';

export type Body = Buffer | (() => AsyncIterable<Uint8Array>);

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: Body;
}

/** Which hops may carry the request's secrets. */
export interface Secrets {
  /** The Authorization header, sent only to URLs `inScope` accepts. */
  authorization?: string;
  inScope(url: URL): boolean;
  /** The body is a secret too (a refresh token): it never follows a redirect out of scope. */
  secretBody?: boolean;
}

type FetchFn = (url: string, init: RequestInit & { duplex?: 'half'; dispatcher?: unknown }) => Promise<Response>;

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 10;

export function safeUrl(u: URL | string): string {
  return u.toString().replace(/\?.*$/, '');
}

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

export class Transport {
  private fetchFn?: Promise<FetchFn>;

  constructor(private readonly opts: { env: NodeJS.ProcessEnv; useProxy: boolean; verifyTls: boolean; log: Logger }) {}

  /**
   * Built-in fetch, unless a proxy is configured or TLS must not be verified: then
   * undici's own fetch with a matching dispatcher (loaded only in those cases).
   */
  private getFetch(): Promise<FetchFn> {
    this.fetchFn ??= (async () => {
      const { env } = this.opts;
      const proxy = this.opts.useProxy && hasProxyEnv(env);
      if (!proxy && this.opts.verifyTls) return fetch as FetchFn;
      const undici = await import('undici');
      const tls = this.opts.verifyTls ? {} : { rejectUnauthorized: false };
      const dispatcher = proxy
        ? new undici.EnvHttpProxyAgent({
            httpProxy: env.HTTP_PROXY ?? env.http_proxy,
            httpsProxy: env.HTTPS_PROXY ?? env.https_proxy ?? env.HTTP_PROXY ?? env.http_proxy,
            noProxy: env.NO_PROXY ?? env.no_proxy ?? '',
            requestTls: tls,
            // Plain-HTTP registries go through the proxy as ordinary requests, as Go and curl send them.
            proxyTunnel: false,
          })
        : new undici.Agent({ connect: tls });
      return ((url, init) => undici.fetch(url, { ...init, dispatcher } as Parameters<typeof undici.fetch>[1]) as unknown as Promise<Response>) as FetchFn;
    })();
    return this.fetchFn;
  }

  /** Sends `req`, following redirects; the answer and the URL that gave it. */
  async send(req: HttpRequest, secrets: Secrets, dog: Watchdog, what: string): Promise<{ res: Response; url: URL }> {
    const f = await this.getFetch();
    let { method, url, body } = req;
    let headers = { ...req.headers };
    for (let hop = 0; ; hop++) {
      const h: Record<string, string> = { 'user-agent': 'goscratch', 'accept-encoding': 'identity', ...headers };
      if (secrets.authorization && secrets.inScope(url)) h.authorization = secrets.authorization;
      const init: RequestInit & { duplex?: 'half' } = { method, headers: h, signal: dog.signal, redirect: 'manual' };
      if (Buffer.isBuffer(body)) init.body = body;
      else if (body) {
        init.body = Readable.from(counted(body(), dog)) as unknown as RequestInit['body'];
        init.duplex = 'half';
      }
      const res = await f(url.toString(), init);
      this.opts.log.debug(`${method} ${safeUrl(url)} -> ${res.status}`);
      const location = REDIRECTS.has(res.status) ? res.headers.get('location') : null;
      if (location === null) return { res, url };
      await discard(res);
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

/** Drops an answer's body unread (a body may be endless: it is never drained). */
export async function discard(res: Response): Promise<void> {
  await res.body?.cancel().catch(() => undefined);
}

/** A registry must answer in identity encoding when asked to: a decoded body could be any size and would not match its digest. */
export function checkIdentity(res: Response, what: string): void {
  const enc = res.headers.get('content-encoding')?.trim().toLowerCase();
  if (enc && enc !== 'identity') {
    throw new RegistryError(`${what}: the registry sent it with Content-Encoding ${enc} although goscratch asked for identity`, { status: 0 });
  }
}

/** Reads a whole body of at most `limit` bytes; more is an error, found without reading it all. */
export async function readBody(res: Response, limit: number, what: string, dog?: Watchdog): Promise<Buffer> {
  const tooLarge = (): RegistryError => new RegistryError(`${what}: the registry sent more than ${limit} bytes`, { status: 0 });
  if (Number(res.headers.get('content-length') ?? 0) > limit) {
    await discard(res);
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = res.body.getReader();
  try {
    for (let r = await reader.read(); !r.done; r = await reader.read()) {
      total += r.value.length;
      dog?.progress(r.value.length);
      if (total > limit) throw tooLarge();
      chunks.push(r.value);
    }
  } catch (e) {
    await reader.cancel().catch(() => undefined);
    throw e;
  }
  return Buffer.concat(chunks, total);
}
