import { shellAdded } from '../facts.js';
import { chainInstrs } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS201',
  severity: 'error',
  title: 'Shell-form CMD/ENTRYPOINT/HEALTHCHECK in an image without a shell',
  what: 'The final stage is on a base without a shell (scratch, distroless, Chainguard static) and its effective `CMD`, `ENTRYPOINT` or `HEALTHCHECK CMD` is in shell form, including JSON written with single quotes (not valid JSON, so Docker falls back to shell form). A SHELL instruction or a shell copied in (busybox, /bin/sh) silences it.',
  why: 'Shell form runs `/bin/sh -c "..."`, and these bases have no /bin/sh: the container fails with `exec: "/bin/sh": stat /bin/sh: no such file or directory` (a health check never passes).',
  fix: 'Use exec form with double quotes: `ENTRYPOINT ["/app"]`, `HEALTHCHECK CMD ["/app", "healthcheck"]`.',
  bad: "FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT /app --serve\nCMD ['--port', '9292']",
  good: 'FROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app", "--serve"]\nCMD ["--port", "9292"]',
  equivalents: { hadolint: 'DL3025', buildkit: 'JSONArgsRecommended' },
  check(ctx) {
    const final = ctx.model.final;
    if (final?.base?.shell !== false || shellAdded(final)) return;
    const instrs = chainInstrs(final);
    for (const kw of ['CMD', 'ENTRYPOINT', 'HEALTHCHECK']) {
      const last = instrs.filter((i) => i.keyword === kw).pop();
      if (!last || last.exec) continue;
      if (kw === 'HEALTHCHECK' && /^\s*NONE\s*$/i.test(last.text)) continue;
      const what = last.brokenJson ? `${kw} looks like JSON but is not valid JSON (single quotes?), so it runs in shell form` : `${kw} is in shell form`;
      ctx.report(last.span, `${what}: it needs /bin/sh, which the final stage on ${final.base.name} does not have`, `${kw}${kw === 'HEALTHCHECK' ? ' CMD' : ''} ["/app", "arg"] (exec form, double quotes)`);
    }
  },
});
