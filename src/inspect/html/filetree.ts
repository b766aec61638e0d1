/**
 * The image's files after whiteouts as an expandable tree (native <details>, no
 * script): sizes, modes, owners, the layer that added each entry, and marks on the
 * files a Go binary depends on. Bounded: at most MAX_ENTRIES entries (marked ones
 * always) and MAX_DEPTH levels, so a hostile image cannot make a huge or deep page.
 */
import { GO_CERT_DIRS, GO_CERT_FILES, GO_ZONEINFO_DIRS } from '../cacerts.js';
import { humanSize } from '../render.js';
import type { FileEntry, PlatformReport } from '../report.js';
import { html, type Html } from './markup.js';

const MAX_ENTRIES = 5000;
const MAX_DEPTH = 32;

interface Node {
  name: string;
  path: string;
  entry?: FileEntry;
  children: Map<string, Node>;
  /** Bytes of regular files at and below this node. */
  bytes: number;
  mark?: string;
  /** A marked entry lies below: show the directory open. */
  open: boolean;
}

/** Which paths to mark, and how: the entrypoint, passwd/group, the CA bundle, tzdata. */
export function fileMarks(p: PlatformReport): Map<string, string> {
  const marks = new Map<string, string>();
  const env = Object.fromEntries((p.image?.env ?? []).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const present = new Set((p.files ?? []).map((f) => f.path));
  const first = (paths: readonly string[]): string | undefined => paths.find((x) => present.has(x));
  const ca = first(env.SSL_CERT_FILE ? [env.SSL_CERT_FILE, ...GO_CERT_FILES] : GO_CERT_FILES);
  const caDir = ca ? undefined : first(env.SSL_CERT_DIR ? [...env.SSL_CERT_DIR.split(':'), ...GO_CERT_DIRS] : GO_CERT_DIRS);
  const tz = first(env.ZONEINFO ? [env.ZONEINFO, ...GO_ZONEINFO_DIRS] : GO_ZONEINFO_DIRS);
  if (ca) marks.set(ca, 'CA bundle');
  if (caDir) marks.set(caDir, 'CA certificates');
  if (tz) marks.set(tz, 'tzdata');
  for (const f of ['/etc/passwd', '/etc/group']) if (present.has(f)) marks.set(f, f.slice(5));
  if (p.binary.path && present.has(p.binary.path)) marks.set(p.binary.path, 'entrypoint');
  return marks;
}

export function fileTree(p: PlatformReport): Html {
  const files = [...(p.files ?? [])].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  const marks = fileMarks(p);
  const shown = files.filter((f, i) => i < MAX_ENTRIES || marks.has(f.path));
  const root: Node = { name: '/', path: '/', children: new Map(), bytes: 0, open: true };
  for (const f of shown) insert(root, f, marks.get(f.path));
  const hidden = files.length - shown.length;
  return html`<div class="tree"><p class="note">${files.length} entries after whiteouts; marked: ${[...marks.entries()].map(([path, m]) => `${m} ${path}`).join(', ') || 'none'}.</p>
<ul class="root">${[...sorted(root)].map(renderNode)}</ul>${hidden > 0 ? html`<p class="note">${hidden} more entries are not shown (the page lists ${MAX_ENTRIES}).</p>` : ''}</div>`;
}

function insert(root: Node, f: FileEntry, mark: string | undefined): void {
  const parts = f.path.split('/').filter(Boolean);
  // Deeper than MAX_DEPTH: the rest of the path becomes one name.
  if (parts.length > MAX_DEPTH) parts.splice(MAX_DEPTH - 1, parts.length, parts.slice(MAX_DEPTH - 1).join('/'));
  let node = root;
  for (const [i, name] of parts.entries()) {
    if (f.type === 'file') node.bytes += f.size;
    if (mark) node.open = true;
    let next = node.children.get(name);
    if (!next) {
      next = { name, path: '/' + parts.slice(0, i + 1).join('/'), children: new Map(), bytes: 0, open: false };
      node.children.set(name, next);
    }
    node = next;
  }
  node.entry = f;
  if (f.type === 'file') node.bytes += f.size;
  if (mark) node.mark = mark;
}

function sorted(n: Node): Node[] {
  return [...n.children.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function renderNode(n: Node): Html {
  const e = n.entry;
  const isDir = n.children.size > 0 || e?.type === 'dir';
  const meta = html`<span class="meta"><span class="mode">${e ? modeString(e) : 'd?????????'}</span><span class="owner">${e ? `${e.uid}:${e.gid}` : ''}</span><span class="size">${humanSize(isDir ? n.bytes : e?.size ?? 0)}</span><span class="layer">${e ? `layer ${e.layer + 1}` : ''}</span></span>`;
  const name = html`<span class="name">${n.name}${isDir ? '/' : ''}</span>${e?.target !== undefined ? html`<span class="target"> → ${e.target}</span>` : ''}${n.mark ? html`<span class="mark">${n.mark}</span>` : ''}`;
  if (!isDir) return html`<li class="file${n.mark ? ' marked' : ''}" data-path="${n.path}">${name}${meta}</li>`;
  return html`<li class="dir" data-path="${n.path}"><details${n.open ? html` open` : ''}><summary>${name}${meta}</summary><ul>${sorted(n).map(renderNode)}</ul></details></li>`;
}

/** `ls -l` style: type, then rwx for user, group, other with setuid/setgid/sticky. */
export function modeString(e: Pick<FileEntry, 'type' | 'mode'>): string {
  const type = { file: '-', dir: 'd', symlink: 'l', other: '?' }[e.type];
  const m = e.mode;
  const bit = (mask: number, c: string): string => (m & mask ? c : '-');
  const special = (x: number, set: number, lower: string, upper: string): string => (m & set ? (m & x ? lower : upper) : bit(x, 'x'));
  return type + bit(0o400, 'r') + bit(0o200, 'w') + special(0o100, 0o4000, 's', 'S')
    + bit(0o40, 'r') + bit(0o20, 'w') + special(0o10, 0o2000, 's', 'S')
    + bit(0o4, 'r') + bit(0o2, 'w') + special(0o1, 0o1000, 't', 'T');
}
