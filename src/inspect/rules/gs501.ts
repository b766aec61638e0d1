import { buildSetting } from '../../binary/buildinfo.js';
import { defineAuditRule } from '../rule.js';

const FIX = 'build with CGO_ENABLED=0 (add -tags netgo,osusergo if net or os/user are imported), or copy the loader and libraries into the image';

export default defineAuditRule({
  id: 'GS501',
  severity: 'error',
  title: 'Dynamically linked binary without its loader',
  help: 'The binary needs a dynamic loader (PT_INTERP) and shared libraries. In an image, the finding appears when the image does not contain the loader; for a plain binary, always: it cannot start in scratch, distroless static or any image without that loader. Either way the container fails with "no such file or directory". Build with CGO_ENABLED=0, or copy the loader and libraries into the image.',
  check(ctx) {
    const bin = ctx.binary;
    if (!bin) return;
    const { interpreter, needed } = bin.elf;
    const libs = needed.length ? ` and libraries ${needed.join(', ')}` : '';
    const cgo = bin.go && buildSetting(bin.go, 'CGO_ENABLED') === '1' ? ' (built with CGO_ENABLED=1)' : '';
    if (ctx.image) {
      if (interpreter === undefined || ctx.image.isFile(interpreter)) return;
      ctx.report(`${ctx.binaryPath} is dynamically linked${cgo}: it needs the loader ${interpreter}${libs}, but the image has no ${interpreter}; the container fails with "no such file or directory"`, FIX);
    } else if (!bin.elf.static) {
      const needs = interpreter ? `the loader ${interpreter}${libs}` : `the libraries ${needed.join(', ')}`;
      ctx.report(`${ctx.binaryPath} is dynamically linked${cgo}: it needs ${needs}, so in scratch, distroless static or any image without them it fails with "no such file or directory"`, FIX);
    }
  },
});
