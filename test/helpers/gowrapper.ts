/**
 * A `go` that logs each go command it runs (its first argument: build, list, version)
 * and then runs the real go: pointed to by GOSCRATCH_GO, it shows which go commands
 * a goscratch run asked for.
 */
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { toolPath } from './tools.js';

export interface LoggingGo {
  /** The script, for GOSCRATCH_GO. */
  go: string;
  /** The go commands run since the last reset, in order. */
  ran(): Promise<string[]>;
  reset(): Promise<void>;
}

export async function loggingGo(dir: string): Promise<LoggingGo> {
  const go = join(dir, 'go');
  const log = join(dir, 'go.log');
  await writeFile(go, `#!/bin/sh\necho "$1" >> '${log}'\nexec '${toolPath('go')}' "$@"\n`);
  await chmod(go, 0o755);
  return {
    go,
    ran: async () => (await readFile(log, 'utf8').catch(() => '')).trim().split('\n').filter(Boolean),
    reset: () => rm(log, { force: true }),
  };
}
