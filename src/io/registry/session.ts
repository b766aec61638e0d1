/**
 * One conversation with one registry: picks https (or plain http for loopback and
 * `--insecure-registry` hosts), pings `/v2/`, answers auth challenges, and sends
 * single requests with a stall watchdog. Retrying is the caller's job (retry.ts),
 * because only the caller knows how to resume. Nothing here logs a secret: debug
 * lines show method, URL path and status only.
 */
import { isIP } from 'node:net';
import { Readable, Transform } from 'node:stream';
import { DOCKER_HUB, DOCKER_HUB_API } from '../../oci/reference.js';
import { GoscratchError } from '../../util/errors.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { basicHeader, mergeScopes, parseChallenge, TokenCache, type Challenge, type TokenResponse } from './auth.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { RegistryError, registryErrorText } from './errors.js';
import { parseRetryAfter, retryPolicy, StallError, type RetryPolicy } from './retry.js';

export interface RegistryOptions {
  /** Hosts (`host` or `host:port`) that may be reached over plain HTTP or unverified TLS. */
  insecureRegistries?: string[];
  retry?: Partial<RetryPolicy>;
  /** Credentials to use instead of docker's config (e.g. `login` checking new ones). */
  credentials?: Credentials;
  env?: NodeJS.ProcessEnv;
  /** Where retries and (at debug level) every request are reported; silent by default. */
  logger?: Logger;
}

/** Buffer per stream stage for blob bodies: large enough that 64 KiB reads do not stall the pipe. */
export const STREAM_BUFFER = 1024 * 1024;

export type Body = Buffer | (() => AsyncIterable<Uint8Array>);

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  body?: Body;
  scopes: readonly string[];
  /** Statuses that are an answer; anything else becomes a RegistryError. */
  ok: readonly number[];
  /** Names the request in errors, e.g. "manifest v1 of host/repo". */
  what: string;
}

export interface Reply {
  status: number;
  headers: Headers;
  url: string;
}

type FetchFn = (url: string, init: RequestInit & { duplex?: 'half'; dispatcher?: unknown }) => Promise<Response>;

/** Resets an abort timer whenever bytes move; fires StallError when they stop. */
class Watchdog {
  readonly controller = new AbortController();
  private timer: NodeJS.Timeout | undefined;
  constructor(private readonly ms: number) {
    this.touch();
  }
  touch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => this.controller.abort(new StallError(`no data moved for ${this.ms / 1000}s`)), this.ms);
    this.timer.unref();
  }
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

export function isLoopback(host: string): boolean {
  const h = hostname(host);
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** `host:port` -> `host`, `[::1]:5000` -> `::1`. */
function hostname(host: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (m?.[1]) return m[1];
  const i = host.lastIndexOf(':');
  return i > 0 && host.indexOf(':') === i ? host.slice(0, i) : host;
}

function isInsecure(host: string, list: readonly string[]): boolean {
  return list.some((h) => h === host || h === hostname(host));
}

function hasProxyEnv(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.HTTPS_PROXY || env.https_proxy || env.HTTP_PROXY || env.http_proxy);
}

function safeUrl(u: string): string {
  return u.replace(/\?.*$/, '');
}

export class RegistrySession {
  /** The registry as named in references (`docker.io`). */
  readonly registry: string;
  private readonly apiHost: string;
  private readonly insecure: boolean;
  private readonly loopback: boolean;
  readonly policy: RetryPolicy;
  readonly log: Logger;
  private readonly env: NodeJS.ProcessEnv;
  private readonly tokens = new TokenCache();
  private pinged?: Promise<{ base: string; challenge?: Challenge }>;
  private creds?: Promise<Credentials | undefined>;
  private fetchFn?: Promise<FetchFn>;

  constructor(registry: string, private readonly opts: RegistryOptions = {}) {
    this.registry = registry;
    this.apiHost = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
    this.loopback = isLoopback(registry);
    this.insecure = isInsecure(registry, opts.insecureRegistries ?? []);
    this.policy = retryPolicy(opts.retry);
    this.log = opts.logger ?? silentLogger;
    this.env = opts.env ?? process.env;
  }

  /**
   * Built-in fetch, unless a proxy is configured or TLS must not be verified: then
   * undici's own fetch with a matching dispatcher (loaded only in those cases).
   */
  private getFetch(): Promise<FetchFn> {
    this.fetchFn ??= (async () => {
      const proxy = hasProxyEnv(this.env) && !this.loopback;
      if (!proxy && !this.insecure) return fetch as FetchFn;
      const undici = await import('undici');
      const tls = this.insecure ? { rejectUnauthorized: false } : {};
      const dispatcher = proxy
        ? new undici.EnvHttpProxyAgent({
            httpProxy: this.env.HTTP_PROXY ?? this.env.http_proxy,
            httpsProxy: this.env.HTTPS_PROXY ?? this.env.https_proxy ?? this.env.HTTP_PROXY ?? this.env.http_proxy,
            noProxy: this.env.NO_PROXY ?? this.env.no_proxy ?? '',
            requestTls: tls,
            // Plain-HTTP registries go through the proxy as ordinary requests, as Go and curl send them.
            proxyTunnel: false,
          })
        : new undici.Agent({ connect: tls });
      return ((url, init) => undici.fetch(url, { ...init, dispatcher } as Parameters<typeof undici.fetch>[1]) as unknown as Promise<Response>) as FetchFn;
    })();
    return this.fetchFn;
  }

