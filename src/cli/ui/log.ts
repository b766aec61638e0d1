/**
 * Human output goes to stderr (stdout is for results: digests, JSON, YAML), plain
 * lines when stderr is not a TTY or CI is set, colour only on a TTY.
 */
import { dim, yellow } from './color.js';

export interface Logger {
  info(msg: string): void;
  warn(msg: string): void;
  debug(msg: string): void;
}

export const isInteractive = (): boolean => Boolean(process.stderr.isTTY) && !process.env.CI;

let quiet = false;
let debug = false;

/** Sets what is given; `--debug` (a global option) is set once, before the command's own settings. */
export function configureLog(opts: { quiet?: boolean; debug?: boolean }): void {
  if (opts.quiet !== undefined) quiet = opts.quiet;
  if (opts.debug !== undefined) debug = opts.debug;
}

export function isDebug(): boolean {
  return debug;
}

export const log: Logger = {
  info: (msg) => {
    if (!quiet) process.stderr.write(msg + '\n');
  },
  warn: (msg) => {
    process.stderr.write((isInteractive() ? yellow('warning: ') : 'warning: ') + msg + '\n');
  },
  debug: (msg) => {
    if (debug) process.stderr.write((isInteractive() ? dim(msg) : msg) + '\n');
  },
};

export function isQuiet(): boolean {
  return quiet;
}
