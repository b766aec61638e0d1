import { finalUser, isRoot } from '../facts.js';
import { chainInstrs, expand, varsAt } from '../model.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS303',
  severity: 'warning',
  title: 'EXPOSE of a port below 1024 while running as non-root',
  what: 'The final stage runs as a non-root user (its USER, or the default user of a base such as distroless :nonroot) and EXPOSEs a port below 1024.',
  why: 'Binding a port below 1024 needs CAP_NET_BIND_SERVICE. Docker 20.10+ and containerd set `net.ipv4.ip_unprivileged_port_start=0` in the container so it works there; Kubernetes with other runtimes or older Docker, Podman rootless with its default, and any pod that drops all capabilities do not: the server fails with `listen tcp :80: bind: permission denied`.',
  fix: 'Listen on a port above 1024 (`EXPOSE 8080`) and map it to 80 outside the container.',
  bad: 'USER 10001:10001\nEXPOSE 80',
  good: 'USER 10001:10001\nEXPOSE 8080',
  check(ctx) {
    const { model } = ctx;
    // Without USER, a base such as distroless :nonroot still runs as its own non-root user.
    const user = finalUser(model)?.user ?? model.final?.base?.defaultUser;
    if (!model.final || user === undefined || isRoot(user)) return;
    for (const instr of chainInstrs(model.final)) {
      if (instr.keyword !== 'EXPOSE') continue;
      const vars = varsAt(model, instr);
      for (const w of instr.words) {
        const port = Number.parseInt(expand(w.value, vars), 10);
        if (Number.isInteger(port) && port > 0 && port < 1024) {
          ctx.report(instr.span, `EXPOSE ${port} while running as ${user}: a non-root user cannot bind a port below 1024 on every runtime`, `EXPOSE ${8000 + port}`);
        }
      }
    }
  },
});
