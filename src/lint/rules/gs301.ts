import { finalUser, isRoot } from '../facts.js';
import { officialImage } from '../bases.js';
import { exportsFiles } from '../graph.js';
import { chain, chainInstrs } from '../model.js';
import { defineRule } from '../rule.js';
import { commandsOf } from '../shell.js';

/** Programs an entrypoint uses to start the service as another user after setting up as root. */
const DROPS_PRIVILEGES = /(^|\/)(su-exec|gosu|setpriv|s6-setuidgid|chpst|runuser)$/;

export default defineRule({
  id: 'GS301',
  severity: 'error',
  title: 'The final stage runs as root',
  what: 'The final stage\'s last USER is `root` or `0`, or it has no USER (a USER in a builder stage does not carry over) and its base is known to run as root: scratch, distroless without :nonroot, an official Docker Hub image. Images that install or call su-exec/gosu/setpriv to drop privileges at start, and artifact-export stages (`bin`, `export`), are left alone.',
  why: 'A process running as root in the container is root on the host\'s kernel: a container escape or a writable host mount becomes full control of the node. Kubernetes with `runAsNonRoot: true` refuses to start it: `container has runAsNonRoot and image will run as root`.',
  fix: 'End the final stage with a non-root numeric user: `USER 10001:10001`.',
  bad: 'FROM golang:1.23 AS build\nUSER 10001\nRUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app\nENTRYPOINT ["/app"]',
  good: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER 10001:10001\nENTRYPOINT ["/app"]',
  equivalents: { hadolint: 'DL3002', dockle: 'CIS-DI-0001', trivy: 'DS002' },
  check(ctx) {
    const { model } = ctx;
    const final = model.final;
    if (!final || exportsFiles(final)) return;
    const u = finalUser(model);
    if (u) {
      if (isRoot(u.user)) ctx.report(u.instr.span, `the final stage runs as root (USER ${u.instr.text.trim()})`, 'USER 10001:10001');
      return;
    }
    const root = chain(final)[0]!;
    const base = final.base;
    const runsAsRoot = base ? base.defaultUser === undefined : officialImage(root.image) && !/nonroot/i.test(root.image);
    if (!runsAsRoot || dropsPrivileges(chainInstrs(final))) return;
    ctx.report(final.from.span, `the final stage has no USER, so the container runs as root (as ${base?.name ?? root.image} does)`, 'USER 10001:10001 before ENTRYPOINT');
  },
});

function dropsPrivileges(instrs: ReturnType<typeof chainInstrs>): boolean {
  return instrs.some((i) => {
    if (i.keyword === 'RUN') return commandsOf(i).some((c) => c.words.some((w) => /^(su-exec|gosu|setpriv|s6|runit)$/.test(w)));
    if (i.keyword === 'ENTRYPOINT' || i.keyword === 'CMD') return (i.exec ?? i.text.split(/\s+/)).some((w) => DROPS_PRIVILEGES.test(w));
    return false;
  });
}
