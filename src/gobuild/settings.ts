/**
 * The resolved options of one build: command-line flags over environment variables
 * over goscratch.yaml over defaults. Everything after this point reads only these.
 */
import { realpath } from 'node:fs/promises';
import { join, posix, resolve } from 'node:path';
import type * as z from 'zod/mini';
import { parsePlatforms, hostPlatform } from '../oci/platform.js';
import type { Platform } from '../oci/types.js';
import { DEFAULT_USER, validateUser, type AppUser } from '../image/scratch.js';
import { binaryNameSchema, dirEntrySchema, fileEntrySchema, imageSectionSchema, issueMessage, type Config } from '../config/schema.js';
import { holdsBase, ownedDirSchema } from '../config/paths.js';
import type { Owner } from '../image/layerbuilder.js';
import { imageName } from '../io/names.js';
import { runtimeConfigSchema } from '../config/runtime.js';
import { CONFIG_FILE, loadConfig } from '../config/load.js';
import { execEnv, execFlag } from '../golang/execflags.js';
import { toolchainPolicy, type ToolchainPolicy } from '../golang/toolchain.js';
import { UsageError } from '../util/errors.js';
import { DEFAULT_MEMORY_RATIO } from '../runtime/env.js';
import { insideDir } from './files.js';
import { configBase, SCRATCH } from './base.js';
import { chooseTargets, moduleRootFor } from './targets.js';
import { gitTemplateData } from './metadata.js';
import { ldflagsValue, parseTemplate, renderTemplate, usesGit, type TemplateData } from './template.js';

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
  /** One image of every binary built, this binary the entrypoint. */
  bundle?: string;
  /** `PATH[:MODE]` directories the app user owns. */
  dir?: string[];
  volume?: string[];
  /** `SRC:DST` files or directories copied in. */
  file?: string[];
}

/** How one set of main packages is compiled. */
export interface GoBuildOptions {
  /** Rendered: templates already replaced. */
  ldflags: string[];
  goTags: string[];
  goFlags: string[];
  goEnv: string[];
}

/** A goscratch.yaml `builds` entry: its package, image name and build options (the build section's with its own added). */
export interface BuildEntry extends GoBuildOptions {
  main: string;
  name?: string;
}

/** A file or directory copied into the image. */
export interface ImageFile {
  src: string;
  dst: string;
  owner?: Owner;
  mode?: number;
  /** From goscratch.yaml: it may not lead outside the project. */
  confined: boolean;
}

export interface BuildSettings extends GoBuildOptions {
  /** Module root (where go.mod and goscratch.yaml are); builds run here. */
  moduleDir: string;
  configPath?: string;
  /**
   * Packages to build: patterns relative to moduleDir ("./cmd/server", "./cmd/...") or
   * import paths. With `current`, what to build when that is not a main package.
   */
  patterns: string[];
  /** No package was named: the current directory's package ("./cmd/server"), built when it is a main package. */
  current?: string;
  platforms: Platform[];
  /** `--platform all`: every platform of the base image (then `platforms` is empty). */
  allPlatforms: boolean;
  /** The image goscratch's layers go on (gobuild/base.ts); undefined: scratch. */
  base?: string;
  /** Whether a Go release may be downloaded when the Go found is too old, and from where. */
  toolchain: ToolchainPolicy;
  /** Image name templates (docker --tag, `{{.Name}}` allowed); none: `<name>:latest`. */
  tags: string[];
  /** Values for templates, besides each image's name. */
  templateData: TemplateData;
  /** Per-package settings from goscratch.yaml `builds`. */
  builds: BuildEntry[];
  /** One image of every binary, with this one (a binary name) as the entrypoint. */
  bundle?: string;
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
  files: ImageFile[];
  /** Directories the app user owns (the workdir among them unless it is / or holds goscratch's files). */
  dirs: Array<{ path: string; mode: number }>;
  volumes: string[];
  /** "bundled", "none" or an absolute path (inside the module unless it came from a flag). */
  caCerts: string;
  sbom: 'spdx' | 'cyclonedx' | 'none';
  repo?: string;
  /** Container limits to tune GOMAXPROCS/GOMEMLIMIT for. */
  runtime: { cpus?: number; memory?: string; memoryRatio: number };
  config: Config;
}

/**
 * A flag's value checked by the schema of its config key, so a flag accepts exactly
 * what goscratch.yaml accepts (and gets the same transforms).
 */
function flagValue<S extends z.ZodMiniType>(schema: S, value: unknown, flag: string, given?: string): z.output<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issue = r.error.issues[0]!;
  const shown = given ?? (issue.path.length ? issue.path[0] : value);
  throw new UsageError(`${flag} ${JSON.stringify(shown)}: ${issueMessage(issue)}`, { input: flag });
}

