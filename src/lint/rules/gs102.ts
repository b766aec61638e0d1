import { goBuilds, goCommands, type GoCommand } from '../gocmd.js';
import { ships } from '../graph.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

/** A value written from BuildKit's platform arguments: a default on them is GS103's finding, not a hard-coded target. */
const PLATFORM_ARG = /\$\{?(TARGET|BUILD)(OS|ARCH|PLATFORM|VARIANT)\b/;

/** GOOS/GOARCH values that pin the target; GOOS=linux is what every Linux image needs. */
function pinned(b: GoCommand, from: 'goenv' | 'other'): string[] {
  return ['GOOS', 'GOARCH'].flatMap((k) => {
    const v = b.env.get(k);
    if (!v || v.value === undefined || v.value === '' || (k === 'GOOS' && v.value === 'linux')) return [];
    if ((v.from === 'goenv') !== (from === 'goenv') || PLATFORM_ARG.test(v.raw)) return [];
    return [`${k}=${v.value}`];
  });
}

const FIX = 'GOOS=$TARGETOS GOARCH=$TARGETARCH (with ARG TARGETOS TARGETARCH in the stage)';

export default defineRule({
  id: 'GS102',
  severity: 'warning',
  title: 'GOARCH (or a non-Linux GOOS) hard-coded in a go build',
  what: 'A `go build` or `go install` whose binary ships runs with a literal `GOARCH` (`GOARCH=amd64`), or a `GOOS` other than linux, instead of the target platform BuildKit passes in; `go env -w GOARCH=...` fixes it for every later build. Values taken from `$TARGETARCH` are left to GS103.',
  why: '`docker buildx build --platform linux/arm64` (or a plain `docker build` on an arm64 laptop) still produces an amd64 binary, labelled arm64: the container fails with `exec format error` on the arm64 node.',
  fix: 'Declare `ARG TARGETOS` and `ARG TARGETARCH` in the build stage and use `GOOS=$TARGETOS GOARCH=$TARGETARCH`.',
  bad: 'RUN GOOS=linux GOARCH=amd64 go build -o /out/app .',
  good: 'ARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .',
  check(ctx) {
    const shipped = goBuilds(ctx.model).filter((b) => ships(ctx.model, b));
    // `go env -w GOARCH=arm64` writes go's own config file: reported where it is written.
    for (const c of goCommands(ctx.model)) {
      if (c.sub !== 'env' || !c.args.includes('-w')) continue;
      const fixed = c.args.filter((a) => /^GO(OS|ARCH)=/.test(a) && !hasVariable(a) && a !== 'GOOS=linux');
      const affects = shipped.some((b) => pinned(b, 'goenv').length > 0 && b.instr.span.start.line >= c.instr.span.start.line);
      if (fixed.length && affects) ctx.report(c.instr.span, `go env -w ${fixed.join(' ')} hard-codes the target for every later go build`, 'drop it and set GOOS=$TARGETOS GOARCH=$TARGETARCH on the go build');
    }
    for (const b of shipped) {
      const fixed = pinned(b, 'other');
      if (fixed.length === 0) continue;
      const already = /\$\{?TARGETARCH\b/.test(b.instr.text);
      ctx.report(
        b.instr.span,
        `go ${b.sub} has ${fixed.join(' ')} hard-coded: a build for another --platform gets the wrong binary (exec format error)`,
        ...(already ? [] : [FIX]),
      );
    }
  },
});
