/**
 * The resolved options of one build: command-line flags over environment variables
 * over goscratch.yaml over defaults. Everything after this point reads only these.
 */
import { stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { parsePlatforms, hostPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { DEFAULT_USER, validateUser, type AppUser } from '../image/scratch.js';
import type { Config } from '../config/schema.js';
import { loadConfig } from '../config/load.js';
import { UsageError } from '../util/errors.js';
import { DEFAULT_MEMORY_RATIO } from '../runtime/env.js';

export interface BuildFlags {
  platform?: string;
  tag?: string[];
  user?: string;
  uid?: number;
  gid?: number;
  binary?: string;
  arg?: string[];
  port?: string[];
  env?: string[];
  workdir?: string;
  label?: string[];
  annotation?: string[];
  caCerts?: string;
  allowRoot?: boolean;
  ldflags?: string[];
  tags?: string[];
  cpus?: number;
  memory?: string;
  memoryRatio?: number;
}

export interface BuildSettings {
  /** Module root (where go.mod and goscratch.yaml are); builds run here. */
  moduleDir: string;
  configPath?: string;
  /** Package pattern relative to moduleDir, e.g. "." or "./cmd/server". */
  pattern: string;
  platforms: Platform[];
  /** Image names (docker --tag); at least one. */
  tags: string[];
  ldflags: string[];
  goTags: string[];
  goFlags: string[];
  goEnv: string[];
  user: AppUser;
  allowRoot: boolean;
  /** Binary path in the image; undefined until the package name is known. */
  binaryPath?: string;
  args: string[];
  /** Normalised "PORT/proto". */
  ports: string[];
  env: string[];
  workdir?: string;
  labels: Record<string, string>;
  annotations: Record<string, string>;
  files: Array<{ src: string; dst: string }>;
  /** "bundled", "none" or an absolute path. */
  caCerts: string;
  sbom: 'spdx' | 'cyclonedx' | 'none';
  repo?: string;
  /** Container limits to tune GOMAXPROCS/GOMEMLIMIT for. */
  runtime: { cpus?: number; memory?: string; memoryRatio: number };
  config: Config;
}

async function isDir(p: string): Promise<boolean> {
  return stat(p).then((s) => s.isDirectory(), () => false);
}

async function findModuleRoot(start: string): Promise<string> {
  for (let d = start; ; d = dirname(d)) {
    if (await stat(join(d, 'go.mod')).then(() => true, () => false)) return d;
    if (dirname(d) === d) return start;
  }
}

/** KEY=VALUE list to a record; the flag name goes into the error. */
export function keyValues(list: readonly string[] | undefined, flag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const kv of list ?? []) {
    const i = kv.indexOf('=');
    if (i <= 0) throw new UsageError(`${flag} ${JSON.stringify(kv)}: expected KEY=VALUE`);
    out[kv.slice(0, i)] = kv.slice(i + 1);
  }
  return out;
}

export function normalizePort(p: string | number): string {
  const m = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(String(p));
  const n = m ? Number(m[1]) : NaN;
  if (!m || n < 1 || n > 65535) throw new UsageError(`invalid port ${JSON.stringify(p)}: use 1-65535, optionally /tcp, /udp or /sctp (e.g. 9292 or 9292/tcp)`);
  return `${n}/${m[2] ?? 'tcp'}`;
}

const strings = (r: Record<string, string | number | boolean> | undefined): Record<string, string> =>
  Object.fromEntries(Object.entries(r ?? {}).map(([k, v]) => [k, String(v)]));

export async function resolveSettings(target: string | undefined, flags: BuildFlags, env: NodeJS.ProcessEnv = process.env): Promise<BuildSettings> {
  const cwd = process.cwd();
  const targetIsDir = target !== undefined && (await isDir(resolve(cwd, target)));
  const start = targetIsDir ? resolve(cwd, target!) : cwd;
  const moduleDir = await findModuleRoot(start);
  const { config, path: configPath } = await loadConfig(moduleDir);
  const img = config.image ?? {};
  const build = config.build ?? {};

  let pattern: string;
  if (targetIsDir) pattern = packagePath(moduleDir, start);
  else if (target !== undefined) pattern = isAbsolute(target) || !target.startsWith('.') ? target : packagePath(moduleDir, resolve(cwd, target));
  else pattern = config.main ?? '.';

  const platformList = flags.platform ?? env.GOSCRATCH_PLATFORM ?? config.platforms?.join(',');
  const platforms = platformList ? parsePlatforms(platformList) : [hostPlatform()];

  const user: AppUser = {
    ...DEFAULT_USER,
    ...(img.user !== undefined ? { name: img.user } : {}),
    ...(flags.user !== undefined ? { name: flags.user } : {}),
    uid: flags.uid ?? img.uid ?? DEFAULT_USER.uid,
    gid: flags.gid ?? img.gid ?? flags.uid ?? img.uid ?? DEFAULT_USER.gid,
  };
  try {
    validateUser(user);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const allowRoot = flags.allowRoot ?? img.allowRoot ?? false;
  if ((user.uid === 0 || user.gid === 0) && !allowRoot) {
    throw new UsageError('refusing to build an image that runs as root (uid or gid 0): choose a non-root --uid, or pass --allow-root if the service really needs root');
  }

  const caSetting = flags.caCerts ?? img.caCerts ?? 'bundled';
  const caCerts = caSetting === 'bundled' || caSetting === 'none' ? caSetting : resolve(flags.caCerts ? cwd : moduleDir, caSetting);

  const ldflags = [...toList(build.ldflags), ...(flags.ldflags ?? [])];
  const fileEnv = Object.entries(img.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const flagEnv = Object.entries(keyValues(flags.env, '--env')).map(([k, v]) => `${k}=${v}`);

  return {
    moduleDir,
    ...(configPath ? { configPath } : {}),
    pattern,
    platforms,
    tags: flags.tag?.length ? flags.tag : (config.tags ?? []),
    ldflags,
    // timetzdata by default: scratch has no zoneinfo, so time.LoadLocation needs the embedded copy (~450 KB), as in init's Dockerfile.
    goTags: flags.tags ?? build.tags ?? ['timetzdata'],
    goFlags: build.flags ?? [],
    goEnv: build.env ?? [],
    user,
    allowRoot,
    ...(flags.binary ?? img.binary ? { binaryPath: flags.binary ?? img.binary } : {}),
    args: flags.arg ?? img.args ?? [],
    ports: (flags.port ?? img.ports ?? []).map(normalizePort),
    env: [...fileEnv.filter((e) => !flagEnv.some((f) => f.split('=')[0] === e.split('=')[0])), ...flagEnv],
    ...(flags.workdir ?? img.workdir ? { workdir: flags.workdir ?? img.workdir } : {}),
    labels: { ...strings(img.labels), ...keyValues(flags.label, '--label') },
    annotations: { ...strings(img.annotations), ...keyValues(flags.annotation, '--annotation') },
    files: (img.files ?? []).map((f) => ({ src: resolve(moduleDir, f.src), dst: f.dst })),
    caCerts,
    sbom: config.sbom ?? 'spdx',
    ...(env.GOSCRATCH_REPO ?? config.repo ? { repo: env.GOSCRATCH_REPO ?? config.repo } : {}),
    runtime: {
      ...(flags.cpus ?? config.runtime?.cpus ? { cpus: flags.cpus ?? config.runtime?.cpus } : {}),
      ...(flags.memory ?? config.runtime?.memory ? { memory: flags.memory ?? config.runtime?.memory } : {}),
      memoryRatio: flags.memoryRatio ?? config.runtime?.memoryRatio ?? DEFAULT_MEMORY_RATIO,
    },
    config,
  };
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A directory as a package path relative to the module root: "." or "./sub/dir". */
function packagePath(root: string, dir: string): string {
  const rel = relative(root, dir);
  return rel === '' ? '.' : './' + rel;
}
