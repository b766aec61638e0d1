import { finalUser, isRoot } from '../facts.js';
import { chain } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS301',
  severity: 'error',
  title: 'The final stage runs as root',
  what: 'The final stage has no USER (a USER in a builder stage does not carry over), or its last USER is `root` or `0`.',
  why: 'A process running as root in the container is root on the host\'s kernel: a container escape or a writable host mount becomes full control of the node. Kubernetes with `runAsNonRoot: true` refuses to start it: `container has runAsNonRoot and image will run as root`.',
  fix: 'End the final stage with a non-root numeric user: `USER 10001:10001`.',
  bad: 'FROM golang:1.23 AS build\nUSER 10001\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]',
  good: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001\nENTRYPOINT ["/app"]',
  equivalents: { hadolint: 'DL3002', dockle: 'CIS-DI-0001', trivy: 'DS002' },
  check(ctx) {
    const { model } = ctx;
    const final = model.final;
    if (!final) return;
    const u = finalUser(model);
    if (!u) {
      // Images such as distroless :nonroot set a non-root USER themselves.
      if (/nonroot/i.test(chain(final)[0]!.image)) return;
      ctx.report(final.from.span, 'the final stage has no USER, so the container runs as root', 'USER 10001:10001 before ENTRYPOINT');
    } else if (isRoot(u.user)) {
      ctx.report(u.instr.span, `the final stage runs as root (USER ${u.instr.text.trim()})`, 'USER 10001:10001');
    }
  },
});
