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

/** Entries of the base layer: /etc files, the CA bundle when given, and /tmp. */
export function baseEntries(user: AppUser, caBundle: Buffer | undefined): LayerEntry[] {
  const file = (path: string, text: string | Buffer): LayerEntry => ({ type: 'file', path, mode: 0o444, data: Buffer.from(text) });
  const entries: LayerEntry[] = [
    file('/etc/passwd', passwdText(user)),
    file('/etc/group', groupText(user)),
    file('/etc/nsswitch.conf', 'hosts: files dns\n'),
    { type: 'dir', path: '/tmp', mode: 0o1777 },
  ];
  if (caBundle) entries.push(file(CA_BUNDLE_PATH, caBundle));
  return entries;
}
