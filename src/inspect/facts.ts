/**
 * What inspect needs to know about one image, gathered from its config and its
 * file system view: who it runs as, what it exposes, where its entrypoint is, and
 * whether it has the files a Go binary looks for at run time.
 */
import { rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Image } from '../image/model.js';
import { ImageFsError, type FsView } from '../image/fsview.js';
import { analyzeBinaryFile, type BinaryAnalysis } from '../binary/analyze.js';
import { GO_CERT_DIRS, GO_CERT_FILES, GO_ZONEINFO_DIRS } from './cacerts.js';
import { parseGroup, parsePasswd, type GroupEntry, type PasswdEntry } from './passwd.js';

/** The PATH runc and containerd use when the image sets none. */
const RUNTIME_DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageFacts {
  user: string | undefined;
  env: Record<string, string>;
  labels: Record<string, string>;
  exposedPorts: string[];
  architecture: string;
  /** Parsed /etc/passwd and /etc/group; undefined when the file is missing. */
  passwd?: PasswdEntry[];
  group?: GroupEntry[];
  /** The first CA bundle or certificate directory a Go program would read. */
  caCertificates?: string;
  /** The first zoneinfo database a Go program would read. */
  zoneinfo?: string;
  /** True when a regular file exists at the path (symlinks followed). */
  isFile(path: string): boolean;
}

export interface EntrypointFacts {
  /** argv[0] as configured. */
  command?: string;
  /** Where argv[0] resolves in the image. */
  path?: string;
  analysis?: BinaryAnalysis;
  sha256?: string;
  /** Why the binary could not be read: missing, not ELF, corrupt layer. */
  error?: string;
  /** Set when the runtime could not even start it: no command, not on PATH, no such file. */
  missing?: boolean;
}

export function envMap(env: readonly string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of env ?? []) {
    const i = kv.indexOf('=');
    if (i > 0) out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export async function imageFacts(img: Image, view: FsView): Promise<ImageFacts> {
  const c = img.config.config ?? {};
  const env = envMap(c.Env);
  const readText = async (p: string): Promise<string | undefined> => {
    try {
      return view.isFile(p) ? (await view.readFile(p, 4 << 20)).toString('utf8') : undefined;
    } catch (e) {
      if (e instanceof ImageFsError) return undefined;
      throw e;
    }
  };
  const passwd = await readText('/etc/passwd');
  const group = await readText('/etc/group');
  const facts: ImageFacts = {
    user: c.User,
    env,
    labels: c.Labels ?? {},
    exposedPorts: Object.keys(c.ExposedPorts ?? {}),
    architecture: img.platform.architecture,
    isFile: (p) => view.isFile(p),
  };
  if (passwd !== undefined) facts.passwd = parsePasswd(passwd);
  if (group !== undefined) facts.group = parseGroup(group);
  const certFiles = env.SSL_CERT_FILE ? [env.SSL_CERT_FILE] : GO_CERT_FILES;
  const certDirs = env.SSL_CERT_DIR ? env.SSL_CERT_DIR.split(':').filter(Boolean) : GO_CERT_DIRS;
  const ca = certFiles.find((f) => view.isFile(f)) ?? certDirs.find((d) => view.list(d).some((e) => view.isFile(e.path)));
  if (ca) facts.caCertificates = ca;
  const zones = env.ZONEINFO ? [env.ZONEINFO, ...GO_ZONEINFO_DIRS] : GO_ZONEINFO_DIRS;
  const zi = zones.find((z) => view.isFile(z) || view.list(z).length > 0);
  if (zi) facts.zoneinfo = zi;
  return facts;
}

/** argv[0] as configured: Entrypoint[0], else Cmd[0]. */
function commandOf(img: Image): string | undefined {
  const c = img.config.config ?? {};
  return c.Entrypoint?.[0] ?? c.Cmd?.[0];
}

/** The paths argv[0] may name (each PATH directory for a bare name), to capture on the first read. */
export function entrypointCandidates(img: Image): string[] {
  const c = img.config.config ?? {};
  const command = commandOf(img);
  if (!command) return [];
  if (command.startsWith('/')) return [command];
  if (command.includes('/')) return [`${c.WorkingDir || '/'}/${command}`];
  return pathDirs(img).map((d) => `${d}/${command}`);
}

function pathDirs(img: Image): string[] {
  return (envMap(img.config.config?.Env).PATH ?? RUNTIME_DEFAULT_PATH).split(':').filter(Boolean);
}

/** Finds argv[0] the way the runtime does (PATH for bare names) and analyzes it. */
export async function entrypointFacts(img: Image, view: FsView): Promise<EntrypointFacts> {
  const command = commandOf(img);
  if (!command) return { error: 'the image sets no entrypoint or cmd', missing: true };
  const candidates = entrypointCandidates(img);
  const path = command.includes('/') ? candidates[0] : candidates.find((p) => view.isFile(p));
  if (!path) return { command, error: `${command} is not found on the image's PATH (${pathDirs(img).join(':')})`, missing: true };
  let resolved: string;
  try {
    resolved = view.resolve(path);
  } catch (e) {
    // A symlink loop, or a path through a file: the runtime cannot find it either.
    if (e instanceof ImageFsError) return { command, path, error: `${path} cannot be resolved in the image: ${e.message}`, missing: true };
    throw e;
  }
  if (!view.isFile(resolved)) return { command, path: resolved, error: `${resolved} does not exist in the image (or is not a regular file)`, missing: true };
  let local: string | undefined;
  try {
    const file = await view.extractFile(resolved);
    local = file.path;
    return { command, path: resolved, analysis: await analyzeBinaryFile(local), sha256: file.digest };
  } catch (e) {
    return { command, path, error: (e as Error).message };
  } finally {
    if (local) await rm(dirname(local), { recursive: true, force: true });
  }
}
