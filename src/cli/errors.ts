/**
 * The one place errors become exit codes and words. Library errors carry what failed
 * and how to fix it (util/errors.ts); here they get an exit code. An exception that
 * is not one of them is a bug: it says so, and shows its stack under GOSCRATCH_DEBUG.
 */
import { GoscratchError, UsageError } from '../util/errors.js';

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** The job failed (build error, findings at or above the threshold, push failed). */
  failure: 1,
  /** Bad usage: unknown flag, invalid config, unreadable input. */
  usage: 2,
  /** An internal error: a bug in goscratch. */
  bug: 70,
  /** Interrupted by a signal. */
  interrupted: 130,
} as const;

export function exitCodeOf(e: unknown): number {
  if (e instanceof UsageError) return ExitCode.usage;
  if (e instanceof GoscratchError) return ExitCode.failure;
  return ExitCode.bug;
}

/** What the CLI prints for an error (without the `error: ` prefix). */
export function describeFailure(e: unknown, debug: boolean): string {
  if (e instanceof GoscratchError) {
    const lines = [e.message];
    if (e.hint && !e.message.includes(e.hint)) lines.push(`hint: ${e.hint}`);
    if (debug && e.stack) lines.push(e.stack);
    return lines.join('\n');
  }
  const err = e instanceof Error ? e : new Error(String(e));
  const head = `internal error: ${err.message}\nThis is a bug in goscratch; please report it`;
  return debug ? `${head}.\n${err.stack ?? ''}` : `${head} with the output of the same command run with GOSCRATCH_DEBUG=1.`;
}
