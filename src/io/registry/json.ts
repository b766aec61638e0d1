/** JSON from a registry is input like any other: malformed bytes are an InputError, never a crash. */
import { InputError } from '../../util/errors.js';

export function parseJsonObject(bytes: Buffer | string, what: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw new InputError(`${what} is not valid JSON`);
  }
  if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new InputError(`${what} is not a JSON object`);
  return parsed as Record<string, unknown>;
}
