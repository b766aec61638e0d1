import { gomaxprocsFor } from '../../runtime/env.js';
import { CPU_LABEL, declaredCpus, hostMaxprocs } from '../maxprocs.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS513',
  severity: 'warning',
  title: 'GOMAXPROCS above the CPU limit the image declares',
  help: `The image declares the CPU limit it runs under (label ${CPU_LABEL}=0.5, 2 or 500m), and GOMAXPROCS will be higher: set higher in the image env, or taken from the host's CPU count by a Go runtime that ignores the quota. The kernel throttles the process (latency spikes). Set GOMAXPROCS to ceil(limit) in the image env (goscratch build --cpus does), link go.uber.org/automaxprocs, or build with Go >= 1.25.`,
  check(ctx) {
    const cpus = declaredCpus(ctx.image);
    const go = ctx.binary?.go;
    if (cpus === undefined || !ctx.image || !go) return;
    const want = gomaxprocsFor(cpus);
    const declared = `the ${cpus}-CPU limit the image declares (label ${CPU_LABEL})`;
    const fix = `set GOMAXPROCS=${want} in the image env (goscratch build --cpus ${cpus})`;
    const env = ctx.image.env.GOMAXPROCS;
    if (env !== undefined) {
      if (/^\d+$/.test(env) && Number(env) > want) ctx.report(`GOMAXPROCS=${env} in the image env is above ${declared}: the kernel throttles the process`, fix);
      return;
    }
    const why = hostMaxprocs(go, ctx.image.env);
    if (why) ctx.report(`${why}, above ${declared}: the kernel throttles the process`, fix);
  },
});
