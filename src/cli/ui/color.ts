/**
 * The few styles the CLI's own messages use on an interactive terminal (callers check
 * isInteractive()). Not picocolors: it asks the tty module at load, which loads the
 * network stack, on every start, even of commands that never colour anything.
 */
const style = (open: number, close: number) => (text: string): string =>
  process.env.NO_COLOR || process.env.TERM === 'dumb' ? text : `\x1b[${open}m${text}\x1b[${close}m`;

export const red = style(31, 39);
export const yellow = style(33, 39);
export const dim = style(2, 22);
