import { lineSpan } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS402',
  severity: 'warning',
  title: 'Empty continuation line',
  what: 'An empty line inside an instruction continued with a trailing `\\`.',
  why: 'Docker skips it today and prints "[WARNING]: Empty continuation line found"; it is deprecated and a future release will reject it. It usually marks a spot where an instruction was deleted, or where the next instruction is about to be swallowed.',
  fix: 'Delete the empty line, or end the instruction before it.',
  bad: 'RUN apk add --no-cache \\\n    git \\\n\n    ca-certificates',
  good: 'RUN apk add --no-cache \\\n    git \\\n    ca-certificates',
  equivalents: { buildkit: 'NoEmptyContinuation' },
  check(ctx) {
    const { lines } = ctx.model;
    for (const instr of ctx.model.instrs) {
      for (let l = instr.span.start.line + 1; l < instr.span.end.line; l++) {
        if (instr.heredocLines.has(l) || (lines[l] ?? '').trim() !== '') continue;
        ctx.report(lineSpan(l, 0, 0), `empty continuation line inside the ${instr.keyword} that starts on line ${instr.span.start.line + 1}`, 'delete the empty line');
      }
    }
  },
});
