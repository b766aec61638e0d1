import { auditCases, binary, goInfo } from './auditcases.js';

auditCases('GS511', {
  catches: [
    { name: 'go1.23 in late 2026', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.23.5' }) }) }, message: /go1\.23 is no longer supported upstream/ },
  ],
  passes: [
    { name: 'a supported release', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.26.1' }) }) } },
    { name: 'go1.23 in September 2024', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.23.5' }) }), today: new Date('2024-09-01') } },
  ],
});
