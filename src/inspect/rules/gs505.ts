import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS505',
  severity: 'error',
  title: 'User or group name not in the image',
  help: 'A user or group given by name must be listed in the image\'s /etc/passwd or /etc/group, or the runtime fails with "unable to find user". Add the entries or use numeric ids.',
  check(ctx) {
    const { user: u, image } = ctx;
    if (!u || !image) return;
    if (u.user !== '' && !u.numeric && !u.entry) {
      const why = image.passwd ? 'is not in the image\'s /etc/passwd' : 'cannot be looked up: the image has no /etc/passwd';
      ctx.report(`the user ${JSON.stringify(u.user)} ${why}; the container fails with "unable to find user ${u.user}"`, 'add the user to /etc/passwd in the image, or use a numeric uid:gid');
    }
    const group = u.group;
    if (group !== undefined && group !== '' && !/^\d+$/.test(group) && !image.group?.some((g) => g.name === group)) {
      const why = image.group ? 'is not in the image\'s /etc/group' : 'cannot be looked up: the image has no /etc/group';
      ctx.report(`the group ${JSON.stringify(group)} ${why}; the container fails with "unable to find group ${group}"`, 'add the group to /etc/group in the image, or use a numeric gid');
    }
  },
});
