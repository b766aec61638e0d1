import { auditCases, binary, elf, image } from './auditcases.js';

auditCases('GS502', {
  catches: [
    { name: 'an arm64 binary in an amd64 image', subject: { binary: binary({ elf: elf({ machine: 183, machineName: 'AArch64', goarch: 'arm64' }) }) }, message: /built for AArch64 \(arm64\), but the image platform is amd64/ },
  ],
  passes: [
    { name: 'the same architecture', subject: { image: image({ architecture: 'amd64' }) } },
    { name: 'a plain binary has no image platform', subject: { image: undefined, binary: binary({ elf: elf({ goarch: 'arm64' }) }) } },
  ],
});
