import { auditCases, image } from './auditcases.js';

auditCases('GS505', {
  catches: [
    { name: 'a user name without /etc/passwd', subject: { image: image({ user: 'appuser', passwd: null }) }, message: /the image has no \/etc\/passwd/ },
    { name: 'a user name missing from /etc/passwd', subject: { image: image({ user: 'nobody:appuser' }) }, message: /"nobody" is not in the image's \/etc\/passwd/ },
    { name: 'a group name missing from /etc/group', subject: { image: image({ user: '10001:nogroup' }) }, message: /group "nogroup"/ },
  ],
  passes: [
    { name: 'names in passwd and group', subject: { image: image({ user: 'appuser:appuser' }) } },
    { name: 'numeric ids need no files', subject: { image: image({ user: '10001:10001', passwd: null, group: null }) } },
  ],
});
