/**
 * The files a FROM-scratch Go image needs besides the binary: a passwd and group
 * file naming root and the non-root app user (so `USER` resolves and tools show a
 * name), a CA bundle (or HTTPS fails with "x509: certificate signed by unknown
 * authority"), nsswitch.conf (so Go's resolver reads /etc/hosts before DNS, as glibc
 * does) and a world-writable sticky /tmp.
 */
import { CA_BUNDLE_DATE, CA_BUNDLE_PEM, CA_BUNDLE_SOURCE } from './cabundle.js';
import type { LayerEntry } from './layerbuilder.js';

export interface AppUser {
  name: string;
  uid: number;
  gid: number;
  /** Group name; defaults to the user name. */
  group?: string;
  home: string;
  shell: string;
}

/** The seed's user: appuser, 10001:10001, no home, no login shell. */
export const DEFAULT_USER: AppUser = { name: 'appuser', uid: 10001, gid: 10001, home: '/nonexistent', shell: '/sbin/nologin' };

export const CA_BUNDLE_PATH = '/etc/ssl/certs/ca-certificates.crt';

const NAME_RE = /^[a-z_][a-z0-9_-]{0,31}$/;

export function validateUser(u: AppUser): void {
  if (!NAME_RE.test(u.name)) throw new Error(`invalid user name ${JSON.stringify(u.name)}: use lower-case letters, digits, '_' or '-', starting with a letter or '_' (at most 32)`);
  if (u.group !== undefined && !NAME_RE.test(u.group)) throw new Error(`invalid group name ${JSON.stringify(u.group)}`);
  if (u.name === 'root' && u.uid !== 0) throw new Error('the user name "root" belongs to uid 0: choose another name for a non-root user');
  for (const [k, v] of [['uid', u.uid], ['gid', u.gid]] as const) {
    if (!Number.isInteger(v) || v < 0 || v > 2147483647) throw new Error(`invalid ${k} ${v}: use a whole number from 0 to 2147483647`);
  }
}

export function passwdText(u: AppUser): string {
  const lines = ['root:x:0:0:root:/root:/sbin/nologin'];
  if (u.uid !== 0) lines.push(`${u.name}:x:${u.uid}:${u.gid}::${u.home}:${u.shell}`);
  return lines.join('\n') + '\n';
}

export function groupText(u: AppUser): string {
  const lines = ['root:x:0:'];
  if (u.gid !== 0) lines.push(`${u.group ?? u.name}:x:${u.gid}:`);
  return lines.join('\n') + '\n';
}

/**
 * An /etc/passwd or /etc/group of a base image with the app user's (or group's) line
 * added when it is missing; the base's lines stay as they are. One name has one id:
 * the name taken by another id, or the id taken by another name, is a conflict
 * (`conflict` says which), never a second entry. Lines are NAME:x:ID:...
 */
function mergeIdFile(base: string, name: string, id: number, line: string, what: 'user' | 'group'): { text: string } | { conflict: string } {
  const entries = base.split('\n').map((l) => l.split(':')).filter((f) => f.length >= 3 && /^\d+$/.test(f[2]!));
  const byName = entries.find((f) => f[0] === name);
  if (byName) {
    return Number(byName[2]) === id ? { text: base } : { conflict: `its ${what} ${name} has ${what === 'user' ? 'uid' : 'gid'} ${byName[2]}, not ${id}` };
  }
  const byId = entries.find((f) => Number(f[2]) === id);
  if (byId) return { conflict: `its ${what === 'user' ? 'uid' : 'gid'} ${id} belongs to the ${what} ${byId[0]}, not ${name}` };
  return { text: (base === '' || base.endsWith('\n') ? base : base + '\n') + line + '\n' };
}

/** The base's /etc/passwd with the app user added (root needs no line: the base has its own). */
export function mergePasswd(base: string, u: AppUser): { text: string } | { conflict: string } {
  return u.uid === 0 ? { text: base } : mergeIdFile(base, u.name, u.uid, `${u.name}:x:${u.uid}:${u.gid}::${u.home}:${u.shell}`, 'user');
}

export function mergeGroup(base: string, u: AppUser): { text: string } | { conflict: string } {
  const name = u.group ?? u.name;
  return u.gid === 0 ? { text: base } : mergeIdFile(base, name, u.gid, `${name}:x:${u.gid}:`, 'group');
}

/**
 * The CA bundle goscratch ships (cabundle.ts): Mozilla's roots frozen from one Node
 * release, so an image is the same bytes whichever Node builds it (Node 20, 24 and 26
 * carry 144, 118 and 121 roots). A new bundle comes with a goscratch release.
 */
export function bundledCaCertificates(): Buffer {
  return Buffer.from(CA_BUNDLE_PEM);
}

/** Labels naming the shipped CA bundle, in images that carry it. */
export const CA_BUNDLE_LABELS = { source: 'io.goscratch.ca-bundle.source', date: 'io.goscratch.ca-bundle.date' } as const;

/** The labels of an image whose CA bundle is `setting` (`bundled`, `none` or a file). */
export function caBundleLabels(setting: string): Record<string, string> {
  return setting === 'bundled' ? { [CA_BUNDLE_LABELS.source]: CA_BUNDLE_SOURCE, [CA_BUNDLE_LABELS.date]: CA_BUNDLE_DATE } : {};
}

/** What a base image already gives: its merged passwd and group texts, and paths of goscratch's files it has (left alone). */
export interface BaseFiles {
  passwd: string;
  group: string;
  has: ReadonlySet<string>;
}

/** Entries of the layer of goscratch's own files: /etc files, the CA bundle when given, and /tmp; on a base, what it lacks. */
export function baseEntries(user: AppUser, caBundle: Buffer | undefined, base?: BaseFiles): LayerEntry[] {
  const file = (path: string, text: string | Buffer): LayerEntry => ({ type: 'file', path, mode: 0o444, data: Buffer.from(text) });
  const entries: LayerEntry[] = [
    file('/etc/passwd', base?.passwd ?? passwdText(user)),
    file('/etc/group', base?.group ?? groupText(user)),
    file('/etc/nsswitch.conf', 'hosts: files dns\n'),
    { type: 'dir', path: '/tmp', mode: 0o1777 },
  ];
  if (caBundle) entries.push(file(CA_BUNDLE_PATH, caBundle));
  return base ? entries.filter((e) => !base.has.has(e.path)) : entries;
}
