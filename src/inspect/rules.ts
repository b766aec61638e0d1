/**
 * The checks `goscratch inspect` runs on an image and its entrypoint binary, as the
 * reporters and `--list-rules` see them. Ids are stable (GS5xx); each rule and its
 * one severity live in rules/gsNNN.ts.
 */
import type { RuleInfo } from '../findings/model.js';
import { INSPECT_RULES } from './rules/index.js';

export const AUDIT_RULES: readonly RuleInfo[] = INSPECT_RULES.map((r) => r.info);
