/**
 * What `lint` and `inspect` share as commands: the output format and failure
 * threshold options, rule-id checks, the rule list, colour, and the exit code from the
 * findings. The findings themselves come from one model (src/findings/).
 */
import { Option } from '@commander-js/extra-typings';
import type { Finding, RuleInfo, Severity } from '../findings/model.js';
import { UsageError } from '../util/errors.js';
import { ExitCode } from './errors.js';

export const THRESHOLDS = ['error', 'warning', 'info', 'style', 'none'] as const;
export type Threshold = (typeof THRESHOLDS)[number];

export const formatOption = () => new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github'] as const).default('text' as const);

export const thresholdOption = (help: string) => new Option('-t, --failure-threshold <severity>', help).choices(THRESHOLDS);

/** Refuses an id no rule has, naming the command that lists them. */
export function checkRuleIds(ids: Iterable<string>, rules: readonly RuleInfo[], command: string): void {
  for (const id of ids) {
    if (!rules.some((r) => r.id === id)) throw new UsageError(`unknown rule ${id}: goscratch ${command} --list-rules shows the rule ids`);
  }
}

/** `--list-rules`: JSON, or one line per rule with the ids of the same check in other tools. */
export function ruleList(rules: readonly RuleInfo[], json: boolean): string {
  if (json) return JSON.stringify(rules, null, 2) + '\n';
  return rules.map((r) => {
    const eq = Object.entries(r.equivalents ?? {}).map(([tool, id]) => `${tool}:${id}`).join(' ');
    return [r.id, r.severity.padEnd(7), r.title, eq ? `(${eq})` : ''].join('  ').trimEnd() + '\n';
  }).join('');
}

/** Colour only on a terminal, never with --no-color or NO_COLOR. */
export function useColor(opts: { color: boolean }): boolean {
  return opts.color && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR;
}

/** Exit 1 when a finding is at or above the threshold (`none` never fails). */
export async function exitForFindings(findings: readonly Finding[], threshold: Threshold): Promise<void> {
  const { severityRank } = await import('../findings/model.js');
  const failing = threshold !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(threshold as Severity));
  process.exitCode = failing ? ExitCode.failure : ExitCode.ok;
}
