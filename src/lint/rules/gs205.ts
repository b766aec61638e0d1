import { copyPaths, isCopy, isRoot, parseUser } from '../facts.js';
import { chain, chainInstrs, expand, flag, stageByRef, varsAt, type DockerfileModel, type Instr, type Stage } from '../model.js';
import { defineRule } from '../rule.js';
import { hasVariable, shellCommands } from '../shell.js';

/** Users every distribution's /etc/passwd defines. */
const SYSTEM_USERS = new Set(['root', 'nobody', 'daemon', 'bin', 'sys']);

export default defineRule({
  id: 'GS205',
  severity: 'error',
  title: 'USER name in scratch without an /etc/passwd that defines it',
  what: '`USER name` in a stage descending from scratch, where no /etc/passwd is copied in, or the one copied from a build stage does not define the name.',
  why: 'The runtime resolves the name through the image\'s /etc/passwd; without an entry the container does not start: `unable to find user appuser: no matching entries in passwd file`.',
  fix: 'Use a numeric `USER 10001:10001` (no passwd needed), or write the entry in the builder and copy /etc/passwd and /etc/group in before USER.',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER appuser',
  good: 'FROM scratch\nCOPY --from=build /etc/passwd /etc/group /etc/\nCOPY --from=build /out/app /app\nUSER appuser',
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      if (!stage.scratch) continue;
      for (const instr of stage.instrs) {
        if (instr.keyword !== 'USER') continue;
        const { user } = parseUser(model, instr);
        if (user === '' || /^\d+$/.test(user) || hasVariable(user) || isRoot(user)) continue;
        const problem = passwdProblem(model, stage, instr, user);
        if (problem) ctx.report(instr.span, `USER ${user}: ${problem}; the container fails with "unable to find user ${user}"`, 'USER 10001:10001');
      }
    }
  },
});

/** Why the passwd file in the image at `instr` does not define `user`, or undefined if it does (or may). */
function passwdProblem(model: DockerfileModel, stage: Stage, instr: Instr, user: string): string | undefined {
  const all = chainInstrs(stage);
  const copies = all.slice(0, all.indexOf(instr)).filter((i) => isCopy(i) && copiesPasswd(i));
  const last = copies[copies.length - 1];
  if (!last) return 'no /etc/passwd is copied into this scratch stage';
  const from = flag(last, 'from')?.value;
  if (!from) return undefined;
  const src = stageByRef(model, from);
  // Copied from the build context or an external image: its content is not known here.
  if (!src) return undefined;
  if (SYSTEM_USERS.has(user) && !chain(src)[0]!.scratch) return undefined;
  return definesUser(model, src, user) ? undefined : `the /etc/passwd copied from stage ${src.name ?? src.index} does not define ${user}`;
}

function copiesPasswd(i: Instr): boolean {
  const { sources, dest } = copyPaths(i);
  return dest === '/etc/passwd' || (/^\/etc\/?$/.test(dest) && sources.some((s) => s.endsWith('passwd')));
}

/** Whether a RUN, heredoc or COPY heredoc in the stage chain creates the user. */
function definesUser(model: DockerfileModel, stage: Stage, user: string): boolean {
  for (const instr of chainInstrs(stage)) {
    if (instr.keyword !== 'RUN' && !isCopy(instr)) continue;
    const script = expand(instr.text, varsAt(model, instr));
    const words = instr.keyword === 'RUN' ? shellCommands(script).flatMap((c) => c.words) : script.split(/\s+/);
    if (words.some((w) => w === user || w.split(/\\n|\n/).some((l) => l.startsWith(user + ':')))) return true;
  }
  return false;
}
