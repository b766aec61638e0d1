/**
 * The logger library code is handed (never a global): the CLI passes one that writes
 * to stderr; a library user passes their own or gets silence.
 */
export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export const silentLogger: Logger = { info: () => undefined, warn: () => undefined, debug: () => undefined };
