import { finalUser, isRoot } from '../facts.js';
import { defineRule } from '../rule.js';
import { hasVariable } from '../shell.js';

export default defineRule({
  id: 'GS302',
  severity: 'warning',
  title: 'USER is not numeric in the final stage',
  what: 'The final stage\'s USER names a user (`USER appuser:appuser`) instead of a numeric uid (and gid).',
  why: 'Kubernetes `runAsNonRoot` cannot look a name up in the image, so it refuses to start the pod: `container has runAsNonRoot and image has non-numeric user (appuser), cannot verify user is non-root`. A name also breaks when /etc/passwd is missing or different.',
  fix: 'Use the numeric ids: `USER 10001:10001` (keep the passwd entry for tools that print names).',
  bad: 'USER appuser:appuser',
  good: 'USER 10001:10001',
  equivalents: { dockle: 'CIS-DI-0001' },
  check(ctx) {
    const u = finalUser(ctx.model);
    if (!u || isRoot(u.user) || hasVariable(u.user)) return;
    const named = [u.user, u.group].filter((x): x is string => x !== undefined && x !== '' && !/^\d+$/.test(x) && !hasVariable(x));
    if (named.length === 0) return;
    ctx.report(u.instr.span, `USER ${u.instr.text.trim()} is not numeric: Kubernetes runAsNonRoot cannot verify a name and refuses to start the pod`, 'USER 10001:10001');
  },
});
