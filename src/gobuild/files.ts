/**
 * Extra files from the project (like ko's kodata): a file or a directory tree copied
 * to an absolute path in the image. Symbolic links are followed only when they stay
 * inside the project; one that points outside is refused, so a build never leaks
 * files from elsewhere on the machine into an image.
 */
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { LayerEntry } from '../image/layerbuilder.js';
import { UsageError } from '../util/errors.js';

function inside(root: string, p: string): boolean {
  const rel = relative(root, p);
  return rel === '' || (!rel.startsWith('..' + sep) && rel !== '..' && !rel.startsWith(sep));
}

export async function projectFileEntries(root: string, files: ReadonlyArray<{ src: string; dst: string }>): Promise<LayerEntry[]> {
  const realRoot = await realpath(root);
  const out: LayerEntry[] = [];
  const visiting = new Set<string>();
  async function add(src: string, dst: string): Promise<void> {
    const l = await lstat(src).catch(() => {
      throw new UsageError(`image.files: ${src} does not exist (paths are relative to ${root})`);
    });
    let real = src;
    if (l.isSymbolicLink()) {
      real = await realpath(src).catch(() => {
        throw new UsageError(`image.files: ${src} is a broken symbolic link`);
      });
    }
    if (!inside(realRoot, await realpath(real))) {
      throw new UsageError(`image.files: ${src} leads outside the project (to ${await realpath(real)}); copy the file into the project instead`);
    }
    const s = await stat(real);
    if (s.isDirectory()) {
      const key = await realpath(real);
      if (visiting.has(key)) throw new UsageError(`image.files: ${src} links back to ${key}, which contains it (a symbolic link loop)`);
      visiting.add(key);
      out.push({ type: 'dir', path: dst, mode: 0o755 });
      for (const name of (await readdir(real)).sort()) await add(join(src, name), `${dst}/${name}`);
      visiting.delete(key);
    } else if (s.isFile()) {
      out.push({ type: 'file', path: dst, mode: s.mode & 0o111 ? 0o555 : 0o444, source: real, size: s.size });
    }
  }
  for (const f of files) await add(f.src, f.dst);
  return out;
}
