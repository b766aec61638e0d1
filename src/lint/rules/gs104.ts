import { shippedBuilds } from '../graph.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS104',
  severity: 'info',
  title: 'Shipped Go binary built without -trimpath',
  what: 'A `go build` or `go install` whose binary ends up in a shipped image runs without `-trimpath`. Tools built for the build itself (`go install tool@v1.2.3`), stages nothing copies from and development stages are not looked at.',
  why: 'Without it the binary embeds the builder\'s file system paths (/go/src/..., /root/go/pkg/mod/...): stack traces leak build paths, and the same source built in two places gives two different binaries, so image digests are not reproducible.',
  fix: 'Add `-trimpath` to the build command (or `ENV GOFLAGS=-trimpath`).',
  bad: 'RUN CGO_ENABLED=0 go build -o /out/app .',
  good: 'RUN CGO_ENABLED=0 go build -trimpath -o /out/app .',
  check(ctx) {
    for (const b of shippedBuilds(ctx.model)) {
      if (!b.flags.trimpath) ctx.report(b.instr.span, `go ${b.sub} without -trimpath: the shipped binary embeds build paths and is not reproducible`, `go ${b.sub} -trimpath ...`);
    }
  },
});
