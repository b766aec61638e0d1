import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS512',
  severity: 'error',
  title: 'Entrypoint not in the image',
  help: 'The image sets no entrypoint or cmd, or its argv[0] is not a file in the image (nor on its PATH), or resolves through a symlink loop: the container cannot start. Point ENTRYPOINT at the binary by absolute path.',
  check(ctx) {
    if (!ctx.image || !ctx.entrypointMissing) return;
    ctx.report(`the container cannot start: ${ctx.entrypointMissing}, so the runtime fails with "exec: no such file or directory" (or "no command specified")`,
      'set ENTRYPOINT to the absolute path of a binary that is in the image, e.g. ["/usr/local/bin/app"]');
  },
});
