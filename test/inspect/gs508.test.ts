import { auditCases, binary, goInfo, image } from './auditcases.js';

const old = binary({ go: goInfo({ goVersion: 'go1.23.5' }) });
const noEnv = image({ env: {} });

auditCases('GS508', {
  catches: [
    // Advice only (info): nothing says which CPU limit the image runs under.
    { name: 'go1.23 without GOMAXPROCS, no declared limit', subject: { binary: old, image: noEnv }, message: /go1\.23\.5 sets GOMAXPROCS from the host's CPU count/ },
    { name: 'a plain binary', subject: { binary: old, image: undefined } },
    { name: 'Go 1.25 with a go.mod go line below 1.25 (DefaultGODEBUG)', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.25.1', settings: [{ key: 'DefaultGODEBUG', value: 'asynctimerchan=1,containermaxprocs=0,updatemaxprocs=0' }] }) }), image: image({ env: {} }) } },
    { name: 'Go 1.25 with containermaxprocs=0 in the image GODEBUG', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.25.1' }) }), image: image({ env: { GODEBUG: 'containermaxprocs=0' } }) } },
  ],
  passes: [
    { name: 'GOMAXPROCS in the image env', subject: { binary: old } },
    { name: 'Go >= 1.25 follows the quota', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.25.1' }) }), image: noEnv } },
    { name: 'automaxprocs linked', subject: { binary: binary({ go: goInfo({ goVersion: 'go1.23.5', deps: [{ path: 'go.uber.org/automaxprocs', version: 'v1.6.0' }] }) }), image: noEnv } },
    { name: 'a declared CPU limit is GS513\'s to check', subject: { binary: old, image: image({ env: {}, labels: { 'io.goscratch.cpus': '2' } }) } },
    { name: 'not a Go binary', subject: { binary: binary({ go: null }), image: noEnv } },
  ],
});
