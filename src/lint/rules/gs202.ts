import { copyPaths, isCopy, shellAdded } from '../facts.js';
import { chainInstrs } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS202',
  severity: 'error',
  title: 'RUN in a stage without a shell',
  what: 'A `RUN` in a stage on a base without a shell (scratch, distroless, Chainguard static), directly or through earlier stages: shell form (or heredoc) unless a shell was copied in first, exec form when its program was not copied into the stage.',
  why: 'RUN executes `/bin/sh -c`, which these bases do not have: the build stops with `runc run failed: ... exec: "/bin/sh": stat /bin/sh: no such file or directory`.',
  fix: 'Do the work in a builder stage and COPY the result in. An exec-form RUN of a binary you copied in (`RUN ["/app", "migrate"]`) works.',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app\nRUN mkdir /data',
  good: 'FROM golang:1.23 AS build\nRUN mkdir -p /out/data\nFROM scratch\nCOPY --from=build /out/data /data',
  check(ctx) {
    for (const stage of ctx.model.stages) {
      if (stage.base?.shell !== false) continue;
      for (const instr of stage.instrs) {
        if (instr.keyword !== 'RUN') continue;
        const before = chainInstrs(stage);
        const upTo = before.slice(0, before.indexOf(instr));
        const where = `stage ${stage.name ?? stage.index}, which is on ${stage.base.name}`;
        if (instr.exec) {
          const program = instr.exec[0] ?? '';
          const copied = upTo.some((i) => isCopy(i) && [program, program.slice(0, program.lastIndexOf('/') + 1)].includes(copyPaths(i).dest));
          if (!copied) ctx.report(instr.span, `RUN ${JSON.stringify(program)} in ${where}: nothing copied into the stage provides it`, 'COPY the program into this stage first, or run this step in a builder stage');
          continue;
        }
        if (shellAdded(stage, instr)) continue;
        ctx.report(instr.span, `RUN in ${where}: there is no /bin/sh to run it`, 'move this step to a builder stage and COPY its result in');
      }
    }
  },
});
