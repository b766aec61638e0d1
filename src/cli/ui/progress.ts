/**
 * Step progress for long commands: on a TTY one line rewritten in place with the
 * elapsed time, refreshed every second so a long step still shows it is alive; in CI
 * or a pipe, one plain line per step, and for a long step a line with its latest
 * detail at most every PLAIN_EVERY_MS. Silent with --quiet.
 */
import { isInteractive, isQuiet } from './log.js';

export interface Progress {
  step(label: string): void;
  /** What the current step has got to ("37 packages compiled"); shown beside its label. */
  detail(text: string): void;
  done(summary?: string): void;
}

const PLAIN_EVERY_MS = 5_000;
const TTY_EVERY_MS = 1_000;
/** A TTY line is redrawn at most this often for details (go -v names hundreds of packages a second). */
const TTY_DETAIL_MS = 100;

export function progress(): Progress {
  const start = Date.now();
  const tty = isInteractive();
  const secs = (): string => ((Date.now() - start) / 1000).toFixed(1) + 's';
  let label = '';
  let detail = '';
  let printed = 0;
  const line = (): string => `[${secs()}] ${label}${detail ? `: ${detail}` : ''}`;
  const draw = (): void => {
    if (tty) process.stderr.write(`\r\x1b[K${line()}…`);
    else process.stderr.write(line() + '\n');
    printed = Date.now();
  };
  // On a TTY the elapsed time moves even when nothing else does; in plain mode a long
  // step with no news still says it is running, no more often than PLAIN_EVERY_MS.
  const timer = setInterval(() => {
    if (!label || isQuiet()) return;
    if (tty || Date.now() - printed >= 6 * PLAIN_EVERY_MS) draw();
  }, tty ? TTY_EVERY_MS : PLAIN_EVERY_MS);
  timer.unref();
  return {
    step(next) {
      label = next;
      detail = '';
      if (!isQuiet()) draw();
    },
    detail(text) {
      detail = text;
      if (isQuiet()) return;
      if (Date.now() - printed >= (tty ? TTY_DETAIL_MS : PLAIN_EVERY_MS)) draw();
    },
    done(summary) {
      clearInterval(timer);
      label = '';
      if (isQuiet()) return;
      if (tty) process.stderr.write('\r\x1b[K');
      if (summary) process.stderr.write(`${summary} (${secs()})\n`);
    },
  };
}
