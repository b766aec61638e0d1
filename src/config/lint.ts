/**
 * The `lint:` section of goscratch.yaml:
 *
 *   lint:
 *     ignore: [GS104, GS107]          # rules never reported
 *     severity: { GS204: warning }    # per-rule severity
 *     trustedRegistries: [registry.example.com]
 *     failureThreshold: error         # default for --failure-threshold
 */
import * as z from 'zod/mini';
import './messages.js';
import { SEVERITIES } from '../findings/model.js';
import { readBounded } from '../util/fs.js';
import { UsageError } from '../util/errors.js';

const ruleId = z.string().check(z.regex(/^GS\d{3}$/i, 'a rule id such as GS101'));
const severity = z.enum(SEVERITIES);

export const lintConfigSchema = z.strictObject({
  ignore: z._default(z.array(ruleId), []),
  severity: z._default(z.record(ruleId, severity), {}),
  trustedRegistries: z._default(z.array(z.string().check(z.minLength(1))), []),
  failureThreshold: z.optional(z.enum([...SEVERITIES, 'none'])),
});

export type LintConfig = z.infer<typeof lintConfigSchema>;

/**
 * Reads the `lint:` section of a goscratch.yaml. A missing file gives the defaults
 * unless it was named explicitly.
 */
export async function loadLintConfig(path: string, explicit: boolean): Promise<LintConfig> {
  const { CONFIG_LIMIT, parseConfig } = await import('./load.js');
  const bytes = await readBounded(path, CONFIG_LIMIT, `config file ${path}`, { as: UsageError, optional: !explicit });
  if (bytes === undefined) return lintConfigSchema.parse({});
  // The whole file is checked, so errors name the key and its line like build's do.
  return lintConfigSchema.parse(parseConfig(bytes.toString('utf8'), path).lint ?? {});
}
