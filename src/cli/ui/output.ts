/**
 * Where commander writes help, usage and --version: straight to file descriptor 1 when
 * it is a pipe or a file, so that `goscratch lint --help` never makes process.stdout
 * (a stream, whose making loads Node's stream or net modules). A terminal gets
 * process.stdout as usual, for its width. Help has no colours of its own.
 */
import { fstatSync, writeSync } from 'node:fs';

function toTerminal(): boolean {
  try {
    return fstatSync(1).isCharacterDevice();
  } catch {
    return false;
  }
}

function writeOut(text: string): void {
  if (toTerminal()) {
    process.stdout.write(text);
    return;
  }
  const bytes = Buffer.from(text);
  let done = 0;
  try {
    while (done < bytes.length) done += writeSync(1, bytes, done);
  } catch {
    // A non-blocking pipe that is full (EAGAIN): the stream waits for it.
    process.stdout.write(bytes.subarray(done));
  }
}

export const commandOutput = {
  writeOut,
  // Commander's own default: the terminal's width, else 80.
  getOutHelpWidth: (): number => (toTerminal() && process.stdout.isTTY ? process.stdout.columns : 80),
  getOutHasColors: (): boolean => false,
};
