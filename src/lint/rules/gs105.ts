import { shippedBuilds } from '../graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS105',
  severity: 'info',
  title: 'Shipped Go binary built without -ldflags="-s -w"',
  what: 'A `go build` or `go install` whose binary ends up in a shipped image runs without `-ldflags` containing both `-s` and `-w` (a package pattern such as `-ldflags=all="-s -w"` counts).',
  why: 'The symbol table and DWARF debug information make up a quarter to a third of a Go binary; in an image they only add size to every pull. Stack traces keep their function names without them.',
  fix: 'Add `-ldflags="-s -w"` (keep your other -X flags in the same -ldflags value).',
  bad: 'RUN CGO_ENABLED=0 go build -trimpath -o /out/app .',
  good: 'RUN CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /out/app .',
  check(ctx) {
    for (const b of shippedBuilds(ctx.model)) {
      const ld = b.flags.ldflags;
      const missing = ['-s', '-w'].filter((f) => !ld.includes(f) && !ld.includes(f + '=true'));
      if (missing.length === 0) continue;
      const fix = ld.length > 0 ? `add ${missing.join(' ')} to the -ldflags value` : '-ldflags="-s -w"';
      ctx.report(b.instr.span, `go ${b.sub} without ${missing.join(' ')} in -ldflags: the shipped binary keeps its symbol table and debug information`, fix);
    }
  },
});
