import { chainInstrs } from '../model.js';
import { exportsFiles } from '../graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS206',
  severity: 'warning',
  title: 'Image on an empty base without ENTRYPOINT or CMD',
  what: 'The final stage is on a base that sets no command (scratch, distroless, Chainguard static) and neither it nor the stages it builds on set ENTRYPOINT or CMD.',
  why: 'Without a default command `docker run image` fails with `docker: Error response from daemon: No command specified`, and Kubernetes needs a `command:` in every pod spec.',
  fix: 'Add an exec-form ENTRYPOINT naming the binary: `ENTRYPOINT ["/app"]`.',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001',
  good: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001\nENTRYPOINT ["/app"]',
  check(ctx) {
    const final = ctx.model.final;
    if (final?.base?.command !== false || exportsFiles(final)) return;
    if (chainInstrs(final).some((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD')) return;
    ctx.report(final.from.span, `the final stage on ${final.base.name} has no ENTRYPOINT or CMD: docker run fails with "No command specified"`, 'ENTRYPOINT ["/app"]');
  },
});
