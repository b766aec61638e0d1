import { AUTOMATIC_ARGS, varsAt } from '../model.js';
import { defineRule } from '../rule.js';

const AUTO = new Set(AUTOMATIC_ARGS);
const REF = /\$\{?([A-Z_]+)/g;

export default defineRule({
  id: 'GS103',
  severity: 'error',
  title: 'Platform ARG with a default, or used without ARG in the stage',
  what: 'An `ARG TARGETARCH=...` (or TARGETOS, TARGETPLATFORM, BUILDPLATFORM, ...) gives a default to an argument BuildKit sets, or an instruction uses `$TARGETARCH` in a stage that does not declare `ARG TARGETARCH`.',
  why: 'The platform arguments live in the global scope: inside a stage they are empty until the stage declares them, so `GOARCH=$TARGETARCH` quietly builds for the builder\'s own architecture. A default pins the value for builders that do not set it (the classic builder, buildah) and hides which platform was asked for.',
  fix: 'Declare the argument without a value in every stage that uses it: `ARG TARGETOS TARGETARCH`.',
  bad: 'FROM golang:1.23 AS build\nARG TARGETARCH=amd64\nRUN GOARCH=$TARGETARCH go build .',
  good: 'FROM golang:1.23 AS build\nARG TARGETARCH\nRUN GOARCH=$TARGETARCH go build .',
  check(ctx) {
    const { model } = ctx;
    for (const instr of model.instrs) {
      if (instr.keyword === 'ARG') {
        for (const p of instr.props) {
          if (AUTO.has(p.name) && p.value !== null) {
            ctx.report(instr.span, `ARG ${p.name}=${p.value} overrides the value BuildKit sets from --platform`, `ARG ${p.name}`);
          }
        }
        continue;
      }
      if (!instr.stage || instr.keyword === 'FROM') continue;
      const used = new Set([...instr.text.matchAll(REF)].map((m) => m[1]!).filter((n) => AUTO.has(n)));
      if (used.size === 0) continue;
      const vars = varsAt(model, instr);
      for (const name of used) {
        if (vars.has(name)) continue;
        ctx.report(instr.span, `$${name} is used in a stage that does not declare ARG ${name}: it is empty here`, `ARG ${name} (in this stage, before its use)`);
      }
    }
  },
});
