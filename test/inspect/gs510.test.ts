import { auditCases, image } from './auditcases.js';

const port80 = { exposedPorts: ['80/tcp', '8080/tcp'] };

auditCases('GS510', {
  catches: [
    { name: 'port 80 as 10001', subject: { image: image({ ...port80 }) }, message: /port 80\/tcp is below 1024/ },
    { name: 'port 443 as a named user', subject: { image: image({ exposedPorts: ['443/tcp'], user: 'appuser' }) } },
  ],
  passes: [
    { name: 'ports above 1024', subject: { image: image({ exposedPorts: ['8080/tcp'] }) } },
    { name: 'root may bind low ports (GS503 reports root)', subject: { image: image({ ...port80, user: '' }) } },
    // One definition of root: `00` is uid 0, so it is GS503 and not also "a non-root user".
    { name: 'User "00" is root', subject: { image: image({ ...port80, user: '00' }) } },
    { name: 'a name whose uid is 0', subject: { image: image({ ...port80, user: 'toor', passwd: 'toor:x:0:0::/:/bin/sh\n' }) } },
  ],
});
