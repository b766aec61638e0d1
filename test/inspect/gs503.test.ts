import { auditCases, image } from './auditcases.js';

auditCases('GS503', {
  catches: [
    { name: 'no user', subject: { image: image({ user: '' }) }, message: /sets no user/ },
    { name: '0:0', subject: { image: image({ user: '0:0' }) } },
    { name: 'root', subject: { image: image({ user: 'root' }) } },
    { name: '00 is uid 0 too', subject: { image: image({ user: '00' }) } },
    { name: 'a name whose passwd uid is 0', subject: { image: image({ user: 'toor', passwd: 'toor:x:0:0::/:/bin/sh\n' }) }, message: /uid 0 in its \/etc\/passwd/ },
  ],
  passes: [
    { name: 'numeric non-root', subject: { image: image({ user: '10001:10001' }) } },
    { name: 'a number with leading zeros that is not 0', subject: { image: image({ user: '010001' }) } },
    { name: 'a name with a non-zero uid', subject: { image: image({ user: 'appuser' }) } },
    { name: 'a plain binary has no user', subject: { image: undefined } },
  ],
});
