/**
 * The one finding model shared by `lint` (Dockerfiles) and `inspect` (images and
 * binaries). Every reporter (text, json, sarif, github) reads only this.
 */
export type Severity = 'error' | 'warning' | 'info' | 'style';

export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'info', 'style'];

/** Higher is more severe; used for --failure-threshold. */
export function severityRank(s: Severity): number {
  return { error: 3, warning: 2, info: 1, style: 0 }[s];
}

export interface Finding {
  /** Rule id, e.g. GS101 (lint) or GS501 (inspect). */
  rule: string;
  severity: Severity;
  message: string;
  /** What was looked at: a Dockerfile path, an image reference or a binary path. */
  file: string;
  /** 1-based; absent for findings about a whole image. */
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /** A one-line fix the user can apply. */
  fix?: string;
}

/** A rule's documentation, as listed by `--list-rules` and written to SARIF. */
export interface RuleInfo {
  id: string;
  severity: Severity;
  title: string;
  /** Equivalent ids in other tools, e.g. { hadolint: 'DL3006' }. */
  equivalents?: Record<string, string>;
  helpUri?: string;
  /** Plain-text help: what the rule finds, why it matters, how to fix it. */
  help?: string;
}
