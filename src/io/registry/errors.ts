/**
 * Errors from a registry. Messages name the registry and what was asked, and carry
 * the registry's own error codes; they never contain credentials or tokens.
 */
import { GoscratchError } from '../../util/errors.js';

export class RegistryError extends GoscratchError {
  readonly status: number;
  /** The first error code of the registry's JSON body, e.g. MANIFEST_UNKNOWN. */
  readonly code?: string;
  readonly retryAfterMs?: number;

  constructor(message: string, opts: { status: number; code?: string; retryAfterMs?: number; cause?: unknown }) {
    super(message, opts.cause === undefined ? {} : { cause: opts.cause });
    this.status = opts.status;
    if (opts.code) this.code = opts.code;
    if (opts.retryAfterMs !== undefined) this.retryAfterMs = opts.retryAfterMs;
  }
}

/** A retryable operation that ran out of time: not retried again by an outer loop. */
export class GaveUpError extends GoscratchError {
  constructor(message: string, cause: unknown) {
    super(message, { cause });
  }
}

interface RegistryErrorBody {
  errors?: { code?: string; message?: string; detail?: unknown }[];
}

/** Reads the registry's error body (`{"errors":[{code,message}]}`) into one line. */
export function registryErrorText(body: string): { code?: string; text: string } {
  try {
    const parsed = JSON.parse(body) as RegistryErrorBody;
    const errs = parsed.errors ?? [];
    if (errs.length > 0) {
      const text = errs.map((e) => [e.code, e.message].filter(Boolean).join(': ')).join('; ');
      return errs[0]?.code ? { code: errs[0].code, text } : { text };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { text: body.replace(/\s+/g, ' ').trim().slice(0, 200) };
}
