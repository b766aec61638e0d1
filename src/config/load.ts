/**
 * Loading goscratch.yaml from the module root. Errors name the file, the key and its
 * line, e.g. `goscratch.yaml:7: image.uid: expected number, received string`.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type { z } from 'zod';
import { UsageError } from '../util/errors.js';
import { configSchema, type Config } from './schema.js';

export const CONFIG_FILE = 'goscratch.yaml';

/** Reads and validates the config file in dir; an absent file is an empty config. */
export async function loadConfig(dir: string, file = join(dir, CONFIG_FILE)): Promise<{ config: Config; path?: string }> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { config: {} };
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
  return { config: parseConfig(text, file), path: file };
}

export function parseConfig(text: string, file: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const e = doc.errors[0]!;
    throw new UsageError(`${file}:${lc.linePos(e.pos[0]).line}: invalid YAML: ${e.message.split('\n')[0]}`);
  }
  const data: unknown = doc.toJS() ?? {};
  const r = configSchema.safeParse(data);
  if (r.success) return r.data;
  throw new UsageError(r.error.issues.map((i) => describeIssue(i, doc, lc, file)).join('\n'));
}

function describeIssue(issue: z.core.$ZodIssue, doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): string {
  const keys = issue.code === 'unrecognized_keys' ? issue.keys : [undefined];
  return keys
    .map((extra) => {
      const path = extra === undefined ? issue.path : [...issue.path, extra];
      const key = path.map(String).join('.') || '(top level)';
      const line = lineOf(doc, lc, path as Array<string | number>, extra !== undefined);
      const what = extra === undefined ? issue.message : `unknown key (check its spelling; see the configuration reference in the README)`;
      return `${file}${line ? `:${line}` : ''}: ${key}: ${what}`;
    })
    .join('\n');
}

function lineOf(doc: ReturnType<typeof parseDocument>, lc: LineCounter, path: Array<string | number>, isKey: boolean): number | undefined {
  for (let n = path.length; n > 0; n--) {
    const parent = doc.getIn(path.slice(0, n - 1), true);
    const last = path[n - 1];
    if (isNode(parent) && 'items' in parent) {
      const items = (parent as { items: Array<{ key?: unknown; value?: unknown }> }).items;
      const item = typeof last === 'number' ? { value: items[last] } : items.find((p) => isNode(p.key) && (p.key as { toJSON(): unknown }).toJSON() === last);
      const node = isKey && n === path.length ? item?.key : (item?.value ?? item?.key);
      const range = isNode(node) ? node.range : undefined;
      if (range) return lc.linePos(range[0]).line;
    }
  }
  return undefined;
}
