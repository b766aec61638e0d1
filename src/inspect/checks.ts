/**
 * Runs every inspect rule (rules/gsNNN.ts) over what was read from an image and its
 * entrypoint, or from a plain binary. Pure: no I/O, so every rule is testable from
 * hand-written facts. A finding's severity is its rule's.
 */
import type { Finding } from '../findings/model.js';
import type { BinaryAnalysis } from '../binary/analyze.js';
import type { ImageFacts } from './facts.js';
import { imageUser } from './passwd.js';
import type { AuditContext } from './rule.js';
import { INSPECT_RULES } from './rules/index.js';

export interface AuditSubject {
  /** What the findings are about: an image reference or a binary path. */
  file: string;
  image?: ImageFacts;
  binary?: BinaryAnalysis;
  /** The entrypoint path in the image, for messages. */
  binaryPath?: string;
  /** For GS512: why the runtime cannot start the entrypoint at all. */
  entrypointMissing?: string;
  /** For GS511; defaults to now. */
  today?: Date;
}

export function audit(s: AuditSubject): Finding[] {
  const out: Finding[] = [];
  const base: Omit<AuditContext, 'report'> = {
    ...(s.image ? { image: s.image, user: imageUser(s.image.user, s.image.passwd) } : {}),
    ...(s.binary ? { binary: s.binary } : {}),
    binaryPath: s.binaryPath ?? 'the entrypoint',
    ...(s.entrypointMissing ? { entrypointMissing: s.entrypointMissing } : {}),
    today: s.today ?? new Date(),
  };
  for (const rule of INSPECT_RULES) {
    const { id, severity } = rule.info;
    rule.check({ ...base, report: (message, fix) => out.push({ rule: id, severity, message, file: s.file, ...(fix ? { fix } : {}) }) });
  }
  return out;
}
