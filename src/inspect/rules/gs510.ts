import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS510',
  severity: 'warning',
  title: 'Port below 1024 exposed with a non-root user',
  help: 'A non-root process cannot bind ports below 1024 on every runtime (Kubernetes without NET_BIND_SERVICE, rootless Podman). Listen on a port above 1024.',
  check(ctx) {
    const { image, user } = ctx;
    if (!image || !user || user.root) return;
    for (const p of image.exposedPorts) {
      const port = Number(p.split('/')[0]);
      if (Number.isInteger(port) && port > 0 && port < 1024) {
        ctx.report(`port ${p} is below 1024, but the container runs as ${JSON.stringify(user.written)}: a non-root process cannot bind it on every runtime`,
          'listen on a port above 1024 (e.g. 8080) and map it at the service or load balancer');
      }
    }
  },
});
