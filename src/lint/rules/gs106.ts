import { goCommands } from '../gocmd.js';
import { copyPaths, isCopy } from '../facts.js';
import { flag } from '../model.js';
import { defineRule } from '../rule.js';

const WHOLE_CONTEXT = new Set(['.', './', '*', './*', '/']);

export default defineRule({
  id: 'GS106',
  severity: 'warning',
  title: 'Whole build context copied before go mod download',
  what: '`COPY . .` (or another copy of the whole build context) comes before `go mod download` in the same stage.',
  why: 'Any change to any source file invalidates the COPY layer and every layer after it, so each build downloads all modules again: slow builds, and failures whenever the module proxy is unreachable.',
  fix: 'Copy go.mod and go.sum first, run `go mod download`, then copy the rest.',
  bad: 'COPY . .\nRUN go mod download\nRUN go build -o /out/app .',
  good: 'COPY go.mod go.sum ./\nRUN go mod download\nCOPY . .\nRUN go build -o /out/app .',
  check(ctx) {
    const downloads = goCommands(ctx.model).filter((c) => c.sub === 'mod' && c.args[0] === 'download');
    for (const stage of ctx.model.stages) {
      const first = downloads.find((d) => d.stage === stage);
      if (!first) continue;
      for (const instr of stage.instrs) {
        if (instr === first.instr) break;
        if (!isCopy(instr) || flag(instr, 'from')) continue;
        if (copyPaths(instr).sources.some((s) => WHOLE_CONTEXT.has(s))) {
          ctx.report(instr.span, `${instr.keyword} of the whole build context before go mod download: every source change downloads all modules again`, 'COPY go.mod go.sum ./ then RUN go mod download, then COPY . .');
        }
      }
    }
  },
});
