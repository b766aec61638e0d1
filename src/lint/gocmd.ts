/**
 * The `go` commands a Dockerfile runs, with the flags and environment that decide
 * what kind of binary comes out (CGO_ENABLED, GOOS/GOARCH, -trimpath, -ldflags,
 * -buildmode, -tags) and where it is written, read from the RUN shell model (runs.ts).
 */
import { type DockerfileModel, type Instr, type Stage } from './model.js';
import { resolvePath, runFacts, within, type EnvValue } from './runs.js';
import { hasVariable } from './shell.js';

export interface GoCommand {
  /** `build`, `install`, `get`, `run`, `mod`, `env`, ... */
  sub: string;
  /** Arguments after the subcommand, quotes removed. */
  args: string[];
  instr: Instr;
  stage: Stage;
  /** The environment the command sees: ENV/ARG, exports, prefixes, `go env -w`. */
  env: Map<string, EnvValue>;
  /** The directory it runs in, when known. */
  cwd: string | undefined;
  flags: GoFlags;
  /**
   * The binaries it writes: absolute paths, where a last element `*` stands for a name
   * not known here; [] when it writes none; undefined when the paths are not known.
   */
  outputs: string[] | undefined;
  /** Builds only packages of other modules (a code generator, a dependency warmed into the cache), not the project's code. */
  tool: boolean;
  /** Packages of other modules it names (not the project's own, even when GOPATH-style paths name those). */
  remotePackages: string[];
  /** The project's sources (a go.mod) are in its directory or above: `go install pkg` takes versions from go.mod. */
  inModule: boolean;
  /** Variables the shell assigned without exporting them: go does not see them. */
  shellOnly: ReadonlySet<string>;
  /** GOPATH as the command sees it (the golang images' /go when not set). */
  gopath: string;
}

export interface GoFlags {
  trimpath: boolean;
  /** The -ldflags arguments, without a package pattern (`all=`). */
  ldflags: string[];
  buildmode?: string;
  /** -mod: `vendor` builds from vendor/ without the module cache. */
  mod?: string;
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
  out = runFacts(model).go.map((r) => {
    const [sub = '', ...args] = r.words;
    const flags = parseGoFlags(args, r.env);
    const gopath = r.env.get('GOPATH')?.value?.split(':')[0] ?? (/(^|\/)go(lang)?([:@]|$)/.test(rootImage(r.stage)) ? '/go' : '/root/go');
    const inGopath = (p: string): string => `${gopath}/src/${p.split('@')[0]}`;
    // GOPATH style: the project's own import path is local when its sources were copied under GOPATH/src.
    const local = (p: string): boolean => !isRemote(p) || r.sourceDirs.some((d) => within(d, `${gopath}/src`) && (within(inGopath(p), d) || within(d, inGopath(p))));
    const pkgs = flags.packages.length > 0 ? flags.packages : ['.'];
    return {
      sub,
      args,
      instr: r.instr,
      stage: r.stage,
      env: r.env,
      cwd: r.cwd,
      flags,
      outputs: BUILDS.has(sub) ? outputsOf(sub, flags, r.env, r.cwd, gopath) : [],
      tool: BUILDS.has(sub) && !pkgs.some(local),
      remotePackages: flags.packages.filter((p) => !local(p)),
      inModule: r.cwd !== undefined && r.sourceDirs.some((d) => within(r.cwd!, d)),
      shellOnly: r.shellOnly,
      gopath,
    };
  });
  cache.set(model, out);
  return out;
}

/** `go build` and `go install` commands only. */
export function goBuilds(model: DockerfileModel): GoCommand[] {
  return goCommands(model).filter((c) => BUILDS.has(c.sub));
}

/** The value of a variable for a go command, when it is set and known. */
export function envValue(c: GoCommand, name: string): string | undefined {
  return c.env.get(name)?.value;
}

function rootImage(stage: Stage): string {
  let s = stage;
  while (s.parent) s = s.parent;
  return s.image.toLowerCase();
}

/** An import path of another module: a dotted host first (`github.com/x/y`), not a relative path or a file. */
export function isRemote(p: string): boolean {
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+\//i.test(p) && !p.endsWith('.go');
}

