/**
 * The `go` commands a Dockerfile runs, with the flags and environment that decide
 * what kind of binary comes out: CGO_ENABLED, GOOS/GOARCH, -trimpath, -ldflags,
 * -buildmode, -o, and the BuildKit cache mounts of their RUN.
 */
import { chain, expand, stageByRef, varsAt, workdirAt, type DockerfileModel, type Instr, type Stage } from './model.js';
import { commandsOf } from './shell.js';

export interface GoCommand {
  /** `build`, `install`, `get`, `run`, `mod`, ... */
  sub: string;
  /** Arguments after the subcommand, quotes removed. */
  args: string[];
  instr: Instr;
  stage: Stage;
  /** Environment as the command sees it: ENV/ARG, `export`s before it, prefixes. */
  env: Map<string, string | undefined>;
  /** Where the variable was set: `prefix` (same command), `export`, or `image` (ENV/ARG). */
  envSource: Map<string, 'prefix' | 'export' | 'image'>;
  flags: GoFlags;
}

export interface GoFlags {
  trimpath: boolean;
  ldflags: string[];
  buildmode?: string;
  output?: string;
  tags: string[];
  packages: string[];
}

/** Go build flags that take a value (the rest are booleans). */
const VALUE_FLAGS = new Set([
  'o', 'ldflags', 'gcflags', 'asmflags', 'gccgoflags', 'tags', 'buildmode', 'mod', 'modfile', 'p', 'pkgdir',
  'overlay', 'pgo', 'C', 'toolexec', 'installsuffix', 'exec', 'covermode', 'coverpkg', 'compiler', 'buildvcs',
]);

const BUILDS = new Set(['build', 'install']);

const cache = new WeakMap<DockerfileModel, GoCommand[]>();

/** Every `go` command in every RUN, in file order. */
export function goCommands(model: DockerfileModel): GoCommand[] {
  let out = cache.get(model);
  if (out) return out;
  out = [];
  for (const stage of model.stages) {
    for (const instr of stage.instrs) {
      if (instr.keyword === 'RUN') out.push(...goCommandsOf(model, stage, instr));
    }
  }
  cache.set(model, out);
  return out;
}

/** `go build` and `go install` commands only. */
export function goBuilds(model: DockerfileModel): GoCommand[] {
  return goCommands(model).filter((c) => BUILDS.has(c.sub));
}

