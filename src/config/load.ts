/**
 * Loading goscratch.yaml from the module root. Errors name the file, the key and its
 * line, e.g. `goscratch.yaml:7: image.uid: expected number, received string`.
 */
import { join } from 'node:path';
import { LineCounter, parseDocument, isNode } from 'yaml';
import type * as z from 'zod/mini';
import { UsageError } from '../util/errors.js';
import { MiB } from './read.js';
import { readBounded } from '../util/fs.js';
import { configSchema, issueMessage, type Config } from './schema.js';
import { duplicateKeyError, YAML_OPTIONS } from './yaml.js';

export const CONFIG_FILE = 'goscratch.yaml';
/** Far above any real goscratch.yaml, and parsed in about a second. */
export const CONFIG_LIMIT = MiB;
/** Enough to fix a file; a config with thousands of wrong values gets the first ones. */
const MAX_ISSUES = 20;

/** Reads and validates the config file in dir; an absent file is an empty config. */
export async function loadConfig(dir: string, file = join(dir, CONFIG_FILE)): Promise<{ config: Config; path?: string }> {
  const bytes = await readBounded(file, CONFIG_LIMIT, `config file ${file}`, { as: UsageError, optional: true });
  return bytes === undefined ? { config: {} } : { config: parseConfig(bytes.toString('utf8'), file), path: file };
}

export function parseConfig(text: string, file: string): Config {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, ...YAML_OPTIONS });
  const e = doc.errors[0];
  const dup = e ? { message: e.message.split('\n')[0], offset: e.pos[0] } : duplicateKeyError(doc);
  if (dup) throw new UsageError(`${file}:${lc.linePos(dup.offset).line}: invalid YAML: ${dup.message}`);
  const data: unknown = doc.toJS() ?? {};
  const r = configSchema.safeParse(data);
  if (r.success) return r.data;
  // One line per problem (an unknown key each), located lazily: finding a line scans its map.
  const problems = r.error.issues.flatMap((issue): Array<{ issue: z.core.$ZodIssue; extra?: string }> =>
    issue.code === 'unrecognized_keys' ? issue.keys.map((extra) => ({ issue, extra })) : [{ issue }],
  );
  const lines = problems.slice(0, MAX_ISSUES).map((p) => describeIssue(p.issue, p.extra, doc, lc, file));
  if (problems.length > MAX_ISSUES) lines.push(`${file}: and ${problems.length - MAX_ISSUES} more problems`);
  throw new UsageError(lines.join('\n'));
}

function describeIssue(issue: z.core.$ZodIssue, extra: string | undefined, doc: ReturnType<typeof parseDocument>, lc: LineCounter, file: string): string {
  const path = extra === undefined ? issue.path : [...issue.path, extra];
  const key = path.map(String).join('.') || '(top level)';
  const line = lineOf(doc, lc, path as Array<string | number>, extra !== undefined);
  const what = extra === undefined ? issueMessage(issue) : `unknown key (check its spelling; see the configuration reference in the README)`;
  return `${file}${line ? `:${line}` : ''}: ${key}: ${what}`;
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
