import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS503',
  severity: 'error',
  title: 'Container runs as root',
  help: 'The image config has no user, or uid 0: `0` (any number of zeros), `root`, or a name whose uid is 0 in the image\'s /etc/passwd. Run as a numeric non-root user such as 10001:10001.',
  equivalents: { dockle: 'CIS-DI-0001' },
  check(ctx) {
    const u = ctx.user;
    if (!u?.root) return;
    const how = u.written === '' ? 'sets no user' : `runs as ${JSON.stringify(u.written)}${u.numeric || u.user === 'root' ? '' : ' (uid 0 in its /etc/passwd)'}`;
    ctx.report(`the image ${how}, so the container runs as root`, 'set a numeric non-root user, e.g. USER 10001:10001 (goscratch build does this by default)');
  },
});
