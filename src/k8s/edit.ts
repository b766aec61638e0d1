/**
 * Text edits at YAML node offsets: replacing a scalar keeps its quoting; new env
 * entries are written in the file's own indentation, in block or flow style to
 * match what is there. Everything outside the edits stays byte for byte.
 */
import { isPair, isScalar, isSeq, Scalar, type Node, type YAMLMap } from 'yaml';
import { columnOf } from './manifest.js';

export interface Edit {
  start: number;
  end: number;
  text: string;
}

/** Applies edits that do not overlap, in any order, in one pass over the text. */
export function applyEdits(text: string, edits: readonly Edit[]): string {
  const parts: string[] = [];
  let at = 0;
  for (const e of [...edits].sort((a, b) => a.start - b.start || a.end - b.end)) {
    parts.push(text.slice(at, e.start), e.text);
    at = e.end;
  }
  parts.push(text.slice(at));
  return parts.join('');
}

/** Replaces a scalar's value, keeping single or double quotes when it had them. */
export function replaceScalar(s: Scalar, value: string): Edit {
  const [start, end] = s.range!;
  const text = s.type === Scalar.QUOTE_DOUBLE ? JSON.stringify(value) : s.type === Scalar.QUOTE_SINGLE ? `'${value.replace(/'/g, "''")}'` : value;
  return { start, end, text };
}

/** A container env entry: a literal value or a resourceFieldRef. */
export type EnvEntry = { name: string; value: string } | { name: string; resource: string };

function blockEntry(e: EnvEntry, dash: string, nl: string): string {
  const pad = ' '.repeat(dash.length + 2);
  if ('value' in e) return `${dash}- name: ${e.name}${nl}${pad}value: ${JSON.stringify(e.value)}${nl}`;
  return `${dash}- name: ${e.name}${nl}${pad}valueFrom:${nl}${pad}  resourceFieldRef:${nl}${pad}    resource: ${e.resource}${nl}`;
}

/** A flow-style entry; with `json`, every key and string quoted, so JSON files stay JSON. */
function flowEntry(e: EnvEntry, json: boolean): string {
  const q = (k: string): string => (json ? JSON.stringify(k) : k);
  return 'value' in e
    ? `{${q('name')}: ${q(e.name)}, ${q('value')}: ${JSON.stringify(e.value)}}`
    : `{${q('name')}: ${q(e.name)}, ${q('valueFrom')}: {${q('resourceFieldRef')}: {${q('resource')}: ${q(e.resource)}}}}`;
}

/** Whether the container is written JSON-style (double-quoted keys), as in a .json manifest. */
function jsonStyle(container: YAMLMap): boolean {
  const key = container.items[0]?.key;
  return isScalar(key) && key.type === Scalar.QUOTE_DOUBLE;
}

/** Offset of the start of the line after the node's value. */
function afterLine(text: string, node: Node): number {
  const end = node.range![1];
  if (end > 0 && text[end - 1] === '\n') return end;
  const nl = text.indexOf('\n', end);
  return nl < 0 ? text.length : nl + 1;
}

/** The line ending at an offset (CRLF files get CRLF lines), without scanning the whole file. */
function lineEnding(text: string, offset: number): string {
  const i = text.indexOf('\n', offset);
  const at = i < 0 ? text.lastIndexOf('\n', offset) : i;
  return at > 0 && text[at - 1] === '\r' ? '\r\n' : '\n';
}

/** Inserts whole lines at a line start (or at the end of a file without a final newline). */
function insertLines(text: string, at: number, lines: string, nl: string): Edit {
  return { start: at, end: at, text: (at === text.length && !text.endsWith('\n') ? nl : '') + lines };
}

/**
 * Adds env entries to a container map: appended to its `env` list, or as a new `env`
 * key at the end of the container. `seqIndent` is how the file indents list dashes
 * under their key.
 */
export function addEnv(text: string, container: YAMLMap, entries: readonly EnvEntry[], seqIndent: number): Edit {
  const nl = lineEnding(text, container.range![0]);
  const envPair = container.items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === 'env');
  const env = envPair?.value;
  if (isSeq(env) && env.flow) {
    // Before the closing bracket: `[a]` -> `[a, new]`, `[]` -> `[new]`.
    const close = text.lastIndexOf(']', env.range![1]);
    const sep = env.items.length ? ', ' : '';
    return { start: close, end: close, text: sep + entries.map((e) => flowEntry(e, jsonStyle(container))).join(', ') };
  }
  if (isSeq(env) && env.items.length > 0) {
    const dash = ' '.repeat(columnOf(text, env.range![0]));
    return insertLines(text, afterLine(text, env), entries.map((e) => blockEntry(e, dash, nl)).join(''), nl);
  }
  if (container.flow) {
    const close = text.lastIndexOf('}', container.range![1]);
    const json = jsonStyle(container);
    return { start: close, end: close, text: `${container.items.length ? ', ' : ''}${json ? '"env"' : 'env'}: [${entries.map((e) => flowEntry(e, json)).join(', ')}]` };
  }
  const keyCol = columnOf(text, (container.items[0]!.key as Node).range![0]);
  const indent = ' '.repeat(keyCol);
  const dash = ' '.repeat(keyCol + seqIndent);
  const body = entries.map((e) => blockEntry(e, dash, nl)).join('');
  if (envPair && isScalar(env) && (env.value === null || env.value === '')) {
    // `env:` with no value (or `env: null`): the list takes its place.
    const at = afterLine(text, env);
    const keyEnd = (envPair.key as Node).range![1];
    return { start: keyEnd, end: at, text: `:${nl}${body}` };
  }
  if (envPair) throw new Error('container env is not a list');
  return insertLines(text, afterLine(text, container), `${indent}env:${nl}${body}`, nl);
}
