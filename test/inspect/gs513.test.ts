import { auditCases, binary, goInfo, image } from './auditcases.js';

const old = binary({ go: goInfo({ goVersion: 'go1.23.5' }) });
const limit = (cpus: string, env: Record<string, string> = {}) => image({ env, labels: { 'io.goscratch.cpus': cpus } });

auditCases('GS513', {
  catches: [
    { name: 'go1.23, no GOMAXPROCS, 0.5 CPU declared', subject: { binary: old, image: limit('0.5') }, message: /host's CPU count.*above the 0\.5-CPU limit the image declares/ },
    { name: 'GOMAXPROCS=8 with 2 CPUs declared', subject: { binary: old, image: limit('2', { GOMAXPROCS: '8' }) }, message: /GOMAXPROCS=8 in the image env is above the 2-CPU limit/ },
    { name: 'millicores', subject: { binary: old, image: limit('500m') } },
  ],
  passes: [
    { name: 'no declared limit (GS508 gives the advice)', subject: { binary: old, image: image({ env: {} }) } },
    { name: 'GOMAXPROCS matches the limit', subject: { binary: old, image: limit('1.5', { GOMAXPROCS: '2' }) } },
    { name: 'Go >= 1.25 follows the quota', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.25.1' }) }), image: limit('0.5') } },
    { name: 'an unreadable label value', subject: { binary: old, image: limit('lots') } },
  ],
});
