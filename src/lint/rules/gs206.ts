import { chainInstrs } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS206',
  severity: 'warning',
  title: 'Scratch image without ENTRYPOINT or CMD',
  what: 'The final stage descends from scratch and neither it nor the stages it builds on set ENTRYPOINT or CMD.',
  why: 'Scratch has no default command, so `docker run image` fails with `docker: Error response from daemon: No command specified`, and Kubernetes needs a `command:` in every pod spec.',
  fix: 'Add an exec-form ENTRYPOINT naming the binary: `ENTRYPOINT ["/app"]`.',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001',
  good: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001\nENTRYPOINT ["/app"]',
  check(ctx) {
    const final = ctx.model.final;
    if (!final?.scratch) return;
    if (chainInstrs(final).some((i) => i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD')) return;
    ctx.report(final.from.span, 'the scratch final stage has no ENTRYPOINT or CMD: docker run fails with "No command specified"', 'ENTRYPOINT ["/app"]');
  },
});
