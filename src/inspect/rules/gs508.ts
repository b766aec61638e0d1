import { AUTOMAXPROCS } from '../../runtime/env.js';
import { declaredCpus, hostMaxprocs } from '../maxprocs.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS508',
  severity: 'info',
  title: 'GOMAXPROCS is not container-aware',
  help: 'Before Go 1.25 (or with a go.mod go line below 1.25) the runtime uses the host\'s CPU count and ignores the cgroup CPU quota; under a CPU limit the kernel then throttles the process. Advice only: the image does not say which limit it runs under (when it does, GS513 checks it). Set GOMAXPROCS in the image env, link go.uber.org/automaxprocs, or build with Go >= 1.25 and go >= 1.25 in go.mod.',
  check(ctx) {
    const go = ctx.binary?.go;
    if (!go || declaredCpus(ctx.image) !== undefined) return;
    const why = hostMaxprocs(go, ctx.image?.env ?? {});
    if (why) ctx.report(`${why}: under a CPU limit the kernel throttles the process`, `set GOMAXPROCS in the image env to the CPU limit (goscratch build --cpus), import _ "${AUTOMAXPROCS}", or build with Go >= 1.25 and go >= 1.25 in go.mod`);
  },
});
