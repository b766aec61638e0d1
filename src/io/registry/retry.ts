/**
 * Retries for registry operations: exponential backoff with full jitter, the
 * registry's Retry-After honoured, and a bound on the total time spent, after which
 * the operation fails naming what it was doing and the last error.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { errorMessage } from '../../util/errors.js';
import type { Logger } from '../../util/log.js';
import { GaveUpError, RegistryError } from './errors.js';

export interface RetryPolicy {
  /** First backoff delay; doubles on each attempt. */
  baseMs: number;
  /** Largest single delay (also caps Retry-After). */
  maxDelayMs: number;
  /** Total time one operation (one blob, one manifest) may take, retries included. */
  totalMs: number;
  /** The watchdog's window: an attempt moving less than `minBytesPerSecond` over any window this long is aborted. */
  stallMs: number;
  /** The slowest transfer an attempt may keep up (curl's low-speed limit); a trickle below it is a stall. */
  minBytesPerSecond: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 250, maxDelayMs: 10_000, totalMs: 5 * 60_000, stallMs: 30_000, minBytesPerSecond: 1024 };

export function retryPolicy(p: Partial<RetryPolicy> | undefined): RetryPolicy {
  return { ...DEFAULT_RETRY, ...p };
}

const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** A request aborted because (almost) no bytes moved for too long. */
export class StallError extends Error {
  readonly retryable = true;
}

/** A failure a fresh attempt can fix (e.g. an upload to restart from the beginning). */
export class RetryableError extends Error {
  readonly retryable = true;
}

// Faults no later attempt can fix: a blocked port, an unknown host, a bad certificate.
const PERMANENT = /bad port|ENOTFOUND|CERT_|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_TLS_CERT|ERR_INVALID_URL/;

function isPermanent(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (PERMANENT.test(`${typeof code === 'string' ? code : ''} ${c instanceof Error ? c.message : ''}`)) return true;
  }
  return false;
}

const REFUSED_MS = 15_000;

function isRefused(e: unknown): boolean {
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    if ((c as { code?: unknown }).code === 'ECONNREFUSED') return true;
  }
  return false;
}

/** True for errors a later attempt may not hit: network faults, stalls, 429 and 5xx. */
export function isRetryable(e: unknown): boolean {
  if (e instanceof RegistryError) return e.status === 429 || e.status === 408 || e.status >= 500;
  if ((e as { retryable?: unknown } | undefined)?.retryable === true) return true;
  if (isPermanent(e)) return false;
  for (let c: unknown = e, depth = 0; c && depth < 5; c = (c as { cause?: unknown }).cause, depth++) {
    const code = (c as { code?: unknown }).code;
    if (typeof code === 'string' && RETRYABLE_CODES.has(code)) return true;
    if (c instanceof StallError) return true;
    const msg = c instanceof Error ? c.message : '';
    if (/socket hang up|other side closed|terminated|premature close/i.test(msg)) return true;
  }
  return false;
}

/** Delay before attempt `attempt + 1`: the server's Retry-After, else jittered backoff. */
export function backoffDelay(policy: RetryPolicy, attempt: number, e: unknown): number {
  if (e instanceof RegistryError && e.retryAfterMs !== undefined) return Math.min(e.retryAfterMs, policy.maxDelayMs);
  const ceiling = Math.min(policy.maxDelayMs, policy.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + Math.random() * (ceiling / 2));
}

/** Parses Retry-After (seconds or an HTTP date) into milliseconds. */
export function parseRetryAfter(v: string | null): number | undefined {
  if (!v) return undefined;
  if (/^\d+$/.test(v.trim())) return Number(v.trim()) * 1000;
  const t = Date.parse(v);
  return Number.isNaN(t) ? undefined : Math.max(0, t - Date.now());
}

/** The message of an error and its causes, e.g. "retrying failed: socket hang up (ECONNRESET)". */
export function describeError(e: unknown): string {
  const parts: string[] = [];
  for (let c: unknown = e, depth = 0; c && depth < 4; c = (c as { cause?: unknown }).cause, depth++) {
    const m = errorMessage(c);
    const code = (c as { code?: unknown }).code;
    const text = typeof code === 'string' && !m.includes(code) ? `${m} (${code})` : m;
    if (text && !parts.includes(text)) parts.push(text);
  }
  return parts.join(': ');
}

/**
 * The retry loop of one operation, for callers that cannot wrap their work in one
 * callback (a stream that resumes where it stopped). `what` names the operation in
 * the final message ("fetching blob sha256:... of host/repo").
 */
export class Retries {
  attempt = 0;
  private start = Date.now();

  constructor(private readonly what: string, private readonly ctx: { policy: RetryPolicy; log: Logger }) {}

  /** The operation made real progress before it failed: the next fault starts a fresh budget. */
  restart(): void {
    this.attempt = 0;
    this.start = Date.now();
  }

  /** After a failed attempt: waits before the next one, or throws when `e` is permanent or the time is spent. */
  async failed(e: unknown): Promise<void> {
    const { policy, log } = this.ctx;
    if (!isRetryable(e)) {
      // A network fault no retry fixes (unknown host, bad certificate) is the user's to
      // fix; anything else that is not already a user-facing error is a bug and keeps its stack.
      if (isPermanent(e)) throw new GaveUpError(`${this.what} failed: ${describeError(e)}`, e);
      throw e;
    }
    const delay = backoffDelay(policy, this.attempt, e);
    const elapsed = Date.now() - this.start;
    // Nothing listening: a registry being restarted is back within seconds, not minutes.
    const limit = isRefused(e) ? Math.min(policy.totalMs, REFUSED_MS) : policy.totalMs;
    if (elapsed + delay > limit) {
      throw new GaveUpError(`${this.what} failed after ${this.attempt + 1} attempts in ${(elapsed / 1000).toFixed(1)}s; last error: ${describeError(e)}`, e);
    }
    this.attempt++;
    log.info(`retrying ${this.what} in ${delay} ms (attempt ${this.attempt + 1}): ${describeError(e)}`);
    await sleep(delay);
  }
}

/** Runs `op` until it succeeds, fails with a permanent error, or the total time is spent. */
export async function withRetry<T>(what: string, ctx: { policy: RetryPolicy; log: Logger }, op: (attempt: number) => Promise<T>): Promise<T> {
  const retries = new Retries(what, ctx);
  for (;;) {
    try {
      return await op(retries.attempt);
    } catch (e) {
      await retries.failed(e);
    }
  }
}
