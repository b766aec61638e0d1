import { goBuilds, goCommands } from '../gocmd.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

export default defineRule({
  id: 'GS102',
  severity: 'warning',
  title: 'GOOS/GOARCH hard-coded in a go build',
  what: 'A `go build` or `go install` runs with a literal `GOOS` or `GOARCH` (`GOARCH=amd64`) instead of the target platform BuildKit passes in; `go env -w GOARCH=...` fixes it for every later build.',
  why: '`docker buildx build --platform linux/arm64` still produces an amd64 binary, labelled arm64: the container fails with `exec format error` on the arm64 node.',
  fix: 'Declare `ARG TARGETOS` and `ARG TARGETARCH` in the build stage and use `GOOS=$TARGETOS GOARCH=$TARGETARCH`.',
  bad: 'RUN GOOS=linux GOARCH=amd64 go build -o /out/app .',
  good: 'ARG TARGETOS TARGETARCH\nRUN GOOS=$TARGETOS GOARCH=$TARGETARCH go build -o /out/app .',
  check(ctx) {
    // `go env -w GOARCH=arm64` writes the value into go's own config file.
    for (const c of goCommands(ctx.model)) {
      if (c.sub !== 'env' || !c.args.includes('-w')) continue;
      const fixed = c.args.filter((a) => /^GO(OS|ARCH)=/.test(a) && !hasVariable(a));
      if (fixed.length) ctx.report(c.instr.span, `go env -w ${fixed.join(' ')} hard-codes the target for every later go build`, 'drop it and set GOOS=$TARGETOS GOARCH=$TARGETARCH on the go build');
    }
    for (const b of goBuilds(ctx.model)) {
      const fixed = ['GOOS', 'GOARCH'].flatMap((k) => {
        const v = b.env.get(k);
        return v !== undefined && v !== '' && !hasVariable(v) ? [`${k}=${v}`] : [];
      });
      if (fixed.length === 0) continue;
      ctx.report(
        b.instr.span,
        `go ${b.sub} has ${fixed.join(' ')} hard-coded: a build for another --platform gets the wrong binary (exec format error)`,
        'GOOS=$TARGETOS GOARCH=$TARGETARCH (with ARG TARGETOS TARGETARCH in the stage)',
      );
    }
  },
});
