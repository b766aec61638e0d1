/** What a registry asks for: its `WWW-Authenticate` challenge and the scopes of a request. */

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
