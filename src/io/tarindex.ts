/**
 * An index of a tar file's entries (name -> byte range), made by reading only the
 * headers and seeking past every body: an image archive is then read like a layout
 * directory, its blobs opened as byte ranges when needed, nothing extracted to disk.
 * Reads ustar, pax (path, linkpath, size) and GNU long names; a truncated file, a bad
 * header checksum or more entries than any image archive holds are input errors.
 */
import type { FileHandle } from 'node:fs/promises';
import { posix } from 'node:path';
import { InputError } from '../util/errors.js';
import { openRegular } from '../util/fs.js';

export type TarEntry = { type: 'file'; start: number; size: number } | { type: 'link' | 'symlink'; target: string };

/** An image archive has a few entries per layer; this many means it is something else. */
export const MAX_TAR_ENTRIES = 100_000;
const BLOCK = 512;
const WINDOW = 1 << 20;
/** pax and GNU long-name records larger than this are refused. */
const MAX_META = 1 << 20;

/** Reads a file through a window, so consecutive small headers cost one read. */
class Reader {
  private buf = Buffer.alloc(0);
  private at = 0;

  constructor(private readonly fh: FileHandle, readonly size: number) {}

  async read(pos: number, n: number): Promise<Buffer | undefined> {
    if (pos + n > this.size) return undefined;
    if (pos < this.at || pos + n > this.at + this.buf.length) {
      const len = Math.min(Math.max(n, WINDOW), this.size - pos);
      const buf = Buffer.alloc(len);
      let got = 0;
      while (got < len) {
        const { bytesRead } = await this.fh.read(buf, got, len - got, pos + got);
        if (bytesRead === 0) return undefined;
        got += bytesRead;
      }
      this.buf = buf;
      this.at = pos;
    }
    return this.buf.subarray(pos - this.at, pos - this.at + n);
  }
}

function text(b: Buffer, start: number, len: number): string {
  const s = b.subarray(start, start + len);
  const end = s.indexOf(0);
  return s.subarray(0, end < 0 ? s.length : end).toString('utf8');
}

/** A numeric header field: octal, or GNU base-256 when the high bit is set. */
function number(b: Buffer, start: number, len: number): number {
  const f = b.subarray(start, start + len);
  if (f[0]! & 0x80) {
    let n = f[0]! & 0x7f;
    for (let i = 1; i < f.length; i++) n = n * 256 + f[i]!;
    return n;
  }
  const s = f.toString('latin1').replace(/\0.*$/s, '').trim();
  return s === '' ? 0 : /^[0-7]+$/.test(s) ? parseInt(s, 8) : NaN;
}

function checksumOk(h: Buffer): boolean {
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += i >= 148 && i < 156 ? 32 : h[i]!;
  return number(h, 148, 8) === sum;
}

/** `path`, `linkpath` and `size` from pax extended header records (`len key=value\n`). */
function paxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < data.length) {
    const sp = data.indexOf(0x20, i);
    const len = sp < 0 ? NaN : parseInt(data.subarray(i, sp).toString('latin1'), 10);
    if (!Number.isSafeInteger(len) || len <= 0 || i + len > data.length) break;
    const rec = data.subarray(sp + 1, i + len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    i += len;
  }
  return out;
}

/** An entry name as a key: no leading `./` or `/`; names with `..` never match anything. */
export function entryKey(name: string): string {
  return posix.normalize(name.replace(/^(\.?\/)+/, '')).replace(/\/+$/, '');
}

export async function indexTar(file: string): Promise<Map<string, TarEntry>> {
  const { fh, size } = await openRegular(file, `archive ${file}`);
  try {
    return await scan(new Reader(fh, size), file);
  } finally {
    await fh.close();
  }
}

async function scan(r: Reader, file: string): Promise<Map<string, TarEntry>> {
  const entries = new Map<string, TarEntry>();
  const truncated = (at: number): InputError => new InputError(`archive ${file} is truncated: it ends inside the entry at byte ${at}`, { input: file });
  let pos = 0;
  let count = 0;
  let longName: string | undefined;
  let longLink: string | undefined;
  let pax: Record<string, string> = {};
  for (;;) {
    const h = await r.read(pos, BLOCK);
    if (!h) {
      if (pos === 0) throw new InputError(`${file} is empty, not an image archive`, { input: file });
      if (pos < r.size) throw truncated(pos);
      break; // no end-of-archive blocks: tolerated, as GNU tar does
    }
    if (h.every((x) => x === 0)) break;
    if (!checksumOk(h)) throw new InputError(`${file} is not a tar archive, or is corrupt: bad header checksum at byte ${pos}`, { input: file });
    if (++count > MAX_TAR_ENTRIES) throw new InputError(`archive ${file} has more than ${MAX_TAR_ENTRIES} entries; an image archive holds a few per layer`, { input: file });
    const type = String.fromCharCode(h[156]!);
    const size = pax.size !== undefined ? Number(pax.size) : number(h, 124, 12);
    if (!Number.isSafeInteger(size) || size < 0) throw new InputError(`archive ${file}: invalid entry size at byte ${pos}`, { input: file });
    const body = pos + BLOCK;
    const next = body + Math.ceil(size / BLOCK) * BLOCK;
    if (body + size > r.size) throw truncated(pos);
    if (type === 'x' || type === 'L' || type === 'K') {
      if (size > MAX_META) throw new InputError(`archive ${file}: an extended header of ${size} bytes at byte ${pos}`, { input: file });
      const data = (await r.read(body, size)) ?? Buffer.alloc(0);
      if (type === 'x') pax = paxRecords(data);
      else if (type === 'L') longName = text(data, 0, data.length);
      else longLink = text(data, 0, data.length);
      pos = next;
      continue;
    }
    const ustarName = h.subarray(257, 262).toString('latin1') === 'ustar' && h[345] !== 0 ? `${text(h, 345, 155)}/${text(h, 0, 100)}` : text(h, 0, 100);
    const name = entryKey(pax.path ?? longName ?? ustarName);
    const linkname = pax.linkpath ?? longLink ?? text(h, 157, 100);
    if (type === '0' || type === '\0' || type === '7') entries.set(name, { type: 'file', start: body, size });
    else if (type === '1') entries.set(name, { type: 'link', target: entryKey(linkname) });
    else if (type === '2') entries.set(name, { type: 'symlink', target: entryKey(posix.join(posix.dirname(name), linkname)) });
    else entries.delete(name); // a directory or special file hides an earlier file of that name
    pax = {};
    longName = longLink = undefined;
    pos = next;
  }
  return entries;
}

/** The file an entry name leads to, following hard and symbolic links inside the archive. */
export function resolveEntry(entries: Map<string, TarEntry>, name: string): { start: number; size: number } | undefined {
  let key = entryKey(name);
  for (let hops = 0; hops < 8; hops++) {
    const e = entries.get(key);
    if (!e) return undefined;
    if (e.type === 'file') return e;
    key = e.target;
  }
  return undefined;
}
