import { expand, stageByRef, type Instr, type Stage } from '../model.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

const RESERVED = new Set(['scratch', 'context']);
const VALID_NAME = /^[a-z][a-z0-9_.-]*$/;

export default defineRule({
  id: 'GS403',
  severity: 'error',
  title: 'Bad stage reference or stage name',
  what: '`COPY --from` (or `RUN --mount=from=`) names a stage that does not exist or comes later; two stages share a name; a stage name is reserved (`scratch`, `context`) or not a valid name.',
  why: 'BuildKit takes an unknown `--from` name for an image and tries to pull it (`pull access denied, repository does not exist`), or copies from a stage you did not mean; a later stage cannot be copied from at all. Duplicate and reserved names fail the build with `duplicate stage name` / `invalid stage name`.',
  fix: 'Name the stage you mean, defined above the COPY, with a unique lower-case name.',
  bad: 'FROM golang:1.23 AS build\nFROM scratch\nCOPY --from=builder /out/app /app',
  good: 'FROM golang:1.23 AS build\nFROM scratch\nCOPY --from=build /out/app /app',
  equivalents: { hadolint: 'DL3022/DL3023/DL3024', buildkit: 'DuplicateStageName/ReservedStageName' },
  check(ctx) {
    const { model } = ctx;
    const seen = new Map<string, Stage>();
    for (const stage of model.stages) {
      const span = stage.nameSpan ?? stage.from.span;
      if (stage.name !== undefined) {
        if (seen.has(stage.name)) ctx.report(span, `stage name ${stage.name} is already used by stage ${seen.get(stage.name)!.index}`, 'give each stage its own name');
        else seen.set(stage.name, stage);
        if (RESERVED.has(stage.name)) ctx.report(span, `stage name ${stage.name} is reserved`, 'rename the stage');
        else if (!VALID_NAME.test(stage.name)) ctx.report(span, `stage name ${stage.name} is not valid: use a letter, then letters, digits, "-", "_" or "."`, 'rename the stage');
      }
      for (const instr of stage.instrs) {
        for (const ref of fromRefs(instr)) {
          const problem = refProblem(model, stage, expand(ref, model.globalArgs));
          if (problem) ctx.report(instr.span, problem, 'name a stage defined above this instruction');
        }
      }
    }
  },
});

function fromRefs(instr: Instr): string[] {
  return instr.flags.flatMap((f) => {
    if (f.name === 'from' && f.value) return [f.value];
    const from = f.name === 'mount' ? f.options.get('from') : undefined;
    return from ? [from] : [];
  });
}

function refProblem(model: Parameters<typeof stageByRef>[0], stage: Stage, ref: string): string | undefined {
  if (ref === '' || hasVariable(ref)) return undefined;
  const target = stageByRef(model, ref);
  if (/^\d+$/.test(ref)) {
    if (!target) return `--from=${ref}: there is no stage ${ref}`;
    return target.index >= stage.index ? `--from=${ref}: stage ${ref} is not above this instruction` : undefined;
  }
  if (target) return target.index >= stage.index ? `--from=${ref}: stage ${ref} is not defined above this instruction` : undefined;
  // A tag, digest or registry path names an image, which --from may copy from.
  if (/[:/@]/.test(ref)) return undefined;
  return `--from=${ref}: there is no stage named ${ref}; BuildKit would try to pull an image of that name`;
}
