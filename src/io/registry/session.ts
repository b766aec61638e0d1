/**
 * One conversation with one registry: finds the endpoint once (probe.ts), then sends
 * single requests that answer a 401 challenge once (auth.ts), each under a watchdog
 * and with its credentials scoped to the registry's own host. Retrying is the
 * caller's job (retry.ts), because only the caller knows how to resume.
 */
import { DOCKER_HUB, DOCKER_HUB_API } from '../../oci/reference.js';
import { silentLogger, type Logger } from '../../util/log.js';
import { chunksOf } from '../../util/chunks.js';
import { Authenticator } from './auth.js';
import { parseChallenge } from './challenge.js';
import { loadCredentials, type Credentials } from './credentials.js';
import { RegistryError, registryErrorText } from './errors.js';
import { HostRules, isLoopback } from './hosts.js';
import { probe, type Endpoint } from './probe.js';
import { parseRetryAfter, retryPolicy, type RetryPolicy } from './retry.js';
import { checkIdentity, discard, readBody, Transport, type Body, type HeaderMap, type HttpResponse } from './transport.js';
import { Watchdog } from './watchdog.js';

/** The one value every caller of the registry client passes along. */
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

/** Answers the client reads whole (upload and error replies) are small; larger limits are the caller's. */
const DEFAULT_LIMIT = 1024 * 1024;
const ERROR_BODY_LIMIT = 64 * 1024;

export interface RequestSpec {
  method: 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';
  /** A path under the registry (`/v2/...`) or an absolute URL (upload locations). */
  url: string;
  headers?: Record<string, string>;
  body?: Body;
  scopes: readonly string[];
  /** Statuses that are an answer; anything else becomes a RegistryError. */
  ok: readonly number[];
  /** Names the request in errors, e.g. "fetching manifest v1 of host/repo". */
  what: string;
  /** The most bytes `request` reads of the answer (default 1 MiB). */
  maxBytes?: number;
}

export interface Reply {
  status: number;
  headers: HeaderMap;
  url: string;
}

export class RegistrySession {
  /** The registry as named in references (`docker.io`). */
  readonly registry: string;
  readonly policy: RetryPolicy;
  readonly log: Logger;
  private readonly apiHost: string;
  private readonly hosts: HostRules;
  private readonly transport: Transport;
  private readonly auth: Authenticator;
  private endpoint?: Promise<Endpoint>;

  constructor(registry: string, opts: RegistryOptions = {}) {
    this.registry = registry;
    this.apiHost = registry === DOCKER_HUB ? DOCKER_HUB_API : registry;
    this.hosts = new HostRules(opts.insecureRegistries);
    this.policy = retryPolicy(opts.retry);
    this.log = opts.logger ?? silentLogger;
    const env = opts.env ?? process.env;
    // Loopback registries never go through a proxy.
    this.transport = new Transport({ env, useProxy: !isLoopback(registry), verifyTls: !this.hosts.isInsecure(registry), log: this.log });
    const load = (): Promise<Credentials | undefined> => (opts.credentials ? Promise.resolve(opts.credentials) : loadCredentials(registry, env));
    this.auth = new Authenticator({ registry, transport: this.transport, hosts: this.hosts, policy: this.policy, load });
  }

  /** Finds the scheme and the auth challenge (`GET /v2/`), once. */
  ping(): Promise<Endpoint> {
    this.endpoint ??= probe(this.registry, this.apiHost, this.hosts.allowsPlainHttp(this.registry), this.transport, this.policy);
    this.endpoint.catch(() => (this.endpoint = undefined));
    return this.endpoint;
  }

  /** Sends once; answers a 401 from the registry by getting a token for the challenged scope and sending again. */
  private async attempt(spec: RequestSpec, dog: Watchdog): Promise<{ res: HttpResponse; url: URL }> {
    const { base, challenge: pinged } = await this.ping();
    const registryUrl = new URL(base);
    // Docker's rule: credentials go to the registry's own host (never to a storage
    // host an upload or a redirect points at), and never from https down to http.
    const inScope = (u: URL): boolean => u.host === registryUrl.host && (u.protocol === registryUrl.protocol || u.protocol === 'https:');
    const req = { method: spec.method, url: new URL(spec.url, base + '/'), headers: spec.headers ?? {}, ...(spec.body === undefined ? {} : { body: spec.body }) };
    let challenge = pinged;
    let scopes = spec.scopes;
    for (let round = 0; ; round++) {
      const authorization = await this.auth.authorization(challenge, scopes, spec.what);
      const sent = await this.transport.send(req, { ...(authorization ? { authorization } : {}), inScope }, dog, spec.what);
      if (sent.res.status !== 401 || round > 0 || !inScope(sent.url)) return sent;
      const again = parseChallenge(sent.res.headers.get('www-authenticate'));
      if (!again) return sent;
      discard(sent.res);
      scopes = this.auth.renew(again, scopes);
      challenge = again;
    }
  }

  private async fail(spec: RequestSpec, res: HttpResponse): Promise<never> {
    const body = spec.method === 'HEAD' ? '' : (await readBody(res, ERROR_BODY_LIMIT, spec.what).catch(() => Buffer.alloc(0))).toString('utf8');
    const { code, text } = registryErrorText(body);
    const status = res.status;
    if (status === 401) {
      const creds = await this.auth.credentials();
      throw creds ? this.auth.rejected(creds, spec.what) : this.auth.needLogin(spec.what);
    }
    const detail = text ? `: ${text}` : '';
    const hint = status === 403 ? ' (the account lacks permission for this repository)' : '';
    throw new RegistryError(`${spec.what}: ${this.registry} answered ${status}${detail}${hint}`, { status, code, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
  }

  /** Sends a request and reads its answer, at most `spec.maxBytes` of it. */
  async request(spec: RequestSpec): Promise<Reply & { body: Buffer }> {
    const dog = new Watchdog(this.policy);
    try {
      const { res, url } = await this.attempt(spec, dog);
      if (!spec.ok.includes(res.status)) await this.fail(spec, res);
      let body: Buffer = Buffer.alloc(0);
      if (spec.method === 'HEAD') discard(res);
      else {
        checkIdentity(res, spec.what);
        body = await readBody(res, spec.maxBytes ?? DEFAULT_LIMIT, spec.what, dog);
      }
      return { status: res.status, headers: res.headers, url: url.toString(), body };
    } catch (e) {
      throw dog.reason(e);
    } finally {
      dog.stop();
    }
  }

  /** Sends a request and streams its answer; the watchdog runs until the stream ends. */
  async stream(spec: RequestSpec): Promise<Reply & { body: AsyncIterable<Uint8Array> }> {
    const dog = new Watchdog(this.policy);
    try {
      const { res, url } = await this.attempt(spec, dog);
      if (!spec.ok.includes(res.status)) await this.fail(spec, res);
      checkIdentity(res, spec.what);
      return { status: res.status, headers: res.headers, url: url.toString(), body: watched(res, dog) };
    } catch (e) {
      dog.stop();
      throw dog.reason(e);
    }
  }
}

async function* watched(res: HttpResponse, dog: Watchdog): AsyncIterable<Uint8Array> {
  try {
    for await (const chunk of chunksOf(res.body)) {
      dog.progress(chunk.length);
      yield chunk;
    }
  } catch (e) {
    throw dog.reason(e);
  } finally {
    dog.stop();
    discard(res);
  }
}
