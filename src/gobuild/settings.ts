/**
 * The resolved options of one build: command-line flags over environment variables
 * over goscratch.yaml over defaults. Everything after this point reads only these.
 */
import { realpath, stat } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import type { z } from 'zod';
import { parsePlatforms, hostPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { DEFAULT_USER, validateUser, type AppUser } from '../image/scratch.js';
import { imageSectionSchema, issueMessage, type Config } from '../config/schema.js';
import { runtimeConfigSchema } from '../config/runtime.js';
import { CONFIG_FILE, loadConfig } from '../config/load.js';
import { execEnv, execFlag } from '../golang/execflags.js';
import { checkPackagePattern, toolchainPolicy, type ToolchainPolicy } from '../golang/toolchain.js';
import { UsageError } from '../util/errors.js';
import { DEFAULT_MEMORY_RATIO } from '../runtime/env.js';
import { insideDir } from './files.js';
import { configBase, SCRATCH } from './base.js';

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
  /** Base image: scratch (default), a registry reference, an OCI layout or an archive. */
  base?: string;
  /** Let goscratch.yaml's build section name programs for go to run (-toolexec, CC, GOFLAGS=-toolexec=...). */
  allowExec?: boolean;
}

export interface BuildSettings {
  /** Module root (where go.mod and goscratch.yaml are); builds run here. */
  moduleDir: string;
  configPath?: string;
  /** Package pattern relative to moduleDir, e.g. "." or "./cmd/server". */
  pattern: string;
  platforms: Platform[];
  /** `--platform all`: every platform of the base image (then `platforms` is empty). */
  allPlatforms: boolean;
  /** The image goscratch's layers go on (gobuild/base.ts); undefined: scratch. */
  base?: string;
  /** Whether a Go release may be downloaded when the Go found is too old, and from where. */
  toolchain: ToolchainPolicy;
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
  /** "bundled", "none" or an absolute path (inside the module unless it came from a flag). */
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

/**
 * A flag's value checked by the schema of its config key, so a flag accepts exactly
 * what goscratch.yaml accepts (and gets the same transforms).
 */
function flagValue<S extends z.ZodType>(schema: S, value: unknown, flag: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const shown = issue.path.length ? issue.path[0] : value;
  throw new UsageError(`${flag} ${JSON.stringify(shown)}: ${issueMessage(issue)}`, { input: flag });
}

/** Refuses what in goscratch.yaml's build section would make go run a program (see golang/execflags.ts). */
function refuseExec(build: NonNullable<Config['build']>, file: string): void {
  const runs = (text: string, who: string): string | undefined => {
    const flag = execFlag(text);
    return flag && `${flag} makes ${who} run another program`;
  };
  const bad = [
    ...(build.flags ?? []).map((v, i) => ({ key: `build.flags.${i}`, value: v, why: runs(v, 'go') })),
    ...toList(build.ldflags).map((v, i) => ({ key: `build.ldflags.${i}`, value: v, why: runs(v, 'the linker') })),
    ...(build.env ?? []).map((v, i) => ({ key: `build.env.${i}`, value: v, why: execEnv(v) })),
  ].find((e) => e.why);
  if (bad) {
    throw new UsageError(
      `${file}: ${bad.key}: ${JSON.stringify(bad.value)}: ${bad.why}, which goscratch.yaml may not ask for (it comes with the source, like go.mod): pass --allow-exec if you trust this project, or set it in your own environment`,
      { input: bad.key },
    );
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
  if (!flags.allowExec && config.build) refuseExec(config.build, configPath ?? join(moduleDir, CONFIG_FILE));
  const img = config.image ?? {};
  const build = config.build ?? {};
  const f = checkFlags(flags);

  let pattern: string;
  if (targetIsDir) pattern = packagePath(moduleDir, start);
  else if (target !== undefined) pattern = isAbsolute(target) || !target.startsWith('.') ? checkPackagePattern(target) : packagePath(moduleDir, resolve(cwd, target));
  else pattern = config.main ?? '.';

  const platformList = flags.platform ?? env.GOSCRATCH_PLATFORM ?? config.platforms?.join(',');
  const base = flags.base ?? (config.base !== undefined ? await configBase(config.base, moduleDir) : undefined);
  const allPlatforms = platformList === 'all';
  if (allPlatforms && (base === undefined || base === SCRATCH)) {
    throw new UsageError('--platform all builds every platform of the base image, and scratch has none: give a --base, or list the platforms (e.g. linux/amd64,linux/arm64)');
  }
  const platforms = allPlatforms ? [] : platformList ? parsePlatforms(platformList) : [hostPlatform()];

  const user: AppUser = {
    ...DEFAULT_USER,
    ...(img.user !== undefined ? { name: img.user } : {}),
    ...(flags.user !== undefined ? { name: flags.user } : {}),
    uid: f.uid ?? img.uid ?? DEFAULT_USER.uid,
    gid: f.gid ?? img.gid ?? f.uid ?? img.uid ?? DEFAULT_USER.gid,
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

  const ldflags = [...toList(build.ldflags), ...(flags.ldflags ?? [])];
  const fileEnv = Object.entries(img.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const flagEnv = Object.entries(f.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const binaryPath = f.binary ?? img.binary;
  const workdir = f.workdir ?? img.workdir;
  const cpus = f.cpus ?? config.runtime?.cpus;
  const memory = f.memory ?? config.runtime?.memory;

  return {
    moduleDir,
    ...(configPath ? { configPath } : {}),
    pattern,
    platforms,
    allPlatforms,
    ...(base !== undefined && base !== SCRATCH ? { base } : {}),
    toolchain: toolchainPolicy(env, build.toolchain),
    tags: flags.tag?.length ? flags.tag : (config.tags ?? []),
    ldflags,
    // timetzdata by default: scratch has no zoneinfo, so time.LoadLocation needs the embedded copy (~450 KB), as in init's Dockerfile.
    goTags: flags.tags ?? build.tags ?? ['timetzdata'],
    goFlags: build.flags ?? [],
    goEnv: build.env ?? [],
    user,
    allowRoot,
    ...(binaryPath ? { binaryPath } : {}),
    args: flags.arg ?? img.args ?? [],
    ports: (flags.port ?? img.ports ?? []).map(normalizePort),
    env: [...fileEnv.filter((e) => !flagEnv.some((x) => x.split('=')[0] === e.split('=')[0])), ...flagEnv],
    ...(workdir ? { workdir } : {}),
    labels: { ...strings(img.labels), ...strings(f.labels) },
    annotations: { ...strings(img.annotations), ...strings(f.annotations) },
    files: (img.files ?? []).map((x) => ({ src: resolve(moduleDir, x.src), dst: x.dst })),
    caCerts: f.caCerts !== undefined ? caFromFlag(f.caCerts, cwd) : await caFromConfig(img.caCerts ?? 'bundled', moduleDir),
    sbom: config.sbom ?? 'spdx',
    ...(env.GOSCRATCH_REPO ?? config.repo ? { repo: env.GOSCRATCH_REPO ?? config.repo } : {}),
    runtime: {
      ...(cpus ? { cpus } : {}),
      ...(memory ? { memory } : {}),
      memoryRatio: f.memoryRatio ?? config.runtime?.memoryRatio ?? DEFAULT_MEMORY_RATIO,
    },
    config,
  };
}

/** Flags checked by their config keys' schemas: a flag accepts exactly what goscratch.yaml accepts. */
function checkFlags(flags: BuildFlags) {
  const image = imageSectionSchema.shape;
  const runtime = runtimeConfigSchema.shape;
  const check = <S extends z.ZodType>(schema: S, value: unknown, flag: string): z.output<S> | undefined =>
    value === undefined ? undefined : flagValue(schema, value, flag);
  return {
    uid: check(image.uid, flags.uid, '--uid'),
    gid: check(image.gid, flags.gid, '--gid'),
    binary: check(image.binary, flags.binary, '--binary'),
    workdir: check(image.workdir, flags.workdir, '--workdir'),
    env: check(image.env, flags.env && keyValues(flags.env, '--env'), '--env'),
    labels: check(image.labels, keyValues(flags.label, '--label'), '--label'),
    annotations: check(image.annotations, keyValues(flags.annotation, '--annotation'), '--annotation'),
    caCerts: check(image.caCerts, flags.caCerts, '--ca-certs'),
    cpus: check(runtime.cpus, flags.cpus, '--cpus'),
    memory: check(runtime.memory, flags.memory, '--memory'),
    memoryRatio: check(runtime.memoryRatio, flags.memoryRatio, '--memory-ratio'),
  };
}

const isSpecialCa = (v: string): boolean => v === 'bundled' || v === 'none';

/** A CA bundle named on the command line: any file the user chooses. */
function caFromFlag(value: string, cwd: string): string {
  return isSpecialCa(value) ? value : resolve(cwd, value);
}

/** A CA bundle named in goscratch.yaml: a file inside the project, symbolic links followed. */
async function caFromConfig(value: string, moduleDir: string): Promise<string> {
  if (isSpecialCa(value)) return value;
  const path = resolve(moduleDir, value);
  const real = await realpath(path).catch(() => {
    throw new UsageError(`image.caCerts: ${path} cannot be read; give a PEM file in the project, "bundled" or "none"`, { input: 'image.caCerts' });
  });
  if (!insideDir(await realpath(moduleDir), real)) {
    throw new UsageError(`image.caCerts: ${value} leads outside the project (to ${real}); copy the bundle into the project, or give it with --ca-certs`, { input: 'image.caCerts' });
  }
  return real;
}

function toList(v: string | string[] | undefined): string[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

/** A directory as a package path relative to the module root: "." or "./sub/dir". */
function packagePath(root: string, dir: string): string {
  const rel = relative(root, dir);
  return rel === '' ? '.' : './' + rel;
}
