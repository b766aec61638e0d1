/**
 * Finding reporters shared by `lint` and `inspect`. They read only Finding[] and
 * RuleInfo[] (plus, for text, a way to show the source line), so they know nothing
 * of Dockerfiles or images.
 */
import type { Finding, RuleInfo } from '../model.js';
import { githubReport } from './github.js';
import { jsonReport } from './json.js';
import { sarifReport } from './sarif.js';
import { textReport } from './text.js';

export const REPORT_FORMATS = ['text', 'json', 'sarif', 'github'] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface ReportOptions {
  /** The lines of a reported file, for the text format's source excerpt. */
  sourceLines?: (file: string) => readonly string[] | undefined;
  /** ANSI colours in the text format. */
  color?: boolean;
  /** The tool's version, for SARIF. */
  toolVersion?: string;
}

export function formatReport(format: ReportFormat, findings: readonly Finding[], rules: readonly RuleInfo[], opts: ReportOptions = {}): string {
  switch (format) {
    case 'json':
      return jsonReport(findings);
    case 'sarif':
      return sarifReport(findings, rules, opts.toolVersion);
    case 'github':
      return githubReport(findings);
    case 'text':
      return textReport(findings, opts);
  }
}
