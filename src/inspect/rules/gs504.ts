import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS504',
  severity: 'warning',
  title: 'User is a name, not a numeric uid',
  help: 'Kubernetes runAsNonRoot can only verify a numeric user; a name makes the kubelet refuse to start the pod. Use USER 10001:10001.',
  check(ctx) {
    const u = ctx.user;
    if (!u || u.user === '' || u.numeric || u.root) return;
    const uid = u.entry ? `${u.entry.uid}` : '10001';
    ctx.report(`the user ${JSON.stringify(u.user)} is a name: Kubernetes runAsNonRoot cannot verify that it is not root`, `use the numeric id, e.g. USER ${uid}:${u.entry?.gid ?? uid}`);
  },
});
