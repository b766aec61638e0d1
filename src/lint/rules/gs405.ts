import { expand, varsAt } from '../model.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

export default defineRule({
  id: 'GS405',
  severity: 'warning',
  title: 'Repeated CMD/ENTRYPOINT/HEALTHCHECK, relative WORKDIR, MAINTAINER',
  what: 'More than one CMD, ENTRYPOINT or HEALTHCHECK in a stage; a WORKDIR that is not an absolute path; the deprecated MAINTAINER instruction.',
  why: 'Only the last CMD/ENTRYPOINT/HEALTHCHECK of a stage takes effect, so the earlier ones mislead readers. A relative WORKDIR depends on every WORKDIR before it and breaks when the base image changes its own. MAINTAINER is deprecated and not shown by `docker inspect` tooling; use a label.',
  fix: 'Keep one CMD/ENTRYPOINT/HEALTHCHECK per stage; write WORKDIR /absolute/path; replace MAINTAINER with `LABEL org.opencontainers.image.authors="..."`.',
  bad: 'WORKDIR app\nMAINTAINER me@example.com\nCMD ["/app"]\nCMD ["/app", "--serve"]',
  good: 'WORKDIR /app\nLABEL org.opencontainers.image.authors="me@example.com"\nCMD ["/app", "--serve"]',
  equivalents: { hadolint: 'DL4003/DL4004/DL3000/DL4000', buildkit: 'MultipleInstructionsDisallowed/WorkdirRelativePath/MaintainerDeprecated' },
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const seen = new Set<string>();
      for (const instr of stage.instrs) {
        const kw = instr.keyword;
        if (kw === 'CMD' || kw === 'ENTRYPOINT' || kw === 'HEALTHCHECK') {
          if (seen.has(kw)) ctx.report(instr.span, `more than one ${kw} in this stage: only the last one takes effect`, `keep only the last ${kw}`);
          seen.add(kw);
        } else if (kw === 'WORKDIR') {
          // BuildKit reads WORKDIR as a shell word: `WORKDIR "/go"` is /go.
          const dir = expand(instr.text.trim(), varsAt(model, instr)).replace(/^(["'])(.*)\1$/, '$2');
          if (dir !== '' && !dir.startsWith('/') && !hasVariable(dir) && !/^[A-Za-z]:[\\/]/.test(dir)) {
            ctx.report(instr.span, `WORKDIR ${dir} is not an absolute path`, `WORKDIR /${dir.replace(/^\.\//, '')}`);
          }
        } else if (kw === 'MAINTAINER') {
          ctx.report(instr.span, 'MAINTAINER is deprecated', `LABEL org.opencontainers.image.authors="${instr.text.trim().replace(/"/g, '\\"')}"`);
        }
      }
    }
  },
});
