/**
 * Facts several rules share: what a COPY/ADD copies where, which user the final
 * stage runs as, whether a stage has a shell, where a base image comes from.
 */
import { chain, chainInstrs, expand, varsAt, type DockerfileModel, type Instr, type Stage } from './model.js';

/** Sources and destination of a COPY or ADD (exec or shell form). */
export function copyPaths(instr: Instr): { sources: string[]; dest: string } {
  // Heredoc bodies and their delimiter lines are file content, not paths.
  const all = instr.exec ?? instr.words.filter((w) => !w.value.startsWith('<<') && !instr.heredocLines.has(w.span.start.line)).map((w) => w.value);
  return { sources: all.slice(0, -1), dest: all[all.length - 1] ?? '' };
}

export function isCopy(instr: Instr): boolean {
  return instr.keyword === 'COPY' || instr.keyword === 'ADD';
}

export interface EffectiveUser {
  instr: Instr;
  user: string;
  group?: string;
}

/** The USER the final stage runs as (the last USER of its stage chain), expanded. */
export function finalUser(model: DockerfileModel): EffectiveUser | undefined {
  if (!model.final) return undefined;
  const users = chainInstrs(model.final).filter((i) => i.keyword === 'USER');
  const instr = users[users.length - 1];
  if (!instr) return undefined;
  return parseUser(model, instr);
}

export function parseUser(model: DockerfileModel, instr: Instr): EffectiveUser {
  const value = expand(instr.text.trim(), varsAt(model, instr));
  const colon = value.indexOf(':');
  return colon < 0 ? { instr, user: value } : { instr, user: value.slice(0, colon), group: value.slice(colon + 1) };
}

export function isRoot(user: string): boolean {
  return user === 'root' || /^0+$/.test(user);
}

/**
 * Whether a stage whose base has no shell gets one (before `before`, when given): a
 * SHELL instruction names one, or busybox or a /bin/sh is copied in.
 */
export function shellAdded(stage: Stage, before?: Instr): boolean {
  const instrs = chainInstrs(stage);
  const upTo = before ? instrs.slice(0, instrs.indexOf(before)) : instrs;
  return upTo.some((i) => i.keyword === 'SHELL' || (isCopy(i) && copiesShell(i)));
}

function copiesShell(i: Instr): boolean {
  const { sources, dest } = copyPaths(i);
  return mentions(i.words.map((w) => w.value), ['busybox']) || /^\/bin\/(sh)?$/.test(dest) || sources.some((s) => /^\/bin\/(sh|bash|ash|dash)$/.test(s));
}

/** The base image of a stage as written at the root of its chain, for messages. */
export function baseName(stage: Stage): string {
  return stage.base?.name ?? chain(stage)[0]!.image;
}

/** Whether a word mentions a path or file in the list (case-insensitive substring). */
export function mentions(words: string[], needles: readonly string[]): boolean {
  return words.some((w) => {
    const l = w.toLowerCase();
    return needles.some((n) => l.includes(n));
  });
}

/** The registry host of an image reference (docker.io when none is named). */
export function registryOf(image: string): string {
  const first = image.split('/')[0]!;
  if (image.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost')) return first.toLowerCase();
  return 'docker.io';
}
