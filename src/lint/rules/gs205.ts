import { copyPaths, isCopy, isRoot, parseUser } from '../facts.js';
import { chain, chainInstrs, expand, flag, stageByRef, varsAt, workdirAt, type DockerfileModel, type Instr, type Stage } from '../model.js';
import { resolvePath } from '../runs.js';
import { defineRule } from '../rule.js';
import { hasVariable, shellCommands } from '../shell.js';

/** Users every distribution's /etc/passwd defines. */
const SYSTEM_USERS = new Set(['root', 'nobody', 'daemon', 'bin', 'sys']);

export default defineRule({
  id: 'GS205',
  severity: 'error',
  title: 'USER name without an /etc/passwd that defines it',
  what: '`USER name` in a stage on scratch (or another base whose /etc/passwd lacks the name, such as distroless), where no /etc/passwd is copied in, or the one copied from a build stage does not define the name. Where in the stage the passwd file is copied does not matter: the runtime reads it when the container starts.',
  why: 'The runtime resolves the name through the image\'s /etc/passwd; without an entry the container does not start: `unable to find user appuser: no matching entries in passwd file`.',
  fix: 'Use a numeric `USER 10001:10001` (no passwd needed), or write the entry in the builder and copy /etc/passwd and /etc/group in.',
  bad: 'FROM scratch\nCOPY --from=build /out/app /app\nUSER appuser',
  good: 'FROM scratch\nCOPY --from=build /etc/passwd /etc/group /etc/\nCOPY --from=build /out/app /app\nUSER appuser',
  check(ctx) {
    const { model } = ctx;
    for (const stage of model.stages) {
      const base = stage.base;
      if (!base) continue;
      for (const instr of stage.instrs) {
        if (instr.keyword !== 'USER') continue;
        const { user } = parseUser(model, instr);
        if (user === '' || /^\d+$/.test(user) || hasVariable(user) || isRoot(user) || base.users.includes(user)) continue;
        const problem = passwdProblem(model, stage, user);
        if (problem) ctx.report(instr.span, `USER ${user}: ${problem}; the container fails with "unable to find user ${user}"`, 'USER 10001:10001');
      }
    }
  },
});

/** Why the passwd file of the stage's image does not define `user`, or undefined if it does (or may). */
function passwdProblem(model: DockerfileModel, stage: Stage, user: string): string | undefined {
  const copies = chainInstrs(stage).filter((i) => isCopy(i) && mayCopyPasswd(model, i));
  const last = copies[copies.length - 1];
  const base = stage.base!;
  if (!last) return base.users.length === 0 ? `no /etc/passwd is copied into this stage on ${base.name}` : `the /etc/passwd of ${base.name} defines only ${base.users.join(', ')}`;
  if (!copiesPasswdByName(last)) return undefined;
  const from = flag(last, 'from')?.value;
  if (!from) return undefined;
  const src = stageByRef(model, expand(from, model.globalArgs));
  // Copied from the build context or an external image: its content is not known here.
  if (!src) return undefined;
  if (SYSTEM_USERS.has(user) && !chain(src)[0]!.scratch) return undefined;
  return definesUser(model, src, user) ? undefined : `the /etc/passwd copied from stage ${src.name ?? src.index} does not define ${user}`;
}

function copiesPasswdByName(i: Instr): boolean {
  const { sources, dest } = copyPaths(i);
  return dest === '/etc/passwd' || (/^\/etc\/?$/.test(dest) && sources.some((s) => s.endsWith('passwd')));
}

/** A COPY that writes /etc/passwd, or a directory (`dir/`, `.`) onto / or /etc that may hold one. */
function mayCopyPasswd(model: DockerfileModel, i: Instr): boolean {
  if (copiesPasswdByName(i)) return true;
  const { sources, dest } = copyPaths(i);
  const d = resolvePath(workdirAt(model, i), expand(dest, varsAt(model, i)));
  return (d === '/' || d === '/etc') && sources.some((s) => s.endsWith('/') || /(^|\/)\.$/.test(s));
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
