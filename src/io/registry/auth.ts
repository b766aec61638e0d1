/**
 * The registry auth handshake: `WWW-Authenticate` challenges (Basic or Bearer), and
 * the Bearer token flow (GET with Basic credentials, or POST with a refresh token),
 * with tokens cached per scope set until they expire.
 */
import type { Credentials } from './credentials.js';

export interface Challenge {
  scheme: 'basic' | 'bearer';
  realm?: string;
  service?: string;
  scope?: string;
  error?: string;
}

/** Parses `Bearer realm="...",service="...",scope="..."` (and `Basic realm="..."`). */
export function parseChallenge(header: string | null): Challenge | undefined {
  if (!header) return undefined;
  const m = /^\s*(\w+)\s*(.*)$/s.exec(header);
  if (!m?.[1]) return undefined;
  const scheme = m[1].toLowerCase();
  if (scheme !== 'basic' && scheme !== 'bearer') return undefined;
  const out: Challenge = { scheme };
  const re = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  for (let p = re.exec(m[2] ?? ''); p; p = re.exec(m[2] ?? '')) {
    const key = p[1]?.toLowerCase();
    const value = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
    if (key === 'realm' || key === 'service' || key === 'scope' || key === 'error') out[key] = value;
  }
  return out;
}

export function basicHeader(c: Credentials): string | undefined {
  if (c.username === undefined || c.password === undefined) return undefined;
  return 'Basic ' + Buffer.from(`${c.username}:${c.password}`).toString('base64');
}

/** `repository:NAME:pull,push` scopes, merged per repository. */
export function mergeScopes(scopes: readonly string[]): string[] {
  const byResource = new Map<string, Set<string>>();
  for (const s of scopes) {
    for (const one of s.split(' ')) {
      const i = one.lastIndexOf(':');
      if (i <= 0) continue;
      const resource = one.slice(0, i);
      const actions = byResource.get(resource) ?? new Set<string>();
      for (const a of one.slice(i + 1).split(',')) if (a) actions.add(a);
      byResource.set(resource, actions);
    }
  }
  return [...byResource].map(([r, a]) => `${r}:${[...a].sort().join(',')}`).sort();
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
      if (!token) throw new Error('the token server answered without a token');
      // Tokens default to 60 s (the distribution spec); renew a little early.
      const lifetime = Math.max(r.expires_in ?? 60, 60) * 1000;
      const issued = r.issued_at ? Date.parse(r.issued_at) : NaN;
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
