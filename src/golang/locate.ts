/**
 * Which go binary this environment names: `$GOSCRATCH_GO`, else `go` on PATH. Its own
 * small module: the head start (headstart.ts) asks it before anything else loads.
 */
import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { BuildError } from '../util/errors.js';

async function isExecutable(p: string): Promise<boolean> {
  return access(p, constants.X_OK).then(() => true, () => false);
}

/** `$GOSCRATCH_GO` (which must be executable), else `go` on PATH, else undefined. */
export async function locateGo(env: NodeJS.ProcessEnv): Promise<string | undefined> {
  const explicit = env.GOSCRATCH_GO;
  if (explicit) {
    if (await isExecutable(explicit)) return explicit;
    throw new BuildError(`GOSCRATCH_GO=${explicit} is not an executable Go toolchain; point it at a 'go' binary or unset it`);
  }
  for (const dir of (env.PATH ?? '').split(delimiter).filter(Boolean)) {
    const p = join(dir, 'go');
    if (await isExecutable(p)) return p;
  }
  return undefined;
}
