/**
 * /etc/passwd and /etc/group as the container runtime reads them to resolve USER, and
 * the one answer to "does this image run as root?" every inspect rule uses.
 */

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

/** Who a container of the image runs as. */
export interface ImageUser {
  /** The user as written (`appuser:appuser`, `00`); '' when the image sets none. */
  written: string;
  user: string;
  group?: string;
  /** Written as a number (`10001`, `00`). */
  numeric: boolean;
  /** The /etc/passwd entry the user names, by name or by uid. */
  entry?: PasswdEntry;
  /** uid 0: no user, `root`, a number equal to 0 (`0`, `00`), or a name whose /etc/passwd uid is 0. */
  root: boolean;
}

export function imageUser(written: string | undefined, passwd: readonly PasswdEntry[] | undefined): ImageUser {
  const { user, group } = splitUser(written);
  const numeric = /^\d+$/.test(user);
  const entry = numeric ? passwd?.find((p) => p.uid === Number(user)) : passwd?.find((p) => p.name === user);
  const root = user === '' || user === 'root' || (numeric && Number(user) === 0) || (!numeric && entry?.uid === 0);
  return { written: (written ?? '').trim(), user, ...(group !== undefined ? { group } : {}), numeric, ...(entry ? { entry } : {}), root };
}