/** Refuses what in a goscratch.yaml build section (`build`, `builds.N`) would make go run a program (see golang/execflags.ts). */
function refuseExec(build: { flags?: string[]; ldflags: string[]; env?: string[] }, key: string, file: string): void {
  const runs = (text: string, who: string): string | undefined => {
    const flag = execFlag(text);
    return flag && `${flag} makes ${who} run another program`;
  };
  const bad = [
    ...(build.flags ?? []).map((v, i) => ({ key: `${key}.flags.${i}`, value: v, why: runs(v, 'go') })),
    ...build.ldflags.map((v, i) => ({ key: `${key}.ldflags.${i}`, value: v, why: runs(v, 'the linker') })),
    ...(build.env ?? []).map((v, i) => ({ key: `${key}.env.${i}`, value: v, why: execEnv(v) })),
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

export async function resolveSettings(targets: string | readonly string[] | undefined, flags: BuildFlags, env: NodeJS.ProcessEnv = process.env): Promise<BuildSettings> {
  const cwd = process.cwd();
  const args = targets === undefined ? [] : typeof targets === 'string' ? [targets] : targets;
  const moduleDir = await moduleRootFor(args, cwd);
  const { config, path: configPath } = await loadConfig(moduleDir);
  const configFile = configPath ?? join(moduleDir, CONFIG_FILE);
  const img = config.image ?? {};
  const build = config.build ?? {};
  const f = checkFlags(flags);
  const { patterns, current } = await chooseTargets(args, cwd, moduleDir, config.main === undefined ? [] : toList(config.main));

  // Templates: ldflags are rendered now (git is asked only when one reads it); image
  // names once each image's name is known, but checked here with a stand-in name.
  const ldflagsOf = (list: string | string[] | undefined, key: string): Array<[string, string]> => toList(list).map((t, i) => [t, `${key}.${i}`]);
  const entries = config.builds ?? [];
  const ldflagTemplates = [ldflagsOf(build.ldflags, 'build.ldflags'), ...entries.map((e, i) => ldflagsOf(e.ldflags, `builds.${i}.ldflags`)), (flags.ldflags ?? []).map((t): [string, string] => [t, '--ldflags'])];
  const tagTemplates = flags.tag?.length ? flags.tag.map((t): [string, string] => [t, '--tag']) : (config.tags ?? []).map((t, i): [string, string] => [t, `tags.${i}`]);
  const parsed = [...ldflagTemplates.flat(), ...tagTemplates].map(([t, where]) => parseTemplate(t, where));
  const git = parsed.some(usesGit) ? await gitTemplateData(moduleDir) : undefined;
  const templateData: TemplateData = { Env: env, ...(git ? { Git: git } : {}) };
  const [configLdflags, ...rest] = ldflagTemplates.map((list) => list.map(([t, where]) => renderTemplate(parseTemplate(t, where), templateData, where, ldflagsValue)));
  const flagLdflags = rest.pop()!;
  for (const [t, where] of tagTemplates) {
    const name = renderTemplate(parseTemplate(t, where), { ...templateData, Name: 'name' }, where);
    usage(() => imageName(name), where);
  }
  if (!flags.allowExec) {
    refuseExec({ ...build, ldflags: configLdflags! }, 'build', configFile);
    entries.forEach((e, i) => refuseExec({ ...e, ldflags: rest[i]! }, `builds.${i}`, configFile));
  }
  // timetzdata by default: scratch has no zoneinfo, so time.LoadLocation needs the embedded copy (~450 KB), as in init's Dockerfile.
  const goTags = flags.tags ?? build.tags ?? ['timetzdata'];
  const builds: BuildEntry[] = entries.map((e, i) => ({
    main: e.main,
    ...(e.name ? { name: e.name } : {}),
    ldflags: [...configLdflags!, ...rest[i]!, ...flagLdflags],
    goTags: flags.tags ?? e.tags ?? goTags,
    goFlags: [...(build.flags ?? []), ...(e.flags ?? [])],
    goEnv: [...(build.env ?? []), ...(e.env ?? [])],
  }));

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

  const fileEnv = Object.entries(img.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const flagEnv = Object.entries(f.env ?? {}).map(([k, v]) => `${k}=${v}`);
  const binaryPath = f.binary ?? img.binary;
  const bundle = f.bundle ?? config.bundle;
  if (bundle && binaryPath) {
    throw new UsageError(`${f.binary ? '--binary' : 'image.binary'} names the path of one binary, and a bundle holds several (each at /usr/local/bin/<name>): leave it out with ${f.bundle ? '--bundle' : 'bundle'}`);
  }
  const workdir = f.workdir ?? img.workdir;
  const cpus = f.cpus ?? config.runtime?.cpus;
  const memory = f.memory ?? config.runtime?.memory;
  const owner = (o: z.output<typeof fileEntrySchema>['owner']): Owner | undefined =>
    o === undefined || o === 'root' ? undefined : o === 'user' ? { uid: user.uid, gid: user.gid } : o;
  const files: ImageFile[] = [
    ...(img.files ?? []).map((x) => ({ src: resolve(moduleDir, x.src), dst: x.dst, ...(owner(x.owner) ? { owner: owner(x.owner)! } : {}), ...(x.mode !== undefined ? { mode: x.mode } : {}), confined: true })),
    ...f.files.map((x) => ({ src: resolve(cwd, x.src), dst: x.dst, confined: false })),
  ];
  const { dirs, volumes } = writablePaths(img, f, workdir, binaryPath);

  return {
    moduleDir,
    ...(configPath ? { configPath } : {}),
    patterns,
    ...(current ? { current } : {}),
    platforms,
    allPlatforms,
    ...(base !== undefined && base !== SCRATCH ? { base } : {}),
    toolchain: toolchainPolicy(env, build.toolchain),
    tags: tagTemplates.map(([t]) => t),
    templateData,
    builds,
    ...(bundle ? { bundle } : {}),
    ldflags: [...configLdflags!, ...flagLdflags],
    goTags,
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
    files,
    dirs,
    volumes,
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

/** An error of `fn` as a UsageError that names where the value came from. */
function usage<T>(fn: () => T, where: string): T {
  try {
    return fn();
  } catch (e) {
    throw new UsageError(`${where}: ${(e as Error).message}`, { input: where });
  }
}

/**
 * The directories the app user owns: image.dirs and --dir, every volume (so a volume
 * Docker creates from the image starts writable by the user), and the working
 * directory unless it is / or holds goscratch's files or the binary. A listed
 * directory that holds the binary is refused: the user could replace its own program.
 */
function writablePaths(img: NonNullable<Config['image']>, f: ReturnType<typeof checkFlags>, workdir: string | undefined, binaryPath: string | undefined) {
  const binDir = posix.dirname(binaryPath ?? '/usr/local/bin/app');
  const holdsBinary = (p: string): boolean => binDir === p || binDir.startsWith(p === '/' ? '/' : p + '/');
  const dirs = new Map<string, number>();
  const add = (path: string, mode: number, where: string): void => {
    if (holdsBinary(path)) {
      throw new UsageError(`${where} ${JSON.stringify(path)}: ${path} holds the binary's directory ${binDir}: the app user owning it could replace its own program; choose a directory of its own, e.g. /data`, { input: where });
    }
    dirs.set(path, mode);
  };
  for (const d of img.dirs ?? []) add(d.path, d.mode, 'image.dirs');
  for (const d of f.dirs) add(d.path, d.mode, '--dir');
  const volumes = [...new Set([...(img.volumes ?? []), ...f.volumes])];
  for (const v of volumes) if (!dirs.has(v)) add(v, 0o755, f.volumes.includes(v) ? '--volume' : 'image.volumes');
  if (workdir && !holdsBase(workdir) && !holdsBinary(workdir) && !dirs.has(workdir)) dirs.set(workdir, 0o755);
  return { dirs: [...dirs].map(([path, mode]) => ({ path, mode })), volumes };
}

/** `--file SRC:DST`: DST is absolute, so the last ":/" divides them (SRC may hold a colon). */
function fileFlag(value: string): { src: string; dst: string } {
  const i = value.lastIndexOf(':/');
  if (i <= 0) throw new UsageError(`--file ${JSON.stringify(value)}: expected SRC:DST with an absolute DST, e.g. ./static:/srv/static`, { input: '--file' });
  return { src: value.slice(0, i), dst: value.slice(i + 1) };
}

/** Flags checked by their config keys' schemas: a flag accepts exactly what goscratch.yaml accepts. */
function checkFlags(flags: BuildFlags) {
  const image = imageSectionSchema.shape;
  const runtime = runtimeConfigSchema.shape;
  const check = <S extends z.ZodMiniType>(schema: S, value: unknown, flag: string): z.output<S> | undefined =>
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
    bundle: check(binaryNameSchema, flags.bundle, '--bundle'),
    dirs: (flags.dir ?? []).map((d) => flagValue(dirEntrySchema, d, '--dir', d)),
    volumes: (flags.volume ?? []).map((v) => flagValue(ownedDirSchema, v, '--volume')),
    files: (flags.file ?? []).map((v) => flagValue(fileEntrySchema, fileFlag(v), '--file', v)),
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
