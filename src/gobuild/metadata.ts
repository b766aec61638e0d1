/**
 * Time and provenance of a build. `created` and every mtime come from
 * SOURCE_DATE_EPOCH, else the git commit time, else the Unix epoch: never the wall
 * clock, so the same source gives the same digest. Git facts become the
 * org.opencontainers.image.* labels and annotations.
 */
import { execCapture } from '../golang/exec.js';
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

/** A remote URL without credentials, as https where it was scp-like. */
export function publicSourceUrl(url: string): string {
  const scp = /^(?:[^@/]+@)?([\w.-]+):(?!\/\/)(.+?)(?:\.git)?$/.exec(url);
  if (scp) return `https://${scp[1]}/${scp[2]}`;
  try {
    const u = new URL(url);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\.git$/, '');
  } catch {
    return url;
  }
}

export async function provenance(dir: string, env: NodeJS.ProcessEnv = process.env): Promise<Provenance> {
  const [revision, commitTime] = (await git(dir, ['log', '-1', '--format=%H %ct']))?.split(' ') ?? [];
  const [remote, version] = revision
    ? await Promise.all([git(dir, ['config', '--get', 'remote.origin.url']), git(dir, ['describe', '--tags', '--exact-match', 'HEAD'])])
    : [];
  let epoch = 0;
  if (env.SOURCE_DATE_EPOCH !== undefined && env.SOURCE_DATE_EPOCH !== '') {
    epoch = Number(env.SOURCE_DATE_EPOCH);
    if (!Number.isInteger(epoch) || epoch < 0) {
      throw new UsageError(`SOURCE_DATE_EPOCH=${env.SOURCE_DATE_EPOCH} is not a whole number of seconds since 1970`);
    }
  } else if (revision) {
    epoch = Number(commitTime) || 0;
  }
  return {
    epoch,
    created: new Date(epoch * 1000).toISOString().replace('.000Z', 'Z'),
    ...(remote ? { source: publicSourceUrl(remote) } : {}),
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
