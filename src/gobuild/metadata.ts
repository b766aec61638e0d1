/**
 * Time and provenance of a build. `created` and every mtime come from
 * SOURCE_DATE_EPOCH, else the git commit time, else the Unix epoch: never the wall
 * clock, so the same source gives the same digest. Git facts become the
 * org.opencontainers.image.* labels and annotations.
 */
import { access } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { execCapture } from '../golang/exec.js';
import { epochSchema, issueMessage } from '../config/schema.js';
import { UsageError } from '../util/errors.js';

export interface Provenance {
  /** Seconds since the epoch. */
  epoch: number;
  created: string;
  source?: string;
  revision?: string;
  version?: string;
}

async function git(dir: string, args: string[]): Promise<string | undefined> {
  const r = await execCapture('git', ['-C', dir, ...args]).catch(() => undefined);
  return r && r.code === 0 ? r.stdout.trim() || undefined : undefined;
}

/**
 * Whether git could know `dir`: a `.git` in it or above it, or GIT_DIR set. Outside a
 * checkout goscratch starts no git at all.
 */
async function inCheckout(dir: string, env: NodeJS.ProcessEnv): Promise<boolean> {
  if (env.GIT_DIR) return true;
  for (let d = resolve(dir); ; d = dirname(d)) {
    if (await access(join(d, '.git')).then(() => true, () => false)) return true;
    if (d === dirname(d)) return false;
  }
}

// URL schemes a git remote on a server uses; file:// and plain paths are local checkouts.
const REMOTE_SCHEMES = new Set(['https:', 'http:', 'ssh:', 'git:', 'git+ssh:', 'ssh+git:']);
// [user[:secret]@]host:path, git's scp-like form; the path's characters are the usual repository ones.
const SCP_LIKE = /^(?:[^@/\s]+@)?([A-Za-z0-9][A-Za-z0-9.-]+):([A-Za-z0-9._~/-]+?)(?:\.git)?\/?$/;

/**
 * The public form of a git remote URL: scheme://host[:port]/path, and nothing else, so
 * credentials in the user part, the query or the fragment never reach a label.
 * Undefined for a local path, a file: URL or anything that does not parse cleanly.
 */
export function publicSourceUrl(url: string): string | undefined {
  if (/[\s\u0000-\u001f\u007f]/.test(url)) return undefined;
  if (!/^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(url)) {
    const scp = SCP_LIKE.exec(url);
    return scp ? `https://${scp[1]}/${scp[2]!.replace(/^\/+/, '')}` : undefined;
  }
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return undefined;
  }
  if (!REMOTE_SCHEMES.has(u.protocol) || u.hostname === '') return undefined;
  const path = u.pathname.replace(/\/+$/, '').replace(/\.git$/, '');
  return `${u.protocol}//${u.host}${path}`;
}

/** Seconds since 1970 for `created` and every mtime; `what` names where the value came from. */
function checkedEpoch(value: string, what: string, hint: string): number {
  const r = epochSchema.safeParse(value);
  if (r.success) return r.data;
  throw new UsageError(`${what} ${JSON.stringify(value)}: ${issueMessage(r.error.issues[0]!)}`, { input: what, hint });
}

export async function provenance(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Provenance> {
  // All three at once: each is a process start, and the last two are moot only without a commit.
  const [head, remote, version] = (await inCheckout(dir, env))
    ? await Promise.all([git(dir, ['log', '-1', '--format=%H %ct']), git(dir, ['config', '--get', 'remote.origin.url']), git(dir, ['describe', '--tags', '--exact-match', 'HEAD'])])
    : [];
  const [revision, commitTime] = head?.split(' ') ?? [];
  let epoch = 0;
  if (env.SOURCE_DATE_EPOCH !== undefined && env.SOURCE_DATE_EPOCH !== '') {
    epoch = checkedEpoch(env.SOURCE_DATE_EPOCH, 'SOURCE_DATE_EPOCH', 'unset it, or set it to `git log -1 --format=%ct`');
  } else if (revision && commitTime) {
    epoch = checkedEpoch(commitTime, 'the commit time of HEAD', 'set SOURCE_DATE_EPOCH to the time the image should carry');
  }
  const source = revision && remote ? publicSourceUrl(remote) : undefined;
  return {
    epoch,
    created: new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'),
    ...(source ? { source } : {}),
    ...(revision ? { revision } : {}),
    ...(version ? { version } : {}),
  };
}

/** The OCI labels/annotations for a build's provenance. */
export function provenanceLabels(p: Provenance): Record<string, string> {
  const out: Record<string, string> = { 'org.opencontainers.image.created': p.created };
  if (p.source) out['org.opencontainers.image.source'] = p.source;
  if (p.revision) out['org.opencontainers.image.revision'] = p.revision;
  if (p.version) out['org.opencontainers.image.version'] = p.version;
  return out;
}

/**
 * The git facts templates read (template.ts), as ko reads them: the latest tag
 * reachable from HEAD (`v0.0.0` when there is none) and the abbreviated commit.
 * Undefined outside a git checkout with a commit.
 */
export async function gitTemplateData(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<{ Tag: string; ShortCommit: string } | undefined> {
  if (!(await inCheckout(dir, env))) return undefined;
  const [short, tag] = await Promise.all([git(dir, ['rev-parse', '--short', 'HEAD']), git(dir, ['describe', '--tags', '--abbrev=0'])]);
  return short ? { Tag: tag ?? 'v0.0.0', ShortCommit: short } : undefined;
}
