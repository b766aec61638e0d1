/** /etc/passwd and /etc/group as the container runtime reads them to resolve USER. */

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
}

export interface GroupEntry {
  name: string;
  gid: number;
}

function fields(text: string, min: number): string[][] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#')).map((l) => l.split(':')).filter((f) => f.length >= min);
}

export function parsePasswd(text: string): PasswdEntry[] {
  return fields(text, 4).flatMap(([name, , uid, gid]) => (/^\d+$/.test(uid ?? '') && /^\d+$/.test(gid ?? '') ? [{ name: name as string, uid: Number(uid), gid: Number(gid) }] : []));
}

export function parseGroup(text: string): GroupEntry[] {
  return fields(text, 3).flatMap(([name, , gid]) => (/^\d+$/.test(gid ?? '') ? [{ name: name as string, gid: Number(gid) }] : []));
}

/** `USER` as written in the config: `name`, `uid`, `name:group`, `uid:gid`; empty means root. */
export function splitUser(user: string | undefined): { user: string; group?: string } {
  const u = (user ?? '').trim();
  const i = u.indexOf(':');
  return i < 0 ? { user: u } : { user: u.slice(0, i), group: u.slice(i + 1) };
}
