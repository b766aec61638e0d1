import { auditCases, binary, dynamicElf, goInfo, image } from './auditcases.js';

const cgo = binary({ elf: dynamicElf(), go: goInfo({ settings: [{ key: 'CGO_ENABLED', value: '1' }] }) });

auditCases('GS501', {
  catches: [
    { name: 'a cgo binary in an image without the loader', subject: { binary: cgo }, message: /built with CGO_ENABLED=1\): it needs the loader \/lib64\/ld-linux-x86-64\.so\.2 and libraries libc\.so\.6/ },
    // `inspect BINARY`: the first question asked of a binary headed for scratch.
    { name: 'a dynamically linked plain binary', subject: { image: undefined, binaryPath: 'bin/cfssljson', binary: cgo }, message: /bin\/cfssljson is dynamically linked .*in scratch, distroless static/ },
    { name: 'a plain binary that needs only libraries', subject: { image: undefined, binary: binary({ elf: { ...dynamicElf(), interpreter: undefined } }) }, message: /needs the libraries libc\.so\.6/ },
  ],
  passes: [
    { name: 'a static binary in an image', subject: {} },
    { name: 'a static plain binary', subject: { image: undefined } },
    { name: 'the image has the loader', subject: { binary: cgo, image: image({ files: ['/lib64/ld-linux-x86-64.so.2'] }) } },
  ],
});
