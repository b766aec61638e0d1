/**
 * Paths in the image that a user names (the binary, image.files destinations, the
 * working directory): absolute and clean, and for what goscratch writes, never one of
 * its own files (/etc/passwd, /etc/group, /etc/nsswitch.conf, the CA bundle, /tmp),
 * which a user's file would otherwise replace without a word.
 */
import { posix } from 'node:path';
import * as z from 'zod/mini';
import './messages.js';
import { baseEntries, DEFAULT_USER } from '../image/scratch.js';

const BASE = baseEntries(DEFAULT_USER, Buffer.alloc(0)).map((e) => ({ path: e.path, dir: e.type === 'dir' }));

/** What is written at a path: a file, a directory, or either (an image.files destination before its source is read). */
export type PathKind = 'file' | 'dir' | 'any';

/** The goscratch path that writing `path` would replace or hide, if any. */
export function baseCollision(path: string, kind: PathKind): string | undefined {
  for (const b of BASE) {
    if (path === b.path) return b.path;
    // A file where goscratch needs a directory (/etc), or anything under a goscratch file (/etc/passwd/x).
    if (kind === 'file' && b.path.startsWith(path === '/' ? '/' : path + '/')) return b.path;
    if (!b.dir && path.startsWith(b.path + '/')) return b.path;
  }
  return undefined;
}

export function collisionMessage(path: string, base: string): string {
  return `${path} would replace ${base}, which goscratch writes itself (/etc/passwd, /etc/group, /etc/nsswitch.conf, the CA bundle and /tmp): choose another path`;
}

/** An absolute path without control characters, in clean form (`/a/./b/` is `/a/b`). */
export const absolutePathSchema = z.pipe(
  z.string().check(
    z.refine((p) => p.startsWith('/'), 'must be an absolute path'),
    z.refine((p) => !/[\u0000-\u001f\u007f]/.test(p), 'must not contain control characters (newlines, tabs, NUL)'),
  ),
  z.transform((p: string) => posix.normalize(p).replace(/(.)\/$/, '$1')),
);

/** A path goscratch writes a `kind` to. */
export const imagePathSchema = (kind: PathKind) =>
  z.pipe(
    absolutePathSchema,
    z.string().check(
      z.superRefine((p, ctx) => {
        const base = baseCollision(p, kind);
        if (base) ctx.addIssue({ code: 'custom', message: collisionMessage(p, base) });
      }),
    ),
  );

/** The goscratch path under `dir`, if any: a user who owned `dir` could replace it. */
export function holdsBase(dir: string): string | undefined {
  const prefix = dir === '/' ? '/' : dir + '/';
  return BASE.find((b) => b.path.startsWith(prefix))?.path;
}

/** A directory the app user will own: never `/` or a directory holding goscratch's files. */
export const ownedDirSchema = imagePathSchema('dir').check(
  z.superRefine((p: string, ctx) => {
    const held = holdsBase(p);
    if (held) ctx.addIssue({ code: 'custom', message: `${p} holds ${held}: the app user owning it could replace that file; choose a directory of its own, e.g. /data` });
  }),
);
