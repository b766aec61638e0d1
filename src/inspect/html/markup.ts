/**
 * Safe HTML by construction: the `html` tag escapes every value it interpolates
 * unless the value is itself `Html` made by the tag. Everything read from an image
 * (file names, labels, env, module paths) is hostile text and only ever passes
 * through here.
 */
export class Html {
  constructor(readonly text: string) {}
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ENTITIES[c] as string);
}

export type Value = Html | string | number | boolean | undefined | null | readonly Value[];

function render(v: Value): string {
  if (v instanceof Html) return v.text;
  if (Array.isArray(v)) return v.map(render).join('');
  if (v === undefined || v === null || v === false || v === true) return '';
  return escapeHtml(String(v));
}

/** `html\`<td>${name}</td>\``: strings and numbers are escaped, Html fragments and arrays of them kept. */
export function html(strings: TemplateStringsArray, ...values: Value[]): Html {
  let out = strings[0] as string;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + (strings[i + 1] as string);
  return new Html(out);
}

/** A share as the page prints it: one decimal, e.g. `12.5%`. */
export function percent(part: number, whole: number): string {
  return whole > 0 ? `${((100 * part) / whole).toFixed(1)}%` : '';
}
