/**
 * Answering a registry's challenge with the user's credentials: Basic, or a Bearer
 * token from the challenge's realm (GET with Basic credentials, or POST with a refresh
 * token), cached per scope set until it expires. Credentials go to a realm only over
 * https, or plain http to a loopback or insecure-listed host; never in cleartext elsewhere.
 */
import { GoscratchError } from '../../util/errors.js';
import { mergeScopes, type Challenge } from './challenge.js';
import type { Credentials } from './credentials.js';
import { RegistryError, registryErrorText } from './errors.js';
import type { HostRules } from './hosts.js';
import { parseJsonObject } from './json.js';
import { parseRetryAfter, type RetryPolicy } from './retry.js';
import { readBody, safeUrl, type Transport } from './transport.js';
import { Watchdog } from './watchdog.js';

export function basicHeader(c: Credentials | undefined): string | undefined {
  if (c?.username === undefined || c.password === undefined) return undefined;
  return 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

export interface TokenResponse {
  token?: string;
  access_token?: string;
  expires_in?: number;
  issued_at?: string;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens per scope set; a pending fetch is shared so parallel uploads ask once. */
export class TokenCache {
  private readonly entries = new Map<string, Promise<CachedToken>>();

  async get(scopes: readonly string[], fetchToken: () => Promise<TokenResponse>): Promise<string> {
    const key = scopes.join(' ');
    const cached = this.entries.get(key);
    if (cached) {
      const t = await cached.catch(() => undefined);
      if (t && t.expiresAt > Date.now()) return t.token;
    }
    const pending = fetchToken().then((r) => {
      const token = r.token ?? r.access_token;
      if (typeof token !== 'string' || !token) throw new RegistryError('the token server answered without a token', { status: 0 });
      // Tokens default to 60 s (the distribution spec); renew a little early.
      const lifetime = Math.max(typeof r.expires_in === 'number' ? r.expires_in : 60, 60) * 1000;
      const issued = typeof r.issued_at === 'string' ? Date.parse(r.issued_at) : NaN;
      const start = Number.isNaN(issued) ? Date.now() : Math.min(issued, Date.now());
      return { token, expiresAt: start + lifetime - 10_000 };
    });
    this.entries.set(key, pending);
    pending.catch(() => this.entries.delete(key));
    return (await pending).token;
  }

  invalidate(scopes: readonly string[]): void {
    this.entries.delete(scopes.join(' '));
  }
}

/** Token answers are small JSON. */
const TOKEN_LIMIT = 1024 * 1024;

export interface AuthContext {
  registry: string;
  transport: Transport;
  hosts: HostRules;
  policy: RetryPolicy;
  /** The user's credentials for the registry, looked up once when first needed. */
  load: () => Promise<Credentials | undefined>;
}

export class Authenticator {
  private readonly tokens = new TokenCache();
  private creds?: Promise<Credentials | undefined>;

  constructor(private readonly ctx: AuthContext) {}

  credentials(): Promise<Credentials | undefined> {
    this.creds ??= this.ctx.load();
    return this.creds;
  }

  /** The Authorization header answering `challenge` for a request with `scopes`. */
  async authorization(challenge: Challenge | undefined, scopes: readonly string[], what: string): Promise<string | undefined> {
    if (!challenge) return undefined;
    const creds = await this.credentials();
    if (creds?.registryToken) return `Bearer ${creds.registryToken}`;
    if (challenge.scheme === 'basic') {
      const h = basicHeader(creds);
      if (!h) throw this.needLogin(what);
      return h;
    }
    const merged = mergeScopes(scopes);
    const token = await this.tokens.get(merged, () => this.fetchToken(challenge, merged, creds, what));
    return `Bearer ${token}`;
  }

  /** Scopes for the second try after a 401 with `challenge`; their token is fetched anew. */
  renew(challenge: Challenge, scopes: readonly string[]): readonly string[] {
    if (challenge.scheme !== 'bearer') return scopes;
    const merged = mergeScopes([...scopes, ...(challenge.scope ? [challenge.scope] : [])]);
    this.tokens.invalidate(merged);
    return merged;
  }

  needLogin(what: string): GoscratchError {
    const { registry } = this.ctx;
    return new GoscratchError(`${registry} requires authentication for ${what}: log in first with \`goscratch login ${registry} -u USER --password-stdin\` (or docker login)`);
  }

  rejected(creds: Credentials | undefined, what: string): GoscratchError {
    const { registry } = this.ctx;
    const who = creds?.username ? `the password of user ${JSON.stringify(creds.username)}` : 'the stored identity token';
    return new GoscratchError(`${registry} rejected ${who} (${what}): check the credentials and log in again with \`goscratch login ${registry}\``);
  }

  private realm(challenge: Challenge): URL {
    const { registry } = this.ctx;
    if (!challenge.realm) throw new GoscratchError(`${registry} asked for a bearer token but named no token server (realm)`);
    const realm = URL.canParse(challenge.realm) ? new URL(challenge.realm) : undefined;
    if (!realm || (realm.protocol !== 'https:' && realm.protocol !== 'http:')) {
      throw new RegistryError(`${registry} names the token server ${JSON.stringify(challenge.realm)}, which is not an http(s) URL`, { status: 0 });
    }
    return realm;
  }

  private async fetchToken(challenge: Challenge, scopes: readonly string[], creds: Credentials | undefined, what: string): Promise<TokenResponse> {
    const { registry, transport, hosts, policy } = this.ctx;
    const url = this.realm(challenge);
    const inScope = (u: URL): boolean => u.host === url.host && (u.protocol === 'https:' || hosts.allowsPlainHttp(u.host));
    const basic = basicHeader(creds);
    if ((basic || creds?.identityToken) && !inScope(url)) {
      throw new GoscratchError(`${registry} sends clients to the token server ${url.host} over plain HTTP; goscratch does not send credentials in cleartext to another host: the token server must use https, or add --insecure-registry ${url.host} if that network is trusted`);
    }
    const dog = new Watchdog(policy);
    try {
      let sent;
      if (creds?.identityToken) {
        const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: creds.identityToken, client_id: 'goscratch' });
        if (challenge.service) form.set('service', challenge.service);
        if (scopes.length) form.set('scope', scopes.join(' '));
        const headers = { 'content-type': 'application/x-www-form-urlencoded' };
        sent = await transport.send({ method: 'POST', url, headers, body: Buffer.from(form.toString()) }, { inScope, secretBody: true }, dog, `getting a token from ${url.host}`);
      } else {
        if (challenge.service) url.searchParams.set('service', challenge.service);
        for (const s of scopes) url.searchParams.append('scope', s);
        if (basic && creds?.username) url.searchParams.set('account', creds.username);
        sent = await transport.send({ method: 'GET', url }, { ...(basic ? { authorization: basic } : {}), inScope }, dog, `getting a token from ${url.host}`);
      }
      const { res } = sent;
      const text = (await readBody(res, TOKEN_LIMIT, `the token server of ${registry} (${safeUrl(url)})`, dog)).toString('utf8');
      if (res.status === 401 || res.status === 403) {
        if (creds?.username || creds?.identityToken) throw this.rejected(creds, what);
        throw this.needLogin(what);
      }
      if (!res.ok) {
        throw new RegistryError(`the token server of ${registry} answered ${res.status}: ${registryErrorText(text).text}`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
      }
      return parseJsonObject(text, `the answer of the token server of ${registry}`) as TokenResponse;
    } catch (e) {
      throw dog.reason(e);
    } finally {
      dog.stop();
    }
  }
}
