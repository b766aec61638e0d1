/**
 * What the RUN instructions of each stage do, read through the shell model: which
 * `go` commands run, with which environment (ENV and ARG, exports, plain assignments,
 * command prefixes and `go env -w` settings, which persist in the stage and the
 * stages built on it), in which directory, and which files `cp`, `mv` and `install`
 * move. Plain `A=B` changes the environment only of a variable already exported;
 * what a subshell sets ends with it; what a branch or loop sets is not known.
 */
import { copyPaths, isCopy } from './facts.js';
import { expand, rawVarsAt, varsAt, workdirAt, type DockerfileModel, type Instr, type Stage } from './model.js';
import { commandsOf, hasVariable, type ShellCommand } from './shell.js';

export type EnvSource = 'image' | 'export' | 'prefix' | 'goenv';

export interface EnvValue {
  /** Known value, with variables filled in; undefined when the build or a branch decides it. */
  value: string | undefined;
  /** As written (`$TARGETARCH`). */
  raw: string;
  /** Where the variable was set: ENV/ARG, `export` (or an assignment to an exported variable), a prefix of the command, `go env -w`. */
  from: EnvSource;
}

export interface GoRun {
  /** Arguments after `go`, quotes removed. */
  words: string[];
  instr: Instr;
  stage: Stage;
  /** The environment the go command sees, `go env -w` settings included. */
  env: Map<string, EnvValue>;
  /** The directory it runs in; undefined when a `cd` to an unknown path came first. */
  cwd: string | undefined;
  /** Directories holding sources (COPY/ADD destinations, git clones, `go mod init`) when it runs. */
  sourceDirs: readonly string[];
  /** Variables the shell assigned without exporting them: go does not see them. */
  shellOnly: ReadonlySet<string>;
}

export interface FileMove {
  instr: Instr;
  stage: Stage;
  from: string;
  to: string;
}

export interface RunFacts {
  go: GoRun[];
  moves: FileMove[];
}

interface ShellVar extends EnvValue {
  exported: boolean;
}

interface State {
  vars: Map<string, ShellVar>;
  cwd: string | undefined;
}

const cache = new WeakMap<DockerfileModel, RunFacts>();

/** Every go command and file move of every RUN, in file order. */
export function runFacts(model: DockerfileModel): RunFacts {
  let facts = cache.get(model);
  if (facts) return facts;
  facts = { go: [], moves: [] };
  // `go env -w` writes go's config file: it holds for later RUNs and stages built on the stage.
  const goenvAtEnd = new Map<Stage, Map<string, EnvValue>>();
  for (const stage of model.stages) {
    const goenv = new Map(stage.parent ? goenvAtEnd.get(stage.parent) : undefined);
    const sourceDirs: string[] = [...(stage.parent ? sourceDirCache.get(stage.parent) ?? [] : [])];
    for (const instr of stage.instrs) {
      if (isCopy(instr)) {
        const dest = copyDestDir(model, instr);
        if (dest) sourceDirs.push(dest);
      }
      if (instr.keyword === 'RUN') evaluateRun(model, stage, instr, goenv, sourceDirs, facts);
    }
    goenvAtEnd.set(stage, goenv);
    sourceDirCache.set(stage, sourceDirs);
  }
  cache.set(model, facts);
  return facts;
}

/** Where each stage has sources at its end, for the stages built on it. */
const sourceDirCache = new WeakMap<Stage, string[]>();

/** The directory a COPY or ADD writes into (the destination, or its parent for a single file). */
function copyDestDir(model: DockerfileModel, instr: Instr): string | undefined {
  const { sources, dest } = copyPaths(instr);
  const d = expand(dest, varsAt(model, instr));
  if (hasVariable(d)) return undefined;
  const abs = resolvePath(workdirAt(model, instr), d);
  const isDir = d.endsWith('/') || d === '.' || sources.length > 1 || sources.some((s) => s === '.' || s.endsWith('/'));
  return isDir ? abs : parentDir(abs);
}

