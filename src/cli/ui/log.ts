/**
 * Human output goes to stderr (stdout is for results: digests, JSON, YAML), plain
 * lines when stderr is not a TTY or CI is set, colour only on a TTY.
 */
import pc from 'picocolors';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export const isInteractive = (): boolean => Boolean(process.stderr.isTTY) && !process.env.CI;

let quiet = false;
let debug = false;

export function configureLog(opts: { quiet?: boolean; debug?: boolean }): void {
  quiet = Boolean(opts.quiet);
  debug = Boolean(opts.debug);
}

export const log: Logger = {
  info: (msg) => {
    if (!quiet) process.stderr.write(msg + '\n');
  },
  warn: (msg) => {
    process.stderr.write((isInteractive() ? pc.yellow('warning: ') : 'warning: ') + msg + '\n');
  },
  debug: (msg) => {
    if (debug) process.stderr.write((isInteractive() ? pc.dim(msg) : msg) + '\n');
  },
};

export function isQuiet(): boolean {
  return quiet;
}
