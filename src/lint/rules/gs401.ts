import { lineSpan } from '../model.js';
import { defineRule } from '../rule.js';

export const KEYWORDS = ['FROM', 'RUN', 'CMD', 'LABEL', 'MAINTAINER', 'EXPOSE', 'ENV', 'ADD', 'COPY', 'ENTRYPOINT', 'VOLUME', 'USER', 'WORKDIR', 'ARG', 'ONBUILD', 'STOPSIGNAL', 'HEALTHCHECK', 'SHELL'];
const ALT = KEYWORDS.join('|');
/**
 * A keyword glued to a closing quote, brace or bracket: `"${USER}"WORKDIR /x`. A quote
 * after a space, `[`, `,` or `=` opens a string (`CMD ["echo", "COPY done"]`) instead.
 */
const GLUED = new RegExp(`(?:[^\\s\\[,=(]["']|[}\\])])(${ALT})(?=\\s|$)`, 'g');
/** A continued line that starts with a keyword and an argument: `COPY . .`. */
const STARTS = new RegExp(`^(\\s*)(${ALT})\\s+\\S`);

/** Instructions whose continued lines may start with a keyword (`ONBUILD` then `RUN`, `HEALTHCHECK` then `CMD`). */
const CONTINUES_WITH_KEYWORD = new Set(['ONBUILD', 'HEALTHCHECK']);

export default defineRule({
  id: 'GS401',
  severity: 'error',
  title: 'A line continuation swallowed an instruction',
  what: 'An instruction keyword is glued to the text before it (`"${USER}"WORKDIR /app`) or starts a line that a trailing `\\` joined to the instruction above (`RUN apk add git \\` then `COPY . .`).',
  why: 'Docker joins continued lines before parsing, so the second instruction never runs: its keyword and arguments become arguments of the first command. The build either fails far from the cause (`adduser: unknown option`) or, worse, succeeds without the WORKDIR or COPY. No Docker tool warns about it.',
  fix: 'Remove the trailing `\\` from the last line of the first instruction and start the swallowed instruction on its own line.',
  bad: 'RUN adduser --disabled-password \\\n    "${USER}"\\\nWORKDIR /app',
  good: 'RUN adduser --disabled-password \\\n    "${USER}"\nWORKDIR /app',
  check(ctx) {
    const { lines } = ctx.model;
    for (const instr of ctx.model.instrs) {
      for (let l = instr.span.start.line; l <= instr.span.end.line; l++) {
        if (instr.heredocLines.has(l)) continue;
        const text = lines[l] ?? '';
        if (/^\s*#/.test(text) && l > instr.span.start.line) continue;
        const hit = swallowed(text, l > instr.span.start.line && !CONTINUES_WITH_KEYWORD.has(instr.keyword));
        if (!hit) continue;
        ctx.report(
          { start: instr.span.start, end: lineSpan(l, hit.index, hit.keyword.length).end },
          `line ${l + 1}: ${hit.keyword} is swallowed by the line continuation of this ${instr.keyword} and becomes one of its arguments; it never runs as an instruction`,
          `end the ${instr.keyword} before line ${l + 1} (no trailing escape character) and start ${hit.keyword} on its own line`,
        );
        break;
      }
    }
  },
});

function swallowed(text: string, continued: boolean): { keyword: string; index: number } | undefined {
  for (const m of text.matchAll(GLUED)) return { keyword: m[1]!, index: m.index + m[0].length - m[1]!.length };
  if (!continued) return undefined;
  const s = STARTS.exec(text);
  return s ? { keyword: s[2]!, index: s[1]!.length } : undefined;
}