function parseGoFlags(args: string[], env: Map<string, EnvValue>): GoFlags {
  const f: GoFlags = { trimpath: false, ldflags: [], tags: [], packages: [] };
  const goflags = (env.get('GOFLAGS')?.value ?? '').split(/\s+/).filter(Boolean);
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
        f.ldflags = withoutPattern(value ?? '').split(/\s+/).filter(Boolean);
        break;
      case 'buildmode':
        f.buildmode = value;
        break;
      case 'mod':
        f.mod = value;
        break;
      case 'o':
        f.output = value;
        break;
      case 'tags':
        f.tags = (value ?? '').split(/[,\s]+/).filter(Boolean);
        break;
    }
  }
  return f;
}

/** `all=-s -w` -> `-s -w`: -ldflags and -gcflags take an optional `pattern=` before their arguments. */
function withoutPattern(value: string): string {
  const m = /^([^\s=-][^\s=]*)=(.*)$/s.exec(value);
  return m ? m[2]! : value;
}

function outputsOf(sub: string, flags: GoFlags, env: Map<string, EnvValue>, cwd: string | undefined, gopath: string): string[] | undefined {
  const pkgs = flags.packages.length > 0 ? flags.packages : ['.'];
  if (flags.output !== undefined) {
    const o = expandEnv(flags.output, env);
    if (o === undefined || (cwd === undefined && !o.startsWith('/'))) return undefined;
    if (o === '/dev/null') return [];
    const abs = resolvePath(cwd ?? '/', o);
    // `-o dir/` writes one binary per main package into the directory.
    return o.endsWith('/') ? pkgs.map((p) => `${abs}/${binaryName(p)}`) : [abs];
  }
  if (sub === 'build') {
    if (cwd === undefined) return undefined;
    if (pkgs.every((p) => p.endsWith('.go'))) return [`${cwd}/${pkgs[0]!.replace(/^.*\//, '').replace(/\.go$/, '')}`];
    // go build of several packages compiles them and throws the results away.
    return pkgs.length > 1 || pkgs[0]!.includes('...') ? [] : [`${cwd}/${binaryName(pkgs[0]!)}`];
  }
  const gobinVar = env.get('GOBIN');
  if (gobinVar && gobinVar.value === undefined) return undefined;
  const gobin = gobinVar?.value ?? `${gopath}/bin`;
  // A cross-compiling go install writes into bin/GOOS_GOARCH/.
  const cross = env.has('GOOS') || env.has('GOARCH') ? `/${env.get('GOOS')?.value ?? '*'}_${env.get('GOARCH')?.value ?? '*'}` : undefined;
  return pkgs.flatMap((p) => [`${gobin}/${binaryName(p)}`, ...(cross && !gobinVar ? [`${gobin}${cross}/${binaryName(p)}`] : [])]);
}

function expandEnv(text: string, env: Map<string, EnvValue>): string | undefined {
  if (!hasVariable(text)) return text;
  const out = text.replace(/\$\{([A-Za-z_]\w*)\}|\$([A-Za-z_]\w*)/g, (m, a: string | undefined, b: string | undefined) => env.get(a ?? b ?? '')?.value ?? m);
  return hasVariable(out) ? undefined : out;
}

/** The file name go gives a main package's binary: its last path element (`/v2` skipped), `*` when not known here. */
function binaryName(pkg: string): string {
  const p = pkg.split('@')[0]!;
  if (p.includes('...') || p.includes('*') || hasVariable(p)) return '*';
  const parts = p.split('/').filter((x) => x !== '' && x !== '.');
  let last = parts.pop();
  if (last !== undefined && /^v\d+$/.test(last) && parts.length > 0) last = parts.pop();
  return last === undefined || last === '..' ? '*' : last.replace(/\.go$/, '');
}

/** Whether a RUN has a BuildKit cache mount on a target matching the test. */
export function hasCacheMount(instr: Instr, target: (t: string) => boolean): boolean {
  return instr.flags.some((f) => {
    if (f.name !== 'mount' || f.options.get('type') !== 'cache') return false;
    const t = f.options.get('target') ?? f.options.get('dst') ?? f.options.get('destination');
    return typeof t === 'string' && target(t);
  });
}
