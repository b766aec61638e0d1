/**
 * The Dockerfile as the rules see it, built on dockerfile-ast: instructions with
 * their ranges, flags, exec or shell form and heredoc bodies; stages with names,
 * indexes, the stage they build on and whether they descend from scratch; ARG/ENV
 * scoping as BuildKit applies it. The raw lines stay available, because the parser
 * silently joins continuation lines and some mistakes are only visible in them.
 */
import { DockerfileParser, type Instruction as AstInstruction } from 'dockerfile-ast';
import './astmemo.js';
import { baseFacts, type BaseFacts } from './bases.js';

/** 0-based line and character, as the parser reports them; `end` is exclusive. */
export interface Span {
  start: { line: number; character: number };
  end: { line: number; character: number };
}

export interface Word {
  value: string;
  span: Span;
}

export interface InstrFlag {
  name: string;
  value: string | null;
  options: Map<string, string | null>;
}

export interface Instr {
  /** Upper-case keyword (`RUN`, `COPY`, ...). */
  keyword: string;
  span: Span;
  /** Arguments after the flags, continuation lines joined, comments dropped. */
  words: Word[];
  /** The words joined by single spaces: the command line a shell would run. */
  text: string;
  flags: InstrFlag[];
  /** Exec (JSON) form, or null for shell form. */
  exec: string[] | null;
  /** Written like JSON (`[...]`) but not valid JSON, so Docker runs it through a shell. */
  brokenJson: boolean;
  /** `NAME=value` pairs of ENV, ARG and LABEL; value null when none is given. */
  props: { name: string; value: string | null }[];
  heredocs: string[];
  /** 0-based lines of heredoc bodies (not Dockerfile syntax). */
  heredocLines: Set<number>;
  stage?: Stage;
}

export interface Stage {
  index: number;
  /** Lower-case `AS` name. */
  name?: string;
  nameSpan?: Span;
  from: Instr;
  /** The base image as written (`golang:1.23`, `${BUILDER_IMAGE}`, `build`). */
  imageText: string;
  /** The base image with global ARG defaults filled in. */
  image: string;
  /** The earlier stage this one builds on, when its base names one. */
  parent?: Stage;
  /** Whether the stage's root is `FROM scratch`. */
  scratch: boolean;
  /** What is known of the image at the root of the stage's chain (bases.ts); undefined for other images. */
  base?: BaseFacts;
  instrs: Instr[];
}

export interface Comment {
  /** 0-based line. */
  line: number;
  text: string;
}

export interface DockerfileModel {
  lines: string[];
  escape: string;
  /** Instructions before the first FROM (ARGs). */
  preamble: Instr[];
  instrs: Instr[];
  stages: Stage[];
  final?: Stage;
  comments: Comment[];
  /** ARGs declared before the first FROM, with their defaults. */
  globalArgs: Map<string, string | undefined>;
}

/** Platform ARGs BuildKit sets; inside a stage they exist only when declared with ARG. */
export const AUTOMATIC_ARGS = [
  'TARGETPLATFORM', 'TARGETOS', 'TARGETARCH', 'TARGETVARIANT',
  'BUILDPLATFORM', 'BUILDOS', 'BUILDARCH', 'BUILDVARIANT',
];

const FLAGGED = new Set(['FROM', 'RUN', 'COPY', 'ADD', 'HEALTHCHECK']);
const EXEC_FORM = new Set(['RUN', 'CMD', 'ENTRYPOINT', 'SHELL', 'COPY', 'ADD', 'VOLUME', 'HEALTHCHECK']);

