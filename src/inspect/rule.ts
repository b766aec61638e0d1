/**
 * What an inspect rule is: its documentation (listed by `--list-rules`, written to
 * SARIF), one severity, and a check over what was read from the image and binary.
 * Rules are pure: no I/O, so each is tested from hand-written facts.
 */
import type { BinaryAnalysis } from '../binary/analyze.js';
import type { RuleInfo, Severity } from '../findings/model.js';
import type { ImageFacts } from './facts.js';
import type { ImageUser } from './passwd.js';

// The findings table of goscratch inspect (docs/inspect.md).
const DOC = 'https://github.com/goscratch/goscratch/blob/main/docs/inspect.md#findings';

export interface AuditContext {
  /** The image, absent for `inspect BINARY`. */
  image?: ImageFacts;
  /** Who the image runs as, decided once (passwd.ts); absent without an image. */
  user?: ImageUser;
  binary?: BinaryAnalysis;
  /** The entrypoint path in the image, or the binary's path, for messages. */
  binaryPath: string;
  /** Why the runtime cannot start the entrypoint at all. */
  entrypointMissing?: string;
  today: Date;
  report(message: string, fix?: string): void;
}

export interface AuditRule {
  info: RuleInfo;
  check(ctx: AuditContext): void;
}

export interface AuditRuleSpec {
  id: string;
  severity: Severity;
  title: string;
  /** What the rule finds, why it matters and how to fix it, in plain text. */
  help: string;
  equivalents?: Record<string, string>;
  check(ctx: AuditContext): void;
}

export function defineAuditRule(spec: AuditRuleSpec): AuditRule {
  const { id, severity, title, help, equivalents, check } = spec;
  return { info: { id, severity, title, help, helpUri: DOC, ...(equivalents ? { equivalents } : {}) }, check };
}
