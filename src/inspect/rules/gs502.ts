import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS502',
  severity: 'error',
  title: 'Binary built for another CPU than the image platform',
  help: 'The ELF machine of the entrypoint differs from the architecture in the image config: the container fails with "exec format error". Build with GOARCH matching the platform (goscratch build --platform does this).',
  check(ctx) {
    const { image, binary } = ctx;
    if (!image || !binary || binary.elf.goarch === image.architecture) return;
    ctx.report(`${ctx.binaryPath} is built for ${binary.elf.machineName} (${binary.elf.goarch ?? 'no Go architecture'}), but the image platform is ${image.architecture}: the container fails with "exec format error"`,
      `build with GOARCH=${image.architecture}, or label the image with the binary's platform`);
  },
});
