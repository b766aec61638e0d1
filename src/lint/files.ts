/** Finding the Dockerfiles to lint: named files as given, directories searched recursively. */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../util/errors.js';

/** Directories that hold other people's files or none of the user's Dockerfiles. */
const SKIP_DIRS = new Set(['node_modules', 'vendor', 'dist']);

function isDockerfileName(name: string): boolean {
  if (name.endsWith('.dockerignore')) return false;
  return name === 'Dockerfile' || name === 'Containerfile' || name.startsWith('Dockerfile.') || name.startsWith('Containerfile.') || /\.(Dockerfile|dockerfile|Containerfile)$/.test(name);
}

/** Expands each path: `-` and files stay as given; directories become the Dockerfiles under them, sorted. */
export function findDockerfiles(paths: readonly string[]): string[] {
  const out: string[] = [];
  for (const p of paths) {
    if (p === '-') {
      out.push(p);
      continue;
    }
    let st;
    try {
      st = statSync(p);
    } catch {
      throw new UsageError(`${p}: no such file or directory (give Dockerfiles, directories, or - for stdin)`);
    }
    if (!st.isDirectory()) {
      out.push(p);
      continue;
    }
    const found = walk(p);
    if (found.length === 0) throw new UsageError(`no Dockerfile in ${p} (looked for Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile)`);
    out.push(...found);
  }
  return [...new Set(out)];
}

function walk(dir: string): string[] {
  const out: string[] = [];
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const p = dir === '.' ? e.name : join(dir, e.name);
    if (e.isDirectory()) {
      if (!e.name.startsWith('.') && !SKIP_DIRS.has(e.name)) out.push(...walk(p));
    } else if ((e.isFile() || e.isSymbolicLink()) && isDockerfileName(e.name)) {
      out.push(p);
    }
  }
  return out;
}
