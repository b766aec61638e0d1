/** Operating-system errors as messages a user can act on. */
import { GoscratchError } from './errors.js';

const WHY: Record<string, string> = {
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EPIPE: 'the reader went away',
};

/**
 * An operating-system error on `path` as a user-facing error that names the path
 * (`cannot write /out/x.tar: no space left on device`); other errors pass unchanged.
 */
export function fsError(e: unknown, path: string, action: string): unknown {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = code ? WHY[code] : undefined;
  if (!why) return e;
  const hint = code === 'ENOSPC' || code === 'EDQUOT' ? `free space on the file system that holds ${path}${action.includes('temporary') ? ', or point TMPDIR at another one' : ''}` : undefined;
  return new GoscratchError(`cannot ${action} ${path}: ${why} (${code})`, { input: path, cause: e, ...(hint ? { hint } : {}) });
}
