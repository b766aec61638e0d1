/**
 * What init says about a project file it leaves alone: whether the project's Makefile
 * includes goscratch.mk or defines its targets, what goscratch lint finds in the
 * project's Dockerfile, and which recommended entries its .dockerignore lacks.
 */
import { SEVERITIES, type Severity } from '../findings/model.js';
import { MAKE_FRAGMENT } from './templates.js';

/** The targets goscratch.mk defines. */
export const FRAGMENT_TARGETS = ['image', 'image-push', 'image-docker', 'image-lint'];

/** Whether a Makefile's text already has `include goscratch.mk` (or -include, sinclude). */
export function includesFragment(makefile: string): boolean {
  const name = MAKE_FRAGMENT.replace('.', '\\.');
  return new RegExp(`^[ \\t]*(?:-|s)?include[ \\t]+(?:[^\\n#]*[ \\t/])?${name}[ \\t]*(?:#.*)?$`, 'm').test(makefile);
}

/** Targets of goscratch.mk that a Makefile defines too (rule lines `a b: deps`, not `A := x`). */
export function clashingTargets(makefile: string): string[] {
  const defined = new Set<string>();
  for (const line of makefile.split('\n')) {
    const m = /^([^\t#:=][^#:=]*?)\s*::?(?!=)/.exec(line);
    if (m) for (const t of m[1]!.split(/\s+/)) defined.add(t);
  }
  return FRAGMENT_TARGETS.filter((t) => defined.has(t));
}

/** `.git/`, `/.git`, `./.git` are one .dockerignore entry. */
const normalize = (entry: string): string => entry.trim().replace(/^\.?\//, '').replace(/\/+$/, '');

/** The entries of `recommended` (a .dockerignore text) missing from `existing`. */
export function missingIgnores(existing: string, recommended: string): string[] {
  const have = new Set(existing.split('\n').map(normalize));
  return recommended
    .split('\n')
    .filter((l) => l.trim() !== '' && !l.startsWith('#'))
    .filter((l) => !have.has(normalize(l)));
}

/** Whether a .dockerignore leaves vendor/ out of the build context. */
export function ignoresVendor(existing: string): boolean {
  return existing.split('\n').some((l) => ['vendor', 'vendor/**', '**/vendor', '*/vendor'].includes(normalize(l)));
}

export interface LintSummary {
  /** Findings by severity, zero counts left out. */
  counts: Partial<Record<Severity, number>>;
  /** The rule ids found, sorted. */
  rules: string[];
}

export function lintSummary(findings: ReadonlyArray<{ rule: string; severity: Severity }>): LintSummary {
  const counts: Partial<Record<Severity, number>> = {};
  for (const f of findings) counts[f.severity] = (counts[f.severity] ?? 0) + 1;
  return { counts, rules: [...new Set(findings.map((f) => f.rule))].sort() };
}

/** "2 errors, 1 warning (GS101, GS106, GS302)" or "nothing". */
export function describeLint(s: LintSummary): string {
  const parts = SEVERITIES.filter((sev) => s.counts[sev]).map((sev) => {
    const n = s.counts[sev]!;
    return `${n} ${sev === 'info' || sev === 'style' ? sev : sev + (n === 1 ? '' : 's')}`;
  });
  return parts.length ? `${parts.join(', ')} (${s.rules.join(', ')})` : 'nothing';
}
