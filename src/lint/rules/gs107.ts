import { goBuilds, hasCacheMount } from '../gocmd.js';
import { defineRule } from '../rule.js';

export default defineRule({
  id: 'GS107',
  severity: 'info',
  title: 'go build without BuildKit cache mounts',
  what: 'A `go build` or `go install` RUN has no `--mount=type=cache` for the build cache (GOCACHE, /root/.cache/go-build) or for the module cache (GOMODCACHE, /go/pkg/mod).',
  why: 'Without cache mounts every build compiles every package from nothing and fetches modules again as soon as a layer above changes; with them a one-line change rebuilds in seconds.',
  fix: 'Add `--mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod` to the RUN (set GOCACHE/GOMODCACHE to those paths if your builder image uses others).',
  bad: 'RUN go build -o /out/app .',
  good: 'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \\\n    go build -o /out/app .',
  check(ctx) {
    for (const b of goBuilds(ctx.model)) {
      const gocache = b.env.get('GOCACHE');
      const modcache = b.env.get('GOMODCACHE');
      const missing: string[] = [];
      if (!hasCacheMount(b.instr, (t) => t.includes('go-build') || t === gocache)) missing.push(`the build cache (${gocache ?? '/root/.cache/go-build'})`);
      if (!hasCacheMount(b.instr, (t) => t.includes('/pkg/mod') || t === modcache)) missing.push(`the module cache (${modcache ?? '/go/pkg/mod'})`);
      if (missing.length === 0) continue;
      ctx.report(b.instr.span, `go ${b.sub} without a cache mount for ${missing.join(' or ')}: every build starts cold`, 'RUN --mount=type=cache,target=/root/.cache/go-build --mount=type=cache,target=/go/pkg/mod ...');
    }
  },
});