  private credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.opts.credentials ? Promise.resolve(this.opts.credentials) : loadCredentials(this.registry, this.env);
    return this.creds;
  }

  /** Finds the scheme and the auth challenge (`GET /v2/`). */
  ping(): Promise<{ base: string; challenge?: Challenge }> {
    this.pinged ??= this.doPing();
    this.pinged.catch(() => (this.pinged = undefined));
    return this.pinged;
  }

  private async doPing(): Promise<{ base: string; challenge?: Challenge }> {
    const f = await this.getFetch();
    // Plain HTTP is tried first where it is allowed: a TLS server answers it at once
    // (400), while a plain server may wait forever for the end of a TLS hello.
    const schemes = this.loopback || this.insecure ? ['http', 'https'] : ['https'];
    let lastError: unknown;
    for (const [i, scheme] of schemes.entries()) {
      const base = `${scheme}://${this.apiHost}`;
      const dog = new Watchdog(this.policy.stallMs);
      try {
        const res = await f(`${base}/v2/`, { method: 'GET', signal: dog.controller.signal, redirect: 'follow' });
        await res.arrayBuffer().catch(() => undefined);
        this.log.debug(`GET ${base}/v2/ -> ${res.status}`);
        if (res.status === 401) {
          const challenge = parseChallenge(res.headers.get('www-authenticate'));
          return challenge ? { base, challenge } : { base };
        }
        if (res.ok) return { base };
        if (res.status === 429 || res.status >= 500) {
          throw new RegistryError(`${this.registry} answered ${res.status} to /v2/`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
        }
        // A 404 here means the host is not a registry (or the /v2/ API is elsewhere).
        const notRegistry = new GoscratchError(`${this.registry} does not look like a container registry: GET ${base}/v2/ answered ${res.status}`);
        if (i === schemes.length - 1) throw notRegistry;
      } catch (e) {
        if (e instanceof GoscratchError) throw e;
        // A stall over plain HTTP (a hung registry) says more than the TLS error after it;
        // otherwise the last scheme's error does (e.g. an untrusted certificate).
        if (!(lastError instanceof StallError)) lastError = dog.controller.signal.aborted ? dog.controller.signal.reason : e;
      } finally {
        dog.stop();
      }
    }
    throw lastError;
  }

  private async authorization(challenge: Challenge | undefined, scopes: readonly string[], what: string): Promise<string | undefined> {
    if (!challenge) return undefined;
    const creds = await this.credentials();
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    if (challenge.scheme === 'basic') {
      const h = creds && basicHeader(creds);
      if (!h) throw this.needLogin(what);
      return h;
    }
    const merged = mergeScopes(scopes);
    const token = await this.tokens.get(merged, () => this.fetchToken(challenge, merged, creds, what));
    return `Bearer ${token}`;
  }

  private needLogin(what: string): GoscratchError {
    return new GoscratchError(`${this.registry} requires authentication for ${what}: log in first with \`goscratch login ${this.registry} -u USER --password-stdin\` (or docker login)`);
  }

  private rejected(creds: Credentials | undefined, what: string): GoscratchError {
    const who = creds?.username ? `the password of user ${JSON.stringify(creds.username)}` : 'the stored identity token';
    return new GoscratchError(`${this.registry} rejected ${who} (${what}): check the credentials and log in again with \`goscratch login ${this.registry}\``);
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined, what: string): Promise<TokenResponse> {
    if (!challenge.realm) throw new GoscratchError(`${this.registry} asked for a bearer token but named no token server (realm)`);
    const f = await this.getFetch();
    const url = new URL(challenge.realm);
    const dog = new Watchdog(this.policy.stallMs);
    let res: Response;
    try {
      if (creds?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'goscratch' });
        if (challenge.service) form.set('service', challenge.service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        res = await f(url.toString(), { method: 'POST', body: form, headers: { 'content-type': 'application/x-www-form-urlencoded' }, signal: dog.controller.signal });
      } else {
        if (challenge.service) url.searchParams.set('service', challenge.service);
        for (const s of scopes) url.searchParams.append('scope', s);
        const headers: Record<string, string> = {};
        const basic = creds && basicHeader(creds);
        if (basic && creds?.username) {
          headers.authorization = basic;
          url.searchParams.set('account', creds.username);
        }
        res = await f(url.toString(), { method: 'GET', headers, signal: dog.controller.signal });
      }
      const text = await res.text();
      this.log.debug(`token ${safeUrl(url.toString())} -> ${res.status}`);
      if (res.status === 401 || res.status === 403) {
        if (creds?.username || creds?.identityToken) throw this.rejected(creds, what);
        throw this.needLogin(what);
      }
      if (!res.ok) {
        throw new RegistryError(`the token server of ${this.registry} answered ${res.status}: ${registryErrorText(text).text}`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
      }
      return JSON.parse(text) as TokenResponse;
    } catch (e) {
      throw dog.controller.signal.aborted ? dog.controller.signal.reason : e;
    } finally {
      dog.stop();
    }
  }

  private resolve(base: string, url: string): string {
    return /^https?:\/\//.test(url) ? url : new URL(url, base + '/').toString();
  }

  /** Sends once; answers 401 by getting a token for the challenged scope and sending again. */
  private async attempt(spec: RequestSpec, dog: Watchdog): Promise<Response> {
    const { base, challenge: pingChallenge } = await this.ping();
    const f = await this.getFetch();
    const url = this.resolve(base, spec.url);
    let challenge = pingChallenge;
    let scopes = spec.scopes;
    for (let round = 0; ; round++) {
      const auth = await this.authorization(challenge, scopes, spec.what);
      const headers: Record<string, string> = { 'user-agent': 'goscratch', ...spec.headers };
      if (auth) headers.authorization = auth;
      const init: RequestInit & { duplex?: 'half' } = { method: spec.method, headers, signal: dog.controller.signal, redirect: 'follow' };
      if (spec.body !== undefined) {
        if (Buffer.isBuffer(spec.body)) {
          init.body = spec.body;
        } else {
          init.body = Readable.from(touching(spec.body(), dog)) as unknown as RequestInit['body'];
          init.duplex = 'half';
        }
      }
      const res = await f(url, init);
      dog.touch();
      this.log.debug(`${spec.method} ${safeUrl(url)} -> ${res.status}`);
      if (res.status !== 401 || round > 0) return res;
      const again = parseChallenge(res.headers.get('www-authenticate'));
      if (!again) return res;
      await res.arrayBuffer().catch(() => undefined);
      if (again.scheme === 'bearer') {
        const merged = mergeScopes([...scopes, ...(again.scope ? [again.scope] : [])]);
        this.tokens.invalidate(merged);
        scopes = merged;
      }
      challenge = again;
    }
  }

  private async fail(spec: RequestSpec, res: Response): Promise<never> {
    const body = spec.method === 'HEAD' ? '' : await res.text().catch(() => '');
    const { code, text } = registryErrorText(body);
    const status = res.status;
    if (status === 401) {
      const creds = await this.credentials();
      throw creds ? this.rejected(creds, spec.what) : this.needLogin(spec.what);
    }
    const detail = text ? `: ${text}` : '';
    const hint = status === 403 ? ' (the account lacks permission for this repository)' : '';
    throw new RegistryError(`${spec.what}: ${this.registry} answered ${status}${detail}${hint}`, { status, code, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
  }

  /** Sends a request and reads its (small) body. */
  async request(spec: RequestSpec): Promise<Reply & { body: Buffer }> {
    const dog = new Watchdog(this.policy.stallMs);
    try {
      const res = await this.attempt(spec, dog);
      if (!spec.ok.includes(res.status)) await this.fail(spec, res);
      const body = spec.method === 'HEAD' ? Buffer.alloc(0) : Buffer.from(await res.arrayBuffer());
      return { status: res.status, headers: res.headers, url: res.url, body };
    } catch (e) {
      throw dog.controller.signal.aborted ? dog.controller.signal.reason : e;
    } finally {
      dog.stop();
    }
  }

  /** Sends a request and streams its body; the stall watchdog runs until the stream ends. */
  async stream(spec: RequestSpec): Promise<Reply & { body: Readable }> {
    const dog = new Watchdog(this.policy.stallMs);
    let res: Response;
    try {
      res = await this.attempt(spec, dog);
      if (!spec.ok.includes(res.status)) await this.fail(spec, res);
    } catch (e) {
      dog.stop();
      throw dog.controller.signal.aborted ? dog.controller.signal.reason : e;
    }
    if (!res.body) {
      dog.stop();
      return { status: res.status, headers: res.headers, url: res.url, body: Readable.from([]) };
    }
    const source = Readable.fromWeb(res.body as Parameters<typeof Readable.fromWeb>[0], { highWaterMark: STREAM_BUFFER });
    const watch = new Transform({
      highWaterMark: STREAM_BUFFER,
      transform(chunk: Buffer, _enc, cb) {
        dog.touch();
        cb(null, chunk);
      },
      flush(cb) {
        dog.stop();
        cb();
      },
    });
    source.on('error', (e) => watch.destroy(dog.controller.signal.aborted ? (dog.controller.signal.reason as Error) : e));
    watch.on('close', () => dog.stop());
    return { status: res.status, headers: res.headers, url: res.url, body: source.pipe(watch) };
  }
}

async function* touching(source: AsyncIterable<Uint8Array>, dog: Watchdog): AsyncIterable<Uint8Array> {
  for await (const chunk of source) {
    dog.touch();
    yield chunk;
  }
}
