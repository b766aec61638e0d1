/**
 * Step progress for long commands: on a TTY one line rewritten in place with the
 * elapsed time; in CI or a pipe, one plain line per step. Silent with --quiet.
 */
import { isInteractive, isQuiet } from './log.js';

export interface Progress {
  step(label: string): void;
  done(summary?: string): void;
}

export function progress(): Progress {
  const start = Date.now();
  const tty = isInteractive();
  const secs = (): string => ((Date.now() - start) / 1000).toFixed(1) + 's';
  return {
    step(label) {
      if (isQuiet()) return;
      if (tty) process.stderr.write(`\r\x1b[K[${secs()}] ${label}…`);
      else process.stderr.write(`[${secs()}] ${label}\n`);
    },
    done(summary) {
      if (isQuiet()) return;
      if (tty) process.stderr.write('\r\x1b[K');
      if (summary) process.stderr.write(`${summary} (${secs()})\n`);
    },
  };
}
