/**
 * Go sources for end-to-end tests: copies of the bundled examples and small modules
 * written on the fly, each in its own temp directory.
 */
import { cp, mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from './run.js';

export const EXAMPLES = join(REPO_ROOT, 'examples');

/** Copies examples/<name> to `dest` (created). */
export async function copyExample(name: string, dest: string): Promise<string> {
  await cp(join(EXAMPLES, name), dest, { recursive: true });
  return dest;
}

/** Writes `files` (relative path -> content) under `dir`, with a go.mod unless one is given. */
export async function writeModule(dir: string, files: Record<string, string | Buffer>, module = 'example.com/app'): Promise<string> {
  const all = { 'go.mod': `module ${module}\n\ngo 1.22\n`, ...files };
  for (const [rel, text] of Object.entries(all)) {
    await mkdir(dirname(join(dir, rel)), { recursive: true });
    await writeFile(join(dir, rel), text);
  }
  return dir;
}
