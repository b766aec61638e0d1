/**
 * Files from the user's machine that go into the image. Project files (like ko's
 * kodata): a file or a directory tree copied to an absolute path in the image, never
 * over goscratch's own files. Symbolic links are followed only when they stay inside
 * the project; one that points outside is refused, so a build never leaks files from
 * elsewhere on the machine into an image. And the CA bundle: certificates only.
 */
import { X509Certificate } from 'node:crypto';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { baseCollision, collisionMessage } from '../config/paths.js';
import { MiB } from '../config/read.js';
import { readBounded } from '../util/fs.js';
import type { LayerEntry, Owner } from '../image/layerbuilder.js';
import { bundledCaCertificates } from '../image/scratch.js';
import { UsageError } from '../util/errors.js';

/** Whether `p` is `root` or below it (both real paths). */
export function insideDir(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

/** What goes into the files layer: copies (image.files, --file) and the app user's directories. */
export interface FileLayerInput {
  files: ReadonlyArray<{ src: string; dst: string; owner?: Owner; mode?: number; confined?: boolean }>;
  dirs?: ReadonlyArray<{ path: string; mode: number }>;
  /** Owner of `dirs`: the app user. */
  dirOwner?: Owner;
}

/**
 * Layer entries for copied files and owned directories. A copy from goscratch.yaml
 * (`confined`) may not lead outside the project; one from the command line may come
 * from anywhere the user points. An owned directory the copies also create takes the
 * directory's owner and mode; one that is a copied file is refused.
 */
export async function projectFileEntries(root: string, { files, dirs = [], dirOwner }: FileLayerInput): Promise<LayerEntry[]> {
  const realRoot = await realpath(root);
  const out: LayerEntry[] = [];
  const visiting = new Set<string>();
  async function add(f: FileLayerInput['files'][number], src: string, dst: string, where: string): Promise<void> {
    const l = await lstat(src).catch(() => {
      throw new UsageError(`${where}: ${src} does not exist${f.confined === false ? '' : ` (paths are relative to ${root})`}`);
    });
    let real = src;
    if (l.isSymbolicLink()) {
      real = await realpath(src).catch(() => {
        throw new UsageError(`${where}: ${src} is a broken symbolic link`);
      });
    }
    if (f.confined !== false && !insideDir(realRoot, await realpath(real))) {
      throw new UsageError(`${where}: ${src} leads outside the project (to ${await realpath(real)}); copy the file into the project instead`);
    }
    const owner = f.owner ? { owner: f.owner } : {};
    const s = await stat(real);
    if (s.isDirectory()) {
      const key = await realpath(real);
      if (visiting.has(key)) throw new UsageError(`${where}: ${src} links back to ${key}, which contains it (a symbolic link loop)`);
      visiting.add(key);
      out.push({ type: 'dir', path: dst, mode: 0o755, ...owner });
      for (const name of (await readdir(real)).sort()) await add(f, join(src, name), `${dst}/${name}`, where);
      visiting.delete(key);
    } else if (s.isFile()) {
      out.push({ type: 'file', path: dst, mode: f.mode ?? (s.mode & 0o111 ? 0o555 : 0o444), source: real, size: s.size, ...owner });
    }
  }
  for (const f of files) await add(f, f.src, f.dst, f.confined === false ? '--file' : 'image.files');
  for (const e of out) {
    const base = baseCollision(e.path, e.type === 'dir' ? 'dir' : 'file');
    if (base) throw new UsageError(`image.files: ${collisionMessage(e.path, base)}`);
  }
  for (const d of dirs) {
    const i = out.findIndex((e) => e.path === d.path);
    const dir: LayerEntry = { type: 'dir', path: d.path, mode: d.mode, ...(dirOwner ? { owner: dirOwner } : {}) };
    if (i < 0) out.push(dir);
    else if (out[i]!.type === 'dir') out[i] = dir;
    else throw new UsageError(`image.dirs: ${d.path} is a file copied by image.files: a directory cannot be there too`);
  }
  return out;
}

/** More than any CA bundle (Mozilla's is about 220 KB); a path to /dev/zero fails at this size. */
const CA_LIMIT = 8 * MiB;

/**
 * The CA bundle for the image: Node's bundled store, none, or the certificates of a PEM
 * file, each parsed and written back from its DER bytes, so nothing but certificates
 * reaches the image. A file holding a private key is refused: it was the wrong file.
 */
export async function readCaBundle(setting: string): Promise<Buffer | undefined> {
  if (setting === 'none') return undefined;
  if (setting === 'bundled') return bundledCaCertificates();
  const { labels, certs } = pemBlocks((await readBounded(setting, CA_LIMIT, `CA bundle ${setting}`, { as: UsageError })).toString('latin1'));
  const key = labels.find((l) => l.includes('PRIVATE KEY'));
  if (key) throw new UsageError(`CA bundle ${setting} holds a private key (${key}): give a file of CERTIFICATE blocks only`, { input: setting });
  if (certs.length === 0) throw new UsageError(`CA bundle ${setting} holds no PEM certificates`, { input: setting });
  const pems = certs.map((pem, i) => {
    try {
      return toPem(new X509Certificate(pem).raw);
    } catch {
      throw new UsageError(`CA bundle ${setting}: certificate ${i + 1} is not a valid X.509 certificate`, { input: setting });
    }
  });
  return Buffer.from(pems.join(''));
}

function toPem(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n').replace(/\n$/, '');
  return `-----BEGIN CERTIFICATE-----\n${b64}\n-----END CERTIFICATE-----\n`;
}

/** The label of every BEGIN marker, and the complete CERTIFICATE blocks, in one pass (blocks may share a line). */
function pemBlocks(text: string): { labels: string[]; certs: string[] } {
  const labels: string[] = [];
  const certs: string[] = [];
  let start: number | undefined;
  for (const m of text.matchAll(/-----(BEGIN|END) ([A-Z0-9 ]{1,64})-----/g)) {
    if (m[1] === 'BEGIN') {
      labels.push(m[2]!);
      start = m[2] === 'CERTIFICATE' ? m.index : undefined;
    } else if (start !== undefined && m[2] === 'CERTIFICATE') {
      certs.push(text.slice(start, m.index + m[0].length) + '\n');
      start = undefined;
    }
  }
  return { labels, certs };
}
