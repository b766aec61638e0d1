/**
 * What besides the sources decides a go command's answer: the environment Go reads
 * (GO*, CGO_* and the C toolchain's variables), the `go env -w` file, and which go
 * binary runs. The compile cache (compile.ts) and the package list cache
 * (listcache.ts) both key on it.
 */
import { realpath, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readBounded } from '../util/fs.js';

export interface GoSetup {
  /** The variables go reads, sorted by name. */
  env: Array<[string, string | undefined]>;
  /** The `go env -w` file's text ('' when there is none). */
  envFile: string;
  /** The go binary's real path, size, mtime, inode and device. */
  binary: unknown[];
}

export async function goSetup(go: string, env: NodeJS.ProcessEnv): Promise<GoSetup> {
  const vars = Object.entries(env)
    .filter(([k]) => (/^(GO|CGO_)/.test(k) && !k.startsWith('GOSCRATCH_')) || ['CC', 'CXX', 'AR', 'PKG_CONFIG'].includes(k))
    .sort(([a], [b]) => (a < b ? -1 : 1));
  const file = env.GOENV === 'off' ? undefined : (env.GOENV || join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'go', 'env'));
  const envFile = file ? await readBounded(file, 1 << 20, 'the go env file').then((b) => b.toString('utf8'), () => '') : '';
  const goPath = await realpath(go).catch(() => go);
  const st = await stat(goPath).catch(() => undefined);
  return { env: vars, envFile, binary: st ? [goPath, st.size, st.mtimeMs, st.ino, st.dev] : [goPath] };
}
