import { defineRule } from '../rule.js';
import { commandsOf, type ShellCommand } from '../shell.js';

const isApk = (c: ShellCommand, sub: string): boolean => c.words[0] === 'apk' && c.words.includes(sub);
const isAptInstall = (c: ShellCommand): boolean => (c.words[0] === 'apt-get' || c.words[0] === 'apt') && c.words.includes('install');

export default defineRule({
  id: 'GS404',
  severity: 'info',
  title: 'Wasteful package installation',
  what: '`apk update` in a stage that installs with `apk add --no-cache`; `apt-get install` without `--no-install-recommends`, or without removing /var/lib/apt/lists in the same RUN.',
  why: '`apk add --no-cache` fetches a fresh index itself, so the `apk update` only adds a layer of stale index files. apt installs recommended packages by default (often tens of MB) and leaves its lists in the layer.',
  fix: 'Drop `apk update`; use `apt-get install -y --no-install-recommends ... && rm -rf /var/lib/apt/lists/*`.',
  bad: 'RUN apk update && apk add --no-cache git',
  good: 'RUN apk add --no-cache git',
  equivalents: { hadolint: 'DL3015/DL3009/DL3019' },
  check(ctx) {
    for (const stage of ctx.model.stages) {
      const runs = stage.instrs.filter((i) => i.keyword === 'RUN').map((i) => ({ instr: i, cmds: commandsOf(i) }));
      const noCache = runs.some((r) => r.cmds.some((c) => isApk(c, 'add') && c.words.includes('--no-cache')));
      for (const { instr, cmds } of runs) {
        if (noCache && cmds.some((c) => isApk(c, 'update'))) {
          ctx.report(instr.span, 'apk update is wasted: apk add --no-cache fetches a fresh index itself, and the update leaves stale index files in a layer', 'remove apk update');
        }
        if (cmds.some((c) => isAptInstall(c) && !c.words.includes('--no-install-recommends'))) {
          ctx.report(instr.span, 'apt-get install without --no-install-recommends pulls in recommended packages the image does not need', 'apt-get install -y --no-install-recommends ...');
        }
        const cleaned = instr.text.includes('/var/lib/apt/lists') || instr.flags.some((f) => f.name === 'mount' && (f.options.get('target') ?? '').startsWith('/var/lib/apt'));
        if (cmds.some(isAptInstall) && !cleaned) {
          ctx.report(instr.span, 'apt-get install without rm -rf /var/lib/apt/lists/* in the same RUN leaves the package lists in the layer', '... && rm -rf /var/lib/apt/lists/*');
        }
      }
    }
  },
});
