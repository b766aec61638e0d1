/**
 * A small Go tokenizer: enough of the language's lexical rules (comments, string, raw
 * string and rune literals, numbers, identifiers, operators) for init to read ports and
 * imports from sources without a Go toolchain. Not a parser: callers match short token
 * patterns.
 */

export interface Token {
  kind: 'ident' | 'number' | 'string' | 'op';
  /** The source text; for a string literal, its value (escapes other than \" and \\ kept as written). */
  text: string;
  /** 1-based line of the token's start. */
  line: number;
}

const IDENT_START = /[\p{L}_]/u;
const IDENT_PART = /[\p{L}\p{N}_]/u;
const TWO_CHAR_OPS = new Set([':=', '==', '!=', '<=', '>=', '&&', '||', '<-', '++', '--', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<', '>>', '&^', '...']);

export function tokenize(src: string): Token[] {
  const out: Token[] = [];
  let line = 1;
  let i = 0;
  const n = src.length;
  const skipTo = (end: number): void => {
    for (; i < end; i++) if (src[i] === '\n') line++;
  };
  while (i < n) {
    const c = src[i]!;
    if (c === '\n') {
      line++;
      i++;
    } else if (c === ' ' || c === '\t' || c === '\r') {
      i++;
    } else if (src.startsWith('//', i)) {
      const end = src.indexOf('\n', i);
      i = end < 0 ? n : end;
    } else if (src.startsWith('/*', i)) {
      const end = src.indexOf('*/', i + 2);
      skipTo(end < 0 ? n : end + 2);
    } else if (c === '`') {
      const end = src.indexOf('`', i + 1);
      const start = line;
      const text = src.slice(i + 1, end < 0 ? n : end);
      skipTo(end < 0 ? n : end + 1);
      out.push({ kind: 'string', text, line: start });
    } else if (c === '"' || c === "'") {
      let j = i + 1;
      let text = '';
      while (j < n && src[j] !== c && src[j] !== '\n') {
        if (src[j] === '\\' && j + 1 < n) {
          const e = src[j + 1]!;
          text += e === '"' || e === '\\' || e === "'" ? e : '\\' + e;
          j += 2;
        } else text += src[j++];
      }
      if (c === '"') out.push({ kind: 'string', text, line });
      i = j + 1;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^[0-9a-zA-Z_.]+/.exec(src.slice(i, i + 64))!;
      out.push({ kind: 'number', text: m[0], line });
      i += m[0].length;
    } else if (IDENT_START.test(c)) {
      let j = i + 1;
      while (j < n && IDENT_PART.test(src[j]!)) j++;
      out.push({ kind: 'ident', text: src.slice(i, j), line });
      i = j;
    } else {
      const three = src.slice(i, i + 3);
      const two = src.slice(i, i + 2);
      const op = three === '...' ? three : TWO_CHAR_OPS.has(two) ? two : c;
      out.push({ kind: 'op', text: op, line });
      i += op.length;
    }
  }
  return out;
}

/** Import paths of a Go file: `import "p"`, `import x "p"`, `import ( ... )`. */
export function imports(tokens: readonly Token[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i]!;
    if (t.kind !== 'ident') continue;
    if (t.text === 'func' || t.text === 'type' || t.text === 'var' || t.text === 'const') break; // imports come first
    if (t.text !== 'import') continue;
    let j = i + 1;
    if (tokens[j]?.text === '(') {
      for (j++; j < tokens.length && tokens[j]!.text !== ')'; j++) if (tokens[j]!.kind === 'string') out.push(tokens[j]!.text);
    } else {
      if (tokens[j]?.kind !== 'string') j++; // an alias: name, . or _
      if (tokens[j]?.kind === 'string') out.push(tokens[j]!.text);
    }
    i = j;
  }
  return out;
}
