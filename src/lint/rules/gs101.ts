import { buildsInScratchFinal, type GoCommand } from '../gocmd.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

/** CGO_ENABLED=0, or an external link forced static, gives a binary that needs no libc. */
function isStaticBuild(b: GoCommand): boolean {
  if (b.env.get('CGO_ENABLED') === '0') return true;
  const ld = b.flags.ldflags.join(' ');
  return /-extldflags/.test(ld) && /-static\b/.test(ld);
}

export default defineRule({
  id: 'GS101',
  severity: 'error',
  title: 'Go binary for a scratch image built without CGO_ENABLED=0',
  what: 'A `go build` or `go install` whose binary the final `FROM scratch` stage copies in runs without `CGO_ENABLED=0`.',
  why: 'With cgo left on, a builder image that has a C compiler (golang:bookworm, or alpine after `apk add gcc`) links the binary dynamically against libc. Scratch has no libc and no dynamic loader, so the container dies at start with `exec /app: no such file or directory`. It only works today because the builder happens to lack a compiler.',
  fix: 'Set `CGO_ENABLED=0` on the build command (or with ENV in the build stage). If you need cgo, link statically with `-ldflags \'-linkmode external -extldflags "-static"\'`.',
  bad: 'RUN go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  good: 'RUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  check(ctx) {
    for (const b of buildsInScratchFinal(ctx.model)) {
      if (isStaticBuild(b)) continue;
      const v = b.env.get('CGO_ENABLED');
      // Set from a build argument without a default: the value is not known here.
      if (b.env.has('CGO_ENABLED') && (v === undefined || hasVariable(v))) continue;
      const how = v === undefined ? 'without CGO_ENABLED=0' : `with CGO_ENABLED=${v}`;
      ctx.report(
        b.instr.span,
        `go ${b.sub} runs ${how}, and its binary is copied into the scratch final stage: it is static only by luck and fails with "no such file or directory" once the builder has a C compiler`,
        `CGO_ENABLED=0 go ${b.sub} ...`,
      );
    }
  },
});
