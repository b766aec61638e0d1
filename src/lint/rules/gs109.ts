import { goBuilds } from '../gocmd.js';
import { landings } from '../graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS109',
  severity: 'error',
  title: 'PIE or external linking for an image without a dynamic loader',
  what: 'A binary that ends up in a final stage on a base with no libc (scratch, distroless static, Chainguard static) is built with `-buildmode=pie`, or with `-ldflags=-linkmode=external` without `-extldflags -static`.',
  why: 'On linux/amd64 and arm64 a PIE or externally linked Go binary needs the dynamic loader (/lib/ld-linux-*.so or /lib/ld-musl-*.so) that these bases do not have: the container fails at start with `exec /app: no such file or directory`.',
  fix: 'Drop `-buildmode=pie` and `-linkmode external`, or link statically: `-ldflags \'-linkmode external -extldflags "-static"\'`.',
  bad: 'RUN CGO_ENABLED=0 go build -buildmode=pie -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  good: 'RUN CGO_ENABLED=0 go build -o /out/app .\nFROM scratch\nCOPY --from=build /out/app /app',
  check(ctx) {
    for (const b of goBuilds(ctx.model)) {
      const bare = landings(ctx.model, b).find((l) => l.stage.base?.libc === false);
      if (!bare) continue;
      const base = bare.stage.base!.name;
      const ld = b.flags.ldflags.join(' ');
      if (b.flags.buildmode === 'pie') {
        ctx.report(b.instr.span, `go ${b.sub} -buildmode=pie makes a binary that needs a dynamic loader, which the final stage on ${base} lacks`, `remove -buildmode=pie`);
      } else if (/-linkmode[= ]external/.test(ld) && !/-static\b/.test(ld)) {
        ctx.report(b.instr.span, `go ${b.sub} links externally without -static: the binary needs a dynamic loader, which the final stage on ${base} lacks`, `-ldflags '-linkmode external -extldflags "-static"'`);
      }
    }
  },
});
