/**
 * The errors goscratch's library throws for what a user can fix. Each names what
 * failed and on which input, and says how to fix it (in the message or as a hint).
 * Only the CLI (cli/errors.ts) turns them into exit codes and words; any other
 * exception is a bug in goscratch and keeps its stack.
 */
export interface ErrorDetails {
  /** The input the error is about: a path, a reference, a flag, a config key. */
  input?: string;
  /** How to fix it, when the message does not already say. */
  hint?: string;
  cause?: unknown;
}

/** A failure the user can fix: the job ran and could not be done as asked. */
export class GoscratchError extends Error {
  readonly input?: string;
  readonly hint?: string;

  constructor(message: string, details: ErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    if (details.input !== undefined) this.input = details.input;
    if (details.hint !== undefined) this.hint = details.hint;
  }

  /** The same error, its message prefixed with where it happened (`file.yaml: line 4`). */
  withContext(where: string): this {
    const copy = Object.assign(Object.create(Object.getPrototypeOf(this) as object) as this, this);
    copy.message = `${where}: ${this.message}`;
    return copy;
  }
}

/** The request is wrong as given: a flag, argument, config value or named path. */
export class UsageError extends GoscratchError {}

/** An input's content cannot be used: a corrupt, malformed or hostile file, layout, archive or manifest. */
export class InputError extends GoscratchError {}

/** The Go toolchain is missing or unsuitable, or it failed to compile the program. */
export class BuildError extends GoscratchError {}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Adds `where` to a user-fixable error; anything else (a bug) passes through unchanged. */
export function withContext(e: unknown, where: string): unknown {
  return e instanceof GoscratchError ? e.withContext(where) : e;
}
