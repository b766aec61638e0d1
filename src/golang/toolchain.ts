/**
 * Finding the Go toolchain: `$GOSCRATCH_GO`, then `go` on PATH. Which packages to
 * build is golang/packages.ts.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BuildError, UsageError } from '../util/errors.js';

async function isExecutable(p: string): Promise<boolean> {
  return access(p, constants.X_OK).then(() => true, () => false);
}

export async function findGo(env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const explicit = env.GOSCRATCH_GO;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new BuildError(`GOSCRATCH_GO=${explicit} is not an executable Go toolchain; point it at a 'go' binary or unset it`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'go');
    if (await isExecutable(p)) return p;
  }
  throw new BuildError('no Go toolchain found: install Go (https://go.dev/dl/) and put `go` on PATH, or set GOSCRATCH_GO to its path');
}

/**
 * Refuses a package path that go would read as a flag (`-toolexec=x.sh` runs x.sh).
 * Every go command also gets `--` before its packages; this says what was wrong.
 */
export function checkPackagePattern(pattern: string): string {
  if (pattern.startsWith('-')) {
    throw new UsageError(`package path ${JSON.stringify(pattern)} begins with "-", so go would read it as a flag: name a package, e.g. ./cmd/server or example.com/app/cmd/server`, { input: pattern });
  }
  if (pattern === '') throw new UsageError('the package path is empty: name a package, e.g. . or ./cmd/server');
  return pattern;
}
