import { AUTOMEMLIMIT, binaryHandles } from '../../runtime/env.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS509',
  severity: 'info',
  title: 'No memory limit awareness',
  help: 'Go does not read the cgroup memory limit: without GOMEMLIMIT the garbage collector lets the heap grow until the container is OOM-killed. Set GOMEMLIMIT to about 90% of the memory limit, or link github.com/KimMachineGun/automemlimit.',
  check(ctx) {
    const go = ctx.binary?.go;
    const env = ctx.image?.env ?? {};
    if (!go || env.GOMEMLIMIT !== undefined || binaryHandles(go, Object.entries(env).map(([k, v]) => `${k}=${v}`)).GOMEMLIMIT) return;
    ctx.report('no GOMEMLIMIT in the image env and no automemlimit: the Go garbage collector does not know the container memory limit and may let the heap grow into an OOM kill',
      `set GOMEMLIMIT to about 90% of the container memory limit (e.g. GOMEMLIMIT=460MiB for 512Mi), or import _ "${AUTOMEMLIMIT}"`);
  },
});