export function parseDockerfile(text: string): DockerfileModel {
  const ast = DockerfileParser.parse(text);
  const lines = splitLines(text);
  const model: DockerfileModel = {
    lines,
    escape: ast.getEscapeCharacter(),
    preamble: [],
    instrs: [],
    stages: [],
    comments: ast.getComments().map((c) => ({ line: c.getRange().start.line, text: c.getContent() })),
    globalArgs: new Map(AUTOMATIC_ARGS.map((a) => [a, undefined])),
  };
  let stage: Stage | undefined;
  for (const a of ast.getInstructions()) {
    const instr = toInstr(a, lines);
    model.instrs.push(instr);
    if (instr.keyword === 'FROM') {
      stage = newStage(model, instr);
      model.stages.push(stage);
    } else if (stage) {
      stage.instrs.push(instr);
    } else {
      model.preamble.push(instr);
      if (instr.keyword === 'ARG') for (const p of instr.props) model.globalArgs.set(p.name, p.value ?? undefined);
    }
    instr.stage = stage;
  }
  model.final = model.stages[model.stages.length - 1];
  return model;
}

/** Lines as the parser counts them: `\r\n`, `\r` and `\n` all end a line. */
export function splitLines(text: string): string[] {
  return text.split(/\r\n|\r|\n/);
}

function toInstr(a: AstInstruction, lines: string[]): Instr {
  const keyword = a.getKeyword().toUpperCase();
  const words = a.getArguments().map((w) => ({ value: w.getValue(), span: w.getRange() }));
  const withFlags = a as Partial<{ getFlags(): import('dockerfile-ast').Flag[] }>;
  // Each parser accessor re-reads the arguments: ask only where the answer can be non-empty.
  const flags = (FLAGGED.has(keyword) ? withFlags.getFlags?.() ?? [] : []).map((f) => ({
    name: f.getName().toLowerCase(),
    value: f.getValue(),
    options: new Map(f.getOptions().map((o) => [o.getName().toLowerCase(), o.getValue()])),
  }));
  const withProps = a as Partial<{ getProperties(): import('dockerfile-ast').Property[] }>;
  const props = keyword === 'ENV' || keyword === 'ARG' || keyword === 'LABEL'
    ? (withProps.getProperties?.() ?? []).flatMap((p) =>
      // `ARG A B` declares two arguments; the parser reads it as A with the value "B".
      keyword === 'ARG' && p.getAssignmentOperator() === null
        ? [p.getName(), ...(p.getValue() ?? '').split(/\s+/)].filter(Boolean).map((name) => ({ name, value: null }))
        : [{ name: p.getName(), value: p.getValue() }])
    : [];
  // RUN, COPY and ADD expose heredocs publicly; the base class keeps the method protected.
  const withHeredocs = a as unknown as Partial<{ getHeredocs(): import('dockerfile-ast').Heredoc[] }>;
  const heredocLines = new Set<number>();
  const mayHaveHeredoc = words.some((w) => w.value.startsWith('<<'));
  const heredocs = (mayHaveHeredoc ? withHeredocs.getHeredocs?.() ?? [] : []).map((h) => {
    const r = h.getContentRange();
    if (!r) return '';
    for (let l = r.start.line; l <= r.end.line; l++) heredocLines.add(l);
    const end = h.getDelimiterRange()?.start.line;
    if (end !== undefined) heredocLines.add(end);
    return lines.slice(r.start.line, r.end.line + 1).join('\n');
  });
  // The shell sees the words as written: the parser's values drop backslashes (`\n`).
  const raw = words.map((w) => rawText(lines, w.span));
  let text = raw.map((w, i) => (i === 0 ? w : gapBefore(lines, words[i - 1]!.span, words[i]!.span) + w)).join('');
  if (heredocs.length > 0) {
    const first = a.getRange().start.line;
    const head = raw.filter((w, i) => words[i]!.span.start.line === first && !w.startsWith('<<'));
    text = [head.join(' '), ...heredocs].join('\n');
  }
  let exec: string[] | null = null;
  let brokenJson = false;
  if (EXEC_FORM.has(keyword)) {
    const body = keyword === 'HEALTHCHECK' ? text.replace(/^\s*CMD\s+/i, '') : text;
    if (body.trimStart().startsWith('[')) {
      exec = parseJsonArray(body);
      brokenJson = exec === null;
    }
  }
  return { keyword, span: a.getRange(), words, text, flags, exec, brokenJson, props, heredocs, heredocLines };
}

