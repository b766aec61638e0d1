import { defineRule } from '../rule.js';
import { KEYWORDS } from './gs401.js';

const KNOWN = new Set(KEYWORDS);

export default defineRule({
  id: 'GS400',
  severity: 'error',
  title: 'Not a valid Dockerfile',
  what: 'The file cannot be built: it is binary, has no FROM, has an instruction other than ARG before the first FROM, or has an unknown instruction.',
  why: 'The build stops before any step runs, with `dockerfile parse error: unknown instruction` or `no build stage in current context`; the other rules cannot judge such a file.',
  fix: 'Start with `FROM`, fix the misspelled instruction, or point the linter at the right file.',
  bad: 'WORKDIRR /app\nFROM golang:1.23',
  good: 'FROM golang:1.23\nWORKDIR /app',
  check(ctx) {
    const { model } = ctx;
    for (const instr of model.instrs) {
      if (!KNOWN.has(instr.keyword)) ctx.report(instr.span, `unknown instruction ${instr.keyword.slice(0, 40)}`, 'use one of ' + KEYWORDS.join(', '));
    }
    for (const instr of model.preamble) {
      if (instr.keyword !== 'ARG' && KNOWN.has(instr.keyword)) ctx.report(instr.span, `${instr.keyword} before the first FROM: only ARG may come before it`, 'move it after FROM');
    }
    if (model.stages.length === 0) ctx.report({ start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, 'no FROM instruction: this is not a Dockerfile that can be built', 'start the file with FROM <image>');
  },
});
