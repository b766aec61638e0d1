import { auditCases, binary, goInfo, image } from './auditcases.js';

auditCases('GS509', {
  catches: [
    { name: 'no GOMEMLIMIT', subject: { image: image({ env: {} }) }, message: /GOMEMLIMIT/ },
    { name: 'a plain binary', subject: { image: undefined } },
  ],
  passes: [
    { name: 'GOMEMLIMIT in the image env', subject: {} },
    { name: 'automemlimit linked', subject: { binary: binary({ go: goInfo({ deps: [{ path: 'github.com/KimMachineGun/automemlimit', version: 'v0.7.0' }] }) }), image: image({ env: {} }) } },
  ],
});