function evaluateRun(model: DockerfileModel, stage: Stage, instr: Instr, goenv: Map<string, EnvValue>, sourceDirs: string[], out: RunFacts): void {
  const image = new Map([...rawVarsAt(model, instr)].map(([k, v]) => [k, { ...v, from: 'image' as const, exported: true }]));
  let state: State = { vars: image, cwd: workdirAt(model, instr) };
  const stack: State[] = [];
  for (const c of commandsOf(instr)) {
    // Entering a subshell copies the state; leaving it restores what was there before.
    while (stack.length < c.subshell) {
      stack.push(state);
      state = { vars: new Map(state.vars), cwd: state.cwd };
    }
    while (stack.length > c.subshell) state = stack.pop()!;
    const [cmd, ...rest] = c.words;
    // Most commands (apk, printf, mkdir) need no variables: the value map is made on first use.
    let valueMap: Map<string, string | undefined> | undefined;
    const values = (): Map<string, string | undefined> => (valueMap ??= new Map([...state.vars].map(([k, v]) => [k, v.value])));
    const value = (text: string): string | undefined => (c.conditional ? undefined : known(expand(text, values())));
    if (cmd === undefined || cmd === 'export' || cmd === 'readonly') {
      for (const [k, v] of c.assigns) setVar(state, k, { value: value(v), raw: v }, cmd !== undefined);
      for (const w of rest) {
        const eq = w.indexOf('=');
        if (eq > 0) setVar(state, w.slice(0, eq), { value: value(w.slice(eq + 1)), raw: w.slice(eq + 1) }, true);
        else if (/^[A-Za-z_]\w*$/.test(w)) exportVar(state, w);
      }
    } else if (cmd === 'unset') {
      for (const w of rest) state.vars.delete(w);
    } else if (cmd === 'cd') {
      const dir = rest.find((w) => !w.startsWith('-'));
      const d = dir === undefined ? '/root' : value(dir);
      state.cwd = d === undefined || state.cwd === undefined ? undefined : resolvePath(state.cwd, d);
    } else if (cmd === 'go' || cmd.endsWith('/go') || cmd === 'xx-go') {
      const env = commandEnv(state, c, values(), goenv);
      const shellOnly = new Set([...state.vars].filter(([k, v]) => !v.exported && !env.has(k)).map(([k]) => k));
      out.go.push({ words: rest, instr, stage, env, cwd: state.cwd, sourceDirs: [...sourceDirs], shellOnly });
      if (rest[0] === 'env') goEnvWrite(rest.slice(1), goenv, c, values());
      if (rest[0] === 'mod' && rest[1] === 'init' && state.cwd) sourceDirs.push(state.cwd);
    } else if (cmd === 'git' && rest[0] === 'clone' && state.cwd) {
      const args = rest.slice(1).filter((w) => !w.startsWith('-'));
      const dir = args[1] ?? (args[0] ?? '').replace(/\/+$/, '').replace(/\.git$/, '').split('/').pop();
      if (dir) sourceDirs.push(resolvePath(state.cwd, dir));
    } else if (cmd === 'cp' || cmd === 'mv' || cmd === 'install') {
      const paths = operands(cmd, rest).map((w) => value(w));
      const to = paths.pop();
      if (to === undefined || state.cwd === undefined) continue;
      for (const from of paths) if (from !== undefined) out.moves.push({ instr, stage, from: resolvePath(state.cwd, from), to: resolvePath(state.cwd, to) + (paths.length > 1 || to.endsWith('/') ? '/' : '') });
    }
  }
}

/** The variables a command's process gets: exported ones, its prefixes, then `go env -w` values for what the environment leaves unset. */
function commandEnv(state: State, c: ShellCommand, values: Map<string, string | undefined>, goenv: Map<string, EnvValue>): Map<string, EnvValue> {
  const env = new Map<string, EnvValue>();
  for (const [k, v] of state.vars) if (v.exported) env.set(k, { value: v.value, raw: v.raw, from: v.from });
  for (const [k, v] of c.assigns) env.set(k, { value: c.conditional ? undefined : known(expand(v, values)), raw: v, from: 'prefix' });
  // An environment variable wins over `go env -w`; go treats an empty one as unset.
  for (const [k, v] of goenv) if (!env.has(k) || env.get(k)!.value === '') env.set(k, v);
  return env;
}

function goEnvWrite(args: string[], goenv: Map<string, EnvValue>, c: ShellCommand, values: Map<string, string | undefined>): void {
  if (args.includes('-w')) {
    for (const a of args) {
      const eq = a.indexOf('=');
      if (eq > 0 && !a.startsWith('-')) goenv.set(a.slice(0, eq), { value: c.conditional ? undefined : known(expand(a.slice(eq + 1), values)), raw: a.slice(eq + 1), from: 'goenv' });
    }
  } else if (args.includes('-u')) {
    for (const a of args) if (!a.startsWith('-')) goenv.delete(a);
  }
}

function setVar(state: State, name: string, v: { value: string | undefined; raw: string }, exporting: boolean): void {
  const old = state.vars.get(name);
  // Assigning to a variable the shell got from its environment changes what children see.
  const exported = exporting || (old?.exported ?? false);
  state.vars.set(name, { ...v, from: 'export', exported });
}

function exportVar(state: State, name: string): void {
  const old = state.vars.get(name);
  if (old) state.vars.set(name, { ...old, exported: true });
}

/** Path operands of cp/mv/install: flags and the values of flags that take one are skipped. */
function operands(cmd: string, words: string[]): string[] {
  const takesValue = cmd === 'install' ? /^-[mogt]$/ : /^-t$/;
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (takesValue.test(w)) i++;
    else if (!w.startsWith('-')) out.push(w);
  }
  return out;
}

/** A value with no variable left in it, else undefined. */
function known(v: string): string | undefined {
  return hasVariable(v) ? undefined : v;
}

export function resolvePath(cwd: string, p: string): string {
  const joined = p.startsWith('/') ? p : `${cwd.replace(/\/+$/, '')}/${p}`;
  const parts: string[] = [];
  for (const seg of joined.split('/')) {
    if (seg === '' || seg === '.') continue;
    if (seg === '..') parts.pop();
    else parts.push(seg);
  }
  return '/' + parts.join('/');
}

export function parentDir(p: string): string {
  const i = p.replace(/\/+$/, '').lastIndexOf('/');
  return i <= 0 ? '/' : p.slice(0, i);
}

/** Whether `dir` is `path` or one of its ancestors. */
export function within(path: string, dir: string): boolean {
  const d = dir.replace(/\/+$/, '');
  return d === '' || path === d || path.startsWith(d + '/');
}
