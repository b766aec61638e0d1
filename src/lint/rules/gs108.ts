import { goCommands } from '../gocmd.js';
import { defineRule } from '../rule.js';

/** A module path: a dotted host first (`github.com/x/y`), not a local or variable path. */
const MODULE = /^[a-z0-9-]+(\.[a-z0-9-]+)+\/\S+$/i;

const FLOATING = new Set(['latest', 'upgrade', 'patch', 'master', 'main', 'HEAD']);

export default defineRule({
  id: 'GS108',
  severity: 'warning',
  title: 'go install/get/run of a module without a fixed @version',
  what: '`go install`, `go get` or `go run` names a remote module without `@version`, or with a moving one (`@latest`, `@master`, `@main`).',
  why: 'Outside a module `go install` fails with "cannot find main module"; elsewhere it takes whatever version is newest today, so the same Dockerfile builds a different tool tomorrow and cache hits hide the change.',
  fix: 'Pin the version: `go install example.com/tool@v1.2.3`.',
  bad: 'RUN go install github.com/go-delve/delve/cmd/dlv',
  good: 'RUN go install github.com/go-delve/delve/cmd/dlv@v1.23.1',
  check(ctx) {
    for (const c of goCommands(ctx.model)) {
      if (c.sub !== 'install' && c.sub !== 'get' && c.sub !== 'run') continue;
      for (const a of c.flags.packages) {
        const [path, version] = a.split('@');
        if (!MODULE.test(path!)) continue;
        // @latest, @master, @main and friends float just like no version at all.
        if (version === undefined || FLOATING.has(version)) {
          const what = version === undefined ? 'without @version' : `@${version}`;
          ctx.report(c.instr.span, `go ${c.sub} ${a} ${version === undefined ? what : `pins nothing (${what})`}: the module version changes under you`, `go ${c.sub} ${path}@<version>`);
        }
      }
    }
  },
});
