/**
 * An error caused by the user's input or environment: the CLI prints its message
 * (which says what was wrong and how to fix it) without a stack trace.
 */
export class UserError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'UserError';
  }
}

/** Exit codes, documented in the README. */
export const ExitCode = {
  ok: 0,
  /** The job failed (build error, findings at or above the threshold, push failed). */
  failure: 1,
  /** Bad usage: unknown flag, invalid config, unreadable input. */
  usage: 2,
  /** Interrupted by a signal. */
  interrupted: 130,
} as const;

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
