/**
 * What a rule is: its documentation (listed by `--list-rules`, written to SARIF and
 * docs/rules/) and a check that reports spans of the Dockerfile model.
 */
import type { RuleInfo, Severity } from '../findings/model.js';
import type { DockerfileModel, Span } from './model.js';

const DOCS_BASE = 'https://github.com/goscratch/goscratch/blob/main/docs/rules/';

export interface RuleDoc {
  /** What the rule finds. */
  what: string;
  /** Why it matters, with the runtime error a user would otherwise see. */
  why: string;
  /** How to fix it. */
  fix: string;
  /** A Dockerfile excerpt the rule reports, and the corrected one. */
  bad: string;
  good: string;
}

export interface RuleContext {
  model: DockerfileModel;
  /** Registries base images may come from; empty means any. */
  trustedRegistries: readonly string[];
  report(span: Span, message: string, fix?: string): void;
}

export interface Rule {
  info: RuleInfo;
  doc: RuleDoc;
  check(ctx: RuleContext): void;
}

export interface RuleSpec extends RuleDoc {
  id: string;
  severity: Severity;
  title: string;
  equivalents?: Record<string, string>;
  check(ctx: RuleContext): void;
}

export function defineRule(spec: RuleSpec): Rule {
  const { id, severity, title, equivalents, check, ...doc } = spec;
  return {
    info: {
      id, severity, title,
      ...(equivalents ? { equivalents } : {}),
      helpUri: DOCS_BASE + id + '.md',
      help: `${doc.what}\n\nWhy: ${doc.why}\n\nFix: ${doc.fix}`,
    },
    doc,
    check,
  };
}
