/**
 * The build graph: which stages a user ships (targets), which stage reads which
 * (FROM, `COPY --from`, `RUN --mount=from`), and where a binary a `go build` writes
 * ends up: through `COPY --from` edges across any number of intermediate stages,
 * into stages built on the stage, and through `cp`/`mv` in RUN. Rules about how a
 * shipped binary is built ask `landings()` instead of reading the text.
 */
import { copyPaths, isCopy } from './facts.js';
import { goBuilds, type GoCommand } from './gocmd.js';
import { expand, stageByRef, varsAt, workdirAt, type DockerfileModel, type Instr, type Stage } from './model.js';
import { resolvePath, runFacts } from './runs.js';
import { hasVariable } from './shell.js';

/** A place a binary ends up: a target stage and its path there (`*` for a name not known here). */
export interface Landing {
  stage: Stage;
  path: string;
}

export interface BuildGraph {
  /** The stage `docker build` builds without --target. */
  final: Stage | undefined;
  /** Stages whose image is shipped: the final stage, or, when that is a development stage, the other stages nothing reads from. */
  targets: ReadonlySet<Stage>;
  /** Stages some other stage builds on, copies from or mounts. */
  read: ReadonlySet<Stage>;
  /** Per stage: the stages built on it, and the `COPY --from` instructions that copy out of it. */
  children: ReadonlyMap<Stage, Stage[]>;
  copiesFrom: ReadonlyMap<Stage, CopyEdge[]>;
}

/** A `COPY --from=stage` with its paths resolved: sources absolute in the source stage, destination absolute in the copying stage. */
export interface CopyEdge {
  to: Stage;
  sources: string[];
  dest: string;
  destIsDir: boolean;
}

/** Stage names that mark images for development, debugging or tests, not for shipping. */
const DEV_NAME = /^(dev|devel|develop|development|debug|debugger|test|tests|testing|tester|lint|linter|ci|local|tools?|e2e|integration|unit-?tests?)$|[-_.](dev|debug|test|tests|lint)$|^(dev|debug|test|lint)[-_.]/;

const graphs = new WeakMap<DockerfileModel, BuildGraph>();

export function buildGraph(model: DockerfileModel): BuildGraph {
  let g = graphs.get(model);
  if (g) return g;
  const read = new Set<Stage>();
  const children = new Map<Stage, Stage[]>();
  const copiesFrom = new Map<Stage, CopyEdge[]>();
  const add = <K, V>(m: Map<K, V[]>, k: K, v: V): void => void m.set(k, [...(m.get(k) ?? []), v]);
  for (const stage of model.stages) {
    if (stage.parent) {
      read.add(stage.parent);
      add(children, stage.parent, stage);
    }
    for (const instr of stage.instrs) for (const ref of fromRefs(instr)) {
      const src = stageByRef(model, expand(ref, model.globalArgs));
      if (!src || src === stage) continue;
      read.add(src);
      const edge = isCopy(instr) && src.index < stage.index ? copyEdge(model, stage, instr) : undefined;
      if (edge) add(copiesFrom, src, edge);
    }
  }
  // A stage nothing reads ships only when it is the final one; when the final stage is a
  // development image (`FROM ... AS dev` last), the other stages nothing reads are what ships.
  const leaves = model.stages.filter((s) => !read.has(s) && s !== model.final && !DEV_NAME.test(s.name ?? ''));
  const finalIsDev = model.final !== undefined && DEV_NAME.test(model.final.name ?? '');
  const targets = new Set<Stage>(finalIsDev && leaves.length > 0 ? leaves : model.final ? [model.final] : []);
  g = { final: model.final, targets, read, children, copiesFrom };
  graphs.set(model, g);
  return g;
}

/** `COPY --from=` and `RUN --mount=from=` references of an instruction. */
export function fromRefs(instr: Instr): string[] {
  return instr.flags.flatMap((f) => {
    if (f.name === 'from' && f.value) return [f.value];
    const from = f.name === 'mount' ? f.options.get('from') : undefined;
    return from ? [from] : [];
  });
}

/** Sources that are data, not a program, when a build's output path is not known. */
const NOT_A_BINARY = /^\/etc\/|\.(crt|pem|key|ya?ml|json|toml|conf|ini|env|sh|html?|js|css|md|txt|sql|mod|sum)$|zoneinfo|^\/usr\/share\//;

interface Node {
  stage: Stage;
  /** The path, or undefined for a binary whose path is not known. */
  path: string | undefined;
  /** Only a COPY that names the path carries it (a tool, before its first hop). */
  exact: boolean;
}

const landingCache = new WeakMap<GoCommand, Landing[]>();

