/**
 * The template language of image names and ldflags, as ko and goreleaser users write
 * them: `{{.Name}}` (the image's name), `{{.Git.Tag}}`, `{{.Git.ShortCommit}}` and
 * `{{.Env.NAME}}`. Fields only: no functions, pipes, conditions or other fields, so a
 * template in goscratch.yaml can read these values and nothing else. Anything else is
 * a UsageError naming the template and what is allowed.
 */
import { UsageError } from '../util/errors.js';

export type TemplateField = 'Name' | 'Git.Tag' | 'Git.ShortCommit';

type Part = string | { field: TemplateField } | { env: string };

export interface Template {
  /** The text as written, for messages. */
  readonly text: string;
  readonly parts: readonly Part[];
}

export interface TemplateData {
  Name?: string;
  Git?: { Tag: string; ShortCommit: string };
  Env: Readonly<Record<string, string | undefined>>;
}

const ALLOWED = '{{.Name}}, {{.Git.Tag}}, {{.Git.ShortCommit}} or {{.Env.NAME}}';
const ACTION = /\{\{\s*(.*?)\s*\}\}/gs;
const FIELDS = new Set<string>(['Name', 'Git.Tag', 'Git.ShortCommit']);

/** Parses `text`; `where` names its origin in errors (`--tag`, `build.ldflags.0`). */
export function parseTemplate(text: string, where: string): Template {
  const parts: Part[] = [];
  let last = 0;
  const fail = (what: string): never => {
    throw new UsageError(`${where} ${JSON.stringify(text)}: ${what}; a template may use only ${ALLOWED}`, { input: where });
  };
  for (const m of text.matchAll(ACTION)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    last = m.index + m[0].length;
    const expr = m[1]!;
    const env = /^\.Env\.([A-Za-z_][A-Za-z0-9_]*)$/.exec(expr);
    if (env) parts.push({ env: env[1]! });
    else if (expr.startsWith('.') && FIELDS.has(expr.slice(1))) parts.push({ field: expr.slice(1) as TemplateField });
    else fail(`{{${expr}}} is not a known field`);
  }
  const rest = text.slice(last);
  if (rest.includes('{{')) fail('"{{" without its closing "}}"');
  if (rest) parts.push(rest);
  return { text, parts };
}

/** Whether the template reads git (so git is asked only when needed). */
export function usesGit(t: Template): boolean {
  return t.parts.some((p) => typeof p === 'object' && 'field' in p && p.field.startsWith('Git.'));
}

/** Whether the template reads `{{.Name}}`. */
export function usesName(t: Template): boolean {
  return t.parts.some((p) => typeof p === 'object' && 'field' in p && p.field === 'Name');
}

/**
 * The text with every field replaced. `check` vets each substituted value (ldflags
 * refuse values go would split into further flags). A missing value is an error: an
 * unset variable, git facts outside a git checkout, a name before one is known.
 */
export function renderTemplate(t: Template, data: TemplateData, where: string, check?: (value: string) => string | undefined): string {
  let out = '';
  for (const p of t.parts) {
    if (typeof p === 'string') {
      out += p;
      continue;
    }
    const shown = 'env' in p ? `{{.Env.${p.env}}}` : `{{.${p.field}}}`;
    const value = 'env' in p ? data.Env[p.env] : p.field === 'Name' ? data.Name : p.field === 'Git.Tag' ? data.Git?.Tag : data.Git?.ShortCommit;
    if (value === undefined) {
      const why = 'env' in p ? `the environment variable ${p.env} is not set` : p.field === 'Name' ? 'there is no image name here' : 'the module is not in a git checkout with a commit';
      throw new UsageError(`${where} ${JSON.stringify(t.text)}: ${shown}: ${why}`, { input: where });
    }
    const bad = check?.(value);
    if (bad) throw new UsageError(`${where} ${JSON.stringify(t.text)}: ${shown} is ${JSON.stringify(value)}, ${bad}`, { input: where });
    out += value;
  }
  return out;
}

/**
 * A value substituted into -ldflags: go splits that flag at spaces and reads quotes,
 * so a value with either, or one starting with "-", would become another linker flag.
 */
export function ldflagsValue(value: string): string | undefined {
  if (/[\s"'`\\]/.test(value)) return 'which holds a space, quote or backslash that go would read as the start of another linker flag';
  if (value.startsWith('-')) return 'which begins with "-", so the linker would read it as a flag';
  return undefined;
}
