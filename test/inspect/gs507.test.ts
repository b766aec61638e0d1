import { auditCases, binary, goInfo, image, linked } from './auditcases.js';

const zones = binary({ linked: linked({ loadLocation: true }) });

auditCases('GS507', {
  catches: [
    { name: 'LoadLocation without zoneinfo', subject: { binary: zones }, message: /time\.LoadLocation/ },
  ],
  passes: [
    { name: 'zoneinfo in the image', subject: { binary: zones, image: image({ zoneinfo: '/usr/share/zoneinfo' }) } },
    { name: 'time/tzdata linked', subject: { binary: binary({ linked: linked({ loadLocation: true, tzdata: true }) }) } },
    { name: '-tags timetzdata', subject: { binary: binary({ linked: linked({ loadLocation: true }), go: goInfo({ settings: [{ key: '-tags', value: 'netgo,timetzdata' }] }) }) } },
  ],
});
