import { envValue, goBuilds, type GoCommand } from '../gocmd.js';
import { landings } from '../graph.js';
import { defineRule } from '../rule.js';

/** CGO_ENABLED=0, or an external link forced static, gives a binary that needs no libc. */
export function isStaticBuild(b: GoCommand): boolean {
  if (envValue(b, 'CGO_ENABLED') === '0') return true;
  const ld = b.flags.ldflags.join(' ');
  return /-extldflags/.test(ld) && /-static\b/.test(ld);
}

export default defineRule({
  id: 'GS101',
  severity: 'error',
  title: 'Go binary for an image without libc built without CGO_ENABLED=0',
  what: 'A `go build` or `go install` runs without `CGO_ENABLED=0` in its environment, and its binary ends up (directly or through intermediate stages) in a final stage on a base with no libc: scratch, distroless static, Chainguard static. `go env -w CGO_ENABLED=0` counts; `CGO_ENABLED=0;` (assigned but not exported) does not.',
  why: 'With cgo left on, a builder image that has a C compiler (golang:bookworm, or alpine after `apk add gcc`) links the binary dynamically against libc. These bases have no libc and no dynamic loader, so the container dies at start with `exec /app: no such file or directory`. It only works today because the builder happens to lack a compiler.',
  fix: 'Set `CGO_ENABLED=0` on the build command (or with ENV in the build stage). If you need cgo, link statically with `-ldflags \'-linkmode external -extldflags "-static"\'`.',
  bad: 'RUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  good: 'RUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  check(ctx) {
    for (const b of goBuilds(ctx.model)) {
      const bare = landings(ctx.model, b).find((l) => l.stage.base?.libc === false);
      if (!bare || isStaticBuild(b)) continue;
      const cgo = b.env.get('CGO_ENABLED');
      // Set from a build argument without a default, or in a branch: the value is not known here.
      if (cgo && cgo.value === undefined) continue;
      const how = cgo === undefined ? 'without CGO_ENABLED=0' : `with CGO_ENABLED=${cgo.value}`;
      const unexported = b.shellOnly.has('CGO_ENABLED') ? ' (CGO_ENABLED is assigned in the shell but not exported, so go does not see it)' : '';
      const base = bare.stage.base!.name;
      ctx.report(
        b.instr.span,
        `go ${b.sub} runs ${how}${unexported}, and its binary ends up in the final stage on ${base}, which has no libc: it is static only by luck and fails with "no such file or directory" once the builder has a C compiler`,
        unexported ? `export CGO_ENABLED=0 (or CGO_ENABLED=0 go ${b.sub} ...)` : `CGO_ENABLED=0 go ${b.sub} ...`,
      );
    }
  },
});