/** Where a build's binaries end up in target stages. A tool (remote packages) lands only where a COPY names its binary. */
export function landings(model: DockerfileModel, b: GoCommand): Landing[] {
  let out = landingCache.get(b);
  if (out) return out;
  const g = buildGraph(model);
  out = [];
  if (b.outputs?.length === 0) {
    landingCache.set(b, out);
    return out;
  }
  const start: Node[] = b.outputs === undefined ? [{ stage: b.stage, path: undefined, exact: b.tool }] : b.outputs.map((path) => ({ stage: b.stage, path, exact: b.tool }));
  const seen = new Set<string>();
  const queue = [...start];
  for (let i = 0; i < queue.length && seen.size < 2000; i++) {
    const n = queue[i]!;
    const key = `${n.stage.index}\0${n.path ?? ''}\0${n.exact}`;
    if (seen.has(key)) continue;
    seen.add(key);
    // A tool in the target's own chain is a build step, not what the image runs.
    if (g.targets.has(n.stage) && !n.exact && n.path !== undefined) out.push({ stage: n.stage, path: n.path });
    else if (g.targets.has(n.stage) && !n.exact) out.push({ stage: n.stage, path: '*' });
    queue.push(...next(model, g, n));
  }
  landingCache.set(b, out);
  return out;
}

/** Whether any binary of the build ends up in a shipped image. */
export function ships(model: DockerfileModel, b: GoCommand): boolean {
  return landings(model, b).length > 0;
}

/** The go builds whose binaries end up in a shipped image. */
export function shippedBuilds(model: DockerfileModel): GoCommand[] {
  return goBuilds(model).filter((b) => ships(model, b));
}

function copyEdge(model: DockerfileModel, to: Stage, instr: Instr): CopyEdge | undefined {
  const vars = varsAt(model, instr);
  const { sources, dest } = copyPaths(instr);
  const d = expand(dest, vars);
  if (hasVariable(d)) return undefined;
  // COPY --from reads paths from the root of the source stage.
  const srcs = sources.map((s) => expand(s, vars)).filter((s) => !hasVariable(s)).map((s) => (/[*?[]/.test(s) ? s.replace(/^(?!\/)/, '/') : resolvePath('/', s)));
  return { to, sources: srcs, dest: resolvePath(workdirAt(model, instr), d), destIsDir: d.endsWith('/') || d === '.' || sources.length > 1 };
}

function next(model: DockerfileModel, g: BuildGraph, n: Node): Node[] {
  const out: Node[] = [];
  if (!n.exact) for (const child of g.children.get(n.stage) ?? []) out.push({ stage: child, path: n.path, exact: false });
  if (n.path !== undefined && !n.exact) {
    for (const m of runFacts(model).moves) {
      if (m.stage !== n.stage) continue;
      const to = carry(n.path, m.from, m.to.replace(/\/$/, ''), m.to.endsWith('/'), false);
      if (to) out.push({ stage: n.stage, path: to, exact: false });
    }
  }
  for (const e of g.copiesFrom.get(n.stage) ?? []) {
    for (const src of e.sources) {
      const to = n.path === undefined
        ? (NOT_A_BINARY.test(src) ? undefined : e.destIsDir ? `${e.dest}/*` : e.dest)
        : carry(n.path, src, e.dest, e.destIsDir || /[*?[]/.test(src), n.exact);
      if (to) out.push({ stage: e.to, path: to, exact: false });
    }
  }
  return out;
}

/**
 * Where a file at `path` goes when `src` is copied (or moved) to `dest`, or undefined
 * if the copy does not take it. `path` may end in `/*` (a file of unknown name).
 */
export function carry(path: string, src: string, dest: string, destIsDir: boolean, exact: boolean): string | undefined {
  const s = src.replace(/\/\.?$/, '') || '/';
  if (path === s) return destIsDir ? into(dest, baseName(path)) : dest;
  if (exact) return undefined;
  if (/[*?[]/.test(s)) {
    const re = globRe(s);
    return re.test(path) || (path.endsWith('/*') && re.test(path.slice(0, -2) + '/x')) ? into(dest, baseName(path)) : undefined;
  }
  if (s === '/') return dest.replace(/\/+$/, '') + path;
  if (path.startsWith(s + '/')) return into(dest, path.slice(s.length + 1));
  const dir = path.endsWith('/*') ? path.slice(0, -2) : undefined;
  // The unknown file in `dir` may be the one copied by name.
  if (dir !== undefined && s.slice(0, s.lastIndexOf('/')) === dir) return destIsDir ? into(dest, baseName(s)) : dest;
  // `-o /out` where /out is a directory: the binary is inside it.
  if (s.startsWith(path + '/')) return destIsDir ? into(dest, baseName(s)) : dest;
  return undefined;
}

function baseName(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

function into(dir: string, name: string): string {
  return `${dir.replace(/\/+$/, '')}/${name}`;
}

function globRe(glob: string): RegExp {
  const body = glob.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : /[.+^${}()|[\]\\]/.test(c) ? '\\' + c : c)).join('');
  return new RegExp(`^${body}$`);
}

/** Stage names of images that only carry build results out (`docker build --output`), never run. */
const EXPORT_NAME = /^(bin|bins|binary|binaries|export|exporter|artifacts?|out|output|dist)$|^export[-_]|[-_](export|artifacts?|bin|binaries)$/;

/** Whether a stage is an artifact export: named like one, with no command and nothing but COPY. */
export function exportsFiles(stage: Stage): boolean {
  return EXPORT_NAME.test(stage.name ?? '') && stage.instrs.every((i) => i.keyword === 'COPY' || i.keyword === 'ARG' || i.keyword === 'LABEL');
}