function goCommandsOf(model: DockerfileModel, stage: Stage, instr: Instr): GoCommand[] {
  const base = varsAt(model, instr);
  const env = new Map(base);
  const source = new Map<string, 'prefix' | 'export' | 'image'>([...base.keys()].map((k) => [k, 'image']));
  const cmds = commandsOf(instr);
  const out: GoCommand[] = [];
  for (const c of cmds) {
    const [cmd, ...rest] = c.words;
    if (cmd === 'export' || (cmd === undefined && c.assigns.size > 0)) {
      // `export A=B` and a bare `A=B` both set the variable for later commands of this RUN.
      for (const [k, v] of c.assigns) setVar(env, source, k, v, 'export');
      for (const w of rest) {
        const eq = w.indexOf('=');
        if (eq > 0) setVar(env, source, w.slice(0, eq), w.slice(eq + 1), 'export');
      }
      continue;
    }
    if (cmd === undefined || !(cmd === 'go' || cmd.endsWith('/go'))) continue;
    const cmdEnv = new Map(env);
    const cmdSource = new Map(source);
    for (const [k, v] of c.assigns) setVar(cmdEnv, cmdSource, k, v, 'prefix');
    const sub = rest[0] ?? '';
    const args = rest.slice(1);
    const flags = parseGoFlags(args, cmdEnv);
    if (flags.output !== undefined && !flags.output.startsWith('/') && !flags.output.startsWith('$')) {
      flags.output = workdirAt(model, instr).replace(/\/?$/, '/') + flags.output.replace(/^\.\//, '');
    }
    out.push({ sub, args, instr, stage, env: cmdEnv, envSource: cmdSource, flags });
  }
  return out;
}

function setVar(env: Map<string, string | undefined>, source: Map<string, 'prefix' | 'export' | 'image'>, k: string, v: string, from: 'prefix' | 'export'): void {
  env.set(k, expand(v, env));
  source.set(k, from);
}

function parseGoFlags(args: string[], env: Map<string, string | undefined>): GoFlags {
  const f: GoFlags = { trimpath: false, ldflags: [], tags: [], packages: [] };
  const goflags = (env.get('GOFLAGS') ?? '').split(/\s+/).filter(Boolean);
  const all = [...goflags, ...args];
  for (let i = 0; i < all.length; i++) {
    const a = all[i]!;
    if (!a.startsWith('-') || a === '-') {
      if (i >= goflags.length) f.packages.push(a);
      continue;
    }
    const body = a.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq < 0 ? body : body.slice(0, eq);
    let value: string | undefined;
    if (eq >= 0) value = body.slice(eq + 1);
    else if (VALUE_FLAGS.has(name)) value = all[++i];
    switch (name) {
      case 'trimpath':
        f.trimpath = value === undefined || value === 'true';
        break;
      case 'ldflags':
        f.ldflags = (value ?? '').split(/\s+/).filter(Boolean);
        break;
      case 'buildmode':
        f.buildmode = value;
        break;
      case 'o':
        f.output = value === undefined ? undefined : expand(value, env);
        break;
      case 'tags':
        f.tags = (value ?? '').split(/[,\s]+/).filter(Boolean);
        break;
    }
  }
  return f;
}

/** Whether a RUN has a BuildKit cache mount on a target matching the test. */
export function hasCacheMount(instr: Instr, target: (t: string) => boolean): boolean {
  return instr.flags.some((f) => {
    if (f.name !== 'mount' || f.options.get('type') !== 'cache') return false;
    const t = f.options.get('target') ?? f.options.get('dst') ?? f.options.get('destination');
    return typeof t === 'string' && target(t);
  });
}

/**
 * The `go build`/`go install` commands whose output the final stage copies in, when
 * that stage descends from scratch. A COPY whose source matches a build's `-o` picks
 * that build; other sources (except /etc and CA files) pick builds with no known output.
 */
export function buildsInScratchFinal(model: DockerfileModel): GoCommand[] {
  const final = model.final;
  if (!final?.scratch) return [];
  const builds = goBuilds(model);
  const picked = new Set<GoCommand>();
  for (const s of chain(final)) {
    for (const instr of s.instrs) {
      if (instr.keyword !== 'COPY') continue;
      const from = instr.flags.find((f) => f.name === 'from')?.value;
      const src = from ? stageByRef(model, from) : undefined;
      if (!src || src.index >= s.index) continue;
      const srcChain = new Set(chain(src));
      const candidates = builds.filter((b) => srcChain.has(b.stage));
      const sources = (instr.exec ?? instr.words.map((w) => w.value)).slice(0, -1);
      for (const p of sources) {
        const matched = candidates.filter((b) => b.flags.output !== undefined && outputMatches(b.flags.output, p));
        if (matched.length > 0) matched.forEach((b) => picked.add(b));
        else if (!/^\/etc\/|\.(crt|pem)$|zoneinfo/.test(p)) {
          candidates.filter((b) => b.flags.output === undefined || b.flags.output.includes('$')).forEach((b) => picked.add(b));
        }
      }
    }
  }
  return builds.filter((b) => picked.has(b));
}

function outputMatches(output: string, source: string): boolean {
  const o = output.replace(/\/+$/, '');
  const s = source.replace(/\/+$/, '');
  if (o === s) return true;
  if (s.includes('*')) return new RegExp('^' + s.split('*').map(escapeRe).join('[^/]*') + '$').test(o);
  return o.startsWith(s + '/') || s.startsWith(o + '/');
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
