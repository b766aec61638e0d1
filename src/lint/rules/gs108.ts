import { goCommands } from '../gocmd.js';
import { defineRule } from '../rule.js';

const FLOATING = new Set(['latest', 'upgrade', 'patch', 'master', 'main', 'HEAD']);

export default defineRule({
  id: 'GS108',
  severity: 'warning',
  title: 'go install/get/run of a module without a fixed @version',
  what: '`go get` names a remote module without `@version`; `go install` or `go run` does so outside the project\'s module (no go.mod copied into its directory); or any of them uses a moving version (`@latest`, `@master`, `@main`). One finding per instruction.',
  why: 'Outside a module `go install` fails with "cannot find main module"; `go get` and a moving version take whatever is newest today, so the same Dockerfile builds a different tool tomorrow and cache hits hide the change. Inside a module, `go install pkg` takes the version go.mod pins.',
  fix: 'Pin the version: `go install example.com/tool@v1.2.3`.',
  bad: 'RUN go install github.com/go-delve/delve/cmd/dlv',
  good: 'RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1',
  check(ctx) {
    const byInstr = new Map<object, { span: Parameters<typeof ctx.report>[0]; sub: string; pkgs: string[] }>();
    for (const c of goCommands(ctx.model)) {
      if (c.sub !== 'install' && c.sub !== 'get' && c.sub !== 'run') continue;
      for (const a of c.remotePackages) {
        const version = a.split('@')[1];
        // Inside the module, go install and go run take the version go.mod pins.
        const floats = version === undefined ? c.sub === 'get' || !c.inModule : FLOATING.has(version);
        if (!floats) continue;
        const entry = byInstr.get(c.instr) ?? { span: c.instr.span, sub: c.sub, pkgs: [] };
        entry.pkgs.push(a);
        byInstr.set(c.instr, entry);
      }
    }
    for (const { span, sub, pkgs } of byInstr.values()) {
      const shown = pkgs.length > 3 ? `${pkgs.slice(0, 3).join(', ')} and ${pkgs.length - 3} more` : pkgs.join(', ');
      const first = pkgs[0]!.split('@')[0]!;
      ctx.report(span, `go ${sub} ${shown} without a fixed @version: the module version changes under you`, `go ${sub} ${first}@<version>`);
    }
  },
});
