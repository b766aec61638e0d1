/**
 * Go's strconv.Quote / Unquote for the quoted keys and values of build settings
 * (e.g. `build\t-ldflags="-s -w"`), so goscratch reads and prints them as Go does.
 */

const SIMPLE_ESCAPES: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9, v: 11, '\\': 92, "'": 39, '"': 34 };

/** Unquotes a Go string literal ("..." or `...`); throws on a malformed one. */
export function goUnquote(s: string): string {
  if (s.length >= 2 && s.startsWith('`') && s.endsWith('`')) {
    const body = s.slice(1, -1);
    if (body.includes('`')) throw new Error(`invalid Go raw string ${JSON.stringify(s)}`);
    return body.replaceAll('\r', '');
  }
  if (s.length < 2 || !s.startsWith('"') || !s.endsWith('"')) throw new Error(`invalid Go string ${JSON.stringify(s)}`);
  const body = s.slice(1, -1);
  const bytes: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i] as string;
    if (c === '"' || c === '\n') throw new Error(`invalid Go string ${JSON.stringify(s)}`);
    if (c !== '\\') {
      bytes.push(...Buffer.from(c, 'utf8'));
      continue;
    }
    const e = body[++i];
    if (e === undefined) throw new Error(`invalid escape at the end of ${JSON.stringify(s)}`);
    const simple = SIMPLE_ESCAPES[e];
    if (simple !== undefined) {
      bytes.push(simple);
    } else if (e === 'x' || e === 'u' || e === 'U') {
      const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
      const hex = body.slice(i + 1, i + 1 + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw new Error(`invalid \\${e} escape in ${JSON.stringify(s)}`);
      const v = parseInt(hex, 16);
      if (e === 'x') bytes.push(v);
      else if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) throw new Error(`invalid code point in ${JSON.stringify(s)}`);
      else bytes.push(...Buffer.from(String.fromCodePoint(v), 'utf8'));
      i += n;
    } else if (e >= '0' && e <= '7') {
      const oct = body.slice(i, i + 3);
      if (!/^[0-7]{3}$/.test(oct) || parseInt(oct, 8) > 255) throw new Error(`invalid octal escape in ${JSON.stringify(s)}`);
      bytes.push(parseInt(oct, 8));
      i += 2;
    } else {
      throw new Error(`invalid escape \\${e} in ${JSON.stringify(s)}`);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The length of the Go string literal that starts `s`, or -1 (strconv.QuotedPrefix). */
export function goQuotedPrefixLength(s: string): number {
  const q = s[0];
  if (q !== '"' && q !== '`') return -1;
  for (let i = 1; i < s.length; i++) {
    if (q === '"' && s[i] === '\\') i++;
    else if (s[i] === q) return i + 1;
    else if (q === '"' && s[i] === '\n') return -1;
  }
  return -1;
}

const isPrintable = (cp: number): boolean => cp >= 0x20 && cp !== 0x7f && !(cp >= 0x80 && cp < 0xa0) && cp !== 0xfffd;

/** strconv.Quote for the printable text build settings hold. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const cp = ch.codePointAt(0) as number;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (isPrintable(cp)) out += ch;
    else {
      const named = Object.entries(SIMPLE_ESCAPES).find(([k, v]) => v === cp && /[abfnrtv]/.test(k));
      if (named) out += '\\' + named[0];
      else if (cp < 0x80) out += '\\x' + cp.toString(16).padStart(2, '0');
      else if (cp < 0x10000) out += '\\u' + cp.toString(16).padStart(4, '0');
      else out += '\\U' + cp.toString(16).padStart(8, '0');
    }
  }
  return out + '"';
}