/**
 * What separates two words for the shell: a space, or the backslashes the parser takes
 * as word breaks (`-ldflags=all=-s\\ -w` is one shell word).
 */
function gapBefore(lines: string[], prev: Span, next: Span): string {
  if (prev.end.line !== next.start.line) return ' ';
  const gap = (lines[next.start.line] ?? '').slice(prev.end.character, next.start.character);
  return /\\/.test(gap) ? gap : ' ';
}

/** The source text of a span; a word broken across continued lines is joined. */
function rawText(lines: string[], span: Span): string {
  const { start, end } = span;
  if (start.line === end.line) return (lines[start.line] ?? '').slice(start.character, end.character);
  const parts = [(lines[start.line] ?? '').slice(start.character)];
  for (let l = start.line + 1; l < end.line; l++) parts.push((lines[l] ?? '').trim());
  parts.push((lines[end.line] ?? '').slice(0, end.character).trimStart());
  return parts.map((p) => p.replace(/[\\`]\s*$/, '')).join('');
}

function parseJsonArray(s: string): string[] | null {
  try {
    const v: unknown = JSON.parse(s);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : null;
  } catch {
    return null;
  }
}

function newStage(model: DockerfileModel, from: Instr): Stage {
  const args = from.words.map((w) => w.value);
  const imageText = args[0] ?? '';
  const image = expand(imageText, model.globalArgs);
  const hasName = args.length >= 3 && args[1]!.toUpperCase() === 'AS';
  const name = hasName ? args[2]!.toLowerCase() : undefined;
  const lower = image.toLowerCase();
  const parent = model.stages.find((s) => s.name !== undefined && s.name === lower);
  const base = parent ? parent.base : baseFacts(image);
  return {
    index: model.stages.length,
    name,
    nameSpan: hasName ? from.words[2]!.span : undefined,
    from,
    imageText,
    image,
    parent,
    scratch: parent ? parent.scratch : lower === 'scratch',
    ...(base ? { base } : {}),
    instrs: [],
  };
}

/** The stage and the stages it builds on, root first. */
export function chain(stage: Stage): Stage[] {
  const out: Stage[] = [];
  for (let s: Stage | undefined = stage; s; s = s.parent) out.unshift(s);
  return out;
}

/** All instructions of the stage and the stages it builds on, in build order. */
export function chainInstrs(stage: Stage): Instr[] {
  let instrs = chainCache.get(stage);
  if (!instrs) {
    instrs = chain(stage).flatMap((s) => s.instrs);
    chainCache.set(stage, instrs);
  }
  return instrs;
}

/** Rules walk the same chains many times; a parsed model never changes. */
const chainCache = new WeakMap<Stage, Instr[]>();

/** The stage a `--from` or `FROM` reference names (index or name), if it is one. */
export function stageByRef(model: DockerfileModel, ref: string): Stage | undefined {
  if (/^\d+$/.test(ref)) return model.stages[Number(ref)];
  const lower = ref.toLowerCase();
  return model.stages.find((s) => s.name === lower);
}

export function flag(instr: Instr, name: string): InstrFlag | undefined {
  return instr.flags.find((f) => f.name === name);
}

/** A variable's value with known variables filled in (undefined when the build supplies it), and its text as written. */
export interface VarValue {
  value: string | undefined;
  raw: string;
}

/**
 * Variables visible to an instruction: ENV from the stage and the stages it builds on,
 * the stage's own ARGs (a bare `ARG X` takes the global default). A value is undefined
 * when the build supplies it.
 */
export function varsAt(model: DockerfileModel, instr: Instr): ReadonlyMap<string, string | undefined> {
  let values = valuesCache.get(instr);
  if (!values) {
    values = valuesOf(rawVarsAt(model, instr));
    valuesCache.set(instr, values);
  }
  return values;
}

/** As varsAt, with each value's text as written (`$TARGETARCH` for `ENV GOARCH=$TARGETARCH`). */
export function rawVarsAt(model: DockerfileModel, instr: Instr): ReadonlyMap<string, VarValue> {
  let vars = varsCache.get(instr);
  if (!vars) {
    vars = computeVars(model, instr);
    varsCache.set(instr, vars);
  }
  return vars;
}

/** Rules ask for the same instruction's variables many times: computed once, shared read-only. */
const varsCache = new WeakMap<Instr, Map<string, VarValue>>();
const valuesCache = new WeakMap<Instr, Map<string, string | undefined>>();

function computeVars(model: DockerfileModel, instr: Instr): Map<string, VarValue> {
  const globals = new Map([...model.globalArgs].map(([k, v]) => [k, { value: v, raw: v ?? '' }]));
  const stage = instr.stage;
  if (!stage) return globals;
  // One walk of the chain fills in every instruction's variables on the way.
  // ENV carries from stage to stage; each stage's ARGs are its own. ENV wins over an ARG of the same name.
  const env = new Map<string, VarValue>();
  for (const s of chain(stage)) {
    const args = new Map<string, VarValue>();
    for (const i of s.instrs) {
      const scope = varsCache.get(i) ?? scopeOf(args, env);
      varsCache.set(i, scope);
      if (i.keyword === 'ENV') for (const p of i.props) env.set(p.name, p.value === null ? { value: undefined, raw: '' } : { value: expand(p.value, valuesOf(scopeOf(args, env))), raw: p.value });
      if (i.keyword !== 'ARG') continue;
      for (const p of i.props) {
        if (args.has(p.name) && p.value === null) continue;
        args.set(p.name, p.value === null ? globals.get(p.name) ?? { value: undefined, raw: '' } : { value: expand(p.value, valuesOf(scopeOf(args, env))), raw: p.value });
      }
    }
  }
  return varsCache.get(instr) ?? scopeOf(new Map(), env);
}

function scopeOf(args: Map<string, VarValue>, env: Map<string, VarValue>): Map<string, VarValue> {
  return new Map([...args, ...env]);
}

function valuesOf(m: ReadonlyMap<string, VarValue>): Map<string, string | undefined> {
  return new Map([...m].map(([k, v]) => [k, v.value]));
}

/**
 * Fills in `$X`, `${X}`, `${X:-default}` and `${X:+alt}` from known values; a variable
 * with no known value stays as written.
 */
export function expand(text: string, vars: ReadonlyMap<string, string | undefined>): string {
  if (!text.includes('$')) return text;
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (m, braced: string | undefined, op: string | undefined, word: string | undefined, bare: string | undefined) => {
    const name = braced ?? bare ?? '';
    const v = vars.get(name);
    if (op === '-') return v !== undefined && v !== '' ? v : (word ?? '');
    if (op === '+') return v !== undefined && v !== '' ? (word ?? '') : vars.has(name) && v !== undefined ? '' : m;
    return v ?? m;
  });
}

/** A span on one line, from `character` for `length` characters. */
export function lineSpan(line: number, character: number, length: number): Span {
  return { start: { line, character }, end: { line, character: character + length } };
}

/** The working directory an instruction runs in (`/` when no WORKDIR is set). */
export function workdirAt(model: DockerfileModel, instr: Instr): string {
  const cached = workdirCache.get(instr);
  if (cached !== undefined) return cached;
  let dir = '/';
  if (!instr.stage) return dir;
  for (const i of chainInstrs(instr.stage)) {
    if (i === instr) break;
    if (i.keyword !== 'WORKDIR') continue;
    // BuildKit reads WORKDIR as a shell word: `WORKDIR "/go"` is /go.
    const d = expand(i.text.trim(), varsAt(model, i)).replace(/^(["'])(.*)\1$/, '$2');
    dir = d.startsWith('/') ? d : dir.replace(/\/?$/, '/') + d;
  }
  workdirCache.set(instr, dir);
  return dir;
}

const workdirCache = new WeakMap<Instr, string>();
