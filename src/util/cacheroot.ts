import { homedir } from 'node:os';
import { join } from 'node:path';

/** Where goscratch's cache lives: $GOSCRATCH_CACHE, else $XDG_CACHE_HOME/goscratch, else ~/.cache/goscratch. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string {
  return env.GOSCRATCH_CACHE || join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'goscratch');
}
