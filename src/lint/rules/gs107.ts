import { envValue, hasCacheMount } from '../gocmd.js';
import { shippedBuilds } from '../graph.js';
import { defineRule } from '../rule.js';
import { within } from '../runs.js';

export default defineRule({
  id: 'GS107',
  severity: 'info',
  title: 'Shipped Go binary built without BuildKit cache mounts',
  what: 'A `go build` or `go install` whose binary ends up in a shipped image has no `--mount=type=cache` on its RUN covering the build cache (GOCACHE, /root/.cache/go-build) or the module cache (GOMODCACHE, /go/pkg/mod). A mount on a directory above them (`/root/.cache`, `/go`) covers them; a `-mod=vendor` build needs no module cache.',
  why: 'Without cache mounts every build compiles every package from nothing and fetches modules again as soon as a layer above changes; with them a one-line change rebuilds in seconds.',
  fix: 'Add `--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod` to the RUN (set GOCACHE/GOMODCACHE to those paths if your builder image uses others).',
  bad: 'RUN go build -o /out/app .',
  good: 'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /out/app .',
  check(ctx) {
    for (const b of shippedBuilds(ctx.model)) {
      const gocache = envValue(b, 'GOCACHE') ?? `${envValue(b, 'HOME') ?? '/root'}/.cache/go-build`;
      const modcache = envValue(b, 'GOMODCACHE') ?? `${b.gopath}/pkg/mod`;
      const missing: string[] = [];
      if (!hasCacheMount(b.instr, (t) => within(gocache, t) || t.includes('go-build'))) missing.push(`the build cache (${gocache})`);
      if (b.flags.mod !== 'vendor' && !hasCacheMount(b.instr, (t) => within(modcache, t) || t.includes('/pkg/mod'))) missing.push(`the module cache (${modcache})`);
      if (missing.length === 0) continue;
      ctx.report(b.instr.span, `go ${b.sub} without a cache mount for ${missing.join(' or ')}: every build starts cold`, `RUN --mount=type=cache,target=${gocache} --mount=type=cache,target=${modcache} ...`);
    }
  },
});
