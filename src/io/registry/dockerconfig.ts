/**
 * docker's `config.json` (`$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`)
 * as a file: read within a size bound and only when it is a regular file, checked to
 * have a shape that survives being written back, and written through a symlink to
 * the file it points at, with every key goscratch does not use kept.
 */
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { InputError, errorMessage } from '../../util/errors.js';
import { readBounded, writeFileAtomic } from '../../util/fs.js';

export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
}

export interface DockerConfig {
  auths?: Record<string, AuthEntry>;
  credsStore?: string;
  credHelpers?: Record<string, string>;
  [key: string]: unknown;
}

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** docker's config.json holds a few entries; anything larger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The file's text: a regular file (through symlinks) of bounded size, never a FIFO or device that would hang or never end. */
async function readConfigText(path: string): Promise<string | undefined> {
  return (await readBounded(path, MAX_CONFIG_BYTES, `docker config ${path}`, { optional: true }))?.toString('utf8');
}

const OBJECT_KEYS = ['auths', 'credHelpers'] as const;

export async function readDockerConfig(env: NodeJS.ProcessEnv = process.env): Promise<DockerConfig> {
  const path = dockerConfigPath(env);
  const text = await readConfigText(path);
  if (text === undefined) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new InputError(`${path} is not valid JSON (${errorMessage(e)}): fix or remove it`);
  }
  // Written back whole on login: a shape goscratch cannot keep intact is refused, not replaced.
  const isObject = (v: unknown): boolean => Boolean(v) && typeof v === 'object' && !Array.isArray(v);
  if (!isObject(parsed)) throw new InputError(`${path} does not hold a JSON object: fix or remove it`);
  const config = parsed as DockerConfig;
  for (const key of OBJECT_KEYS) {
    if (config[key] !== undefined && !isObject(config[key])) throw new InputError(`${path}: "${key}" is not an object: fix or remove it`);
  }
  if (config.credsStore !== undefined && typeof config.credsStore !== 'string') throw new InputError(`${path}: "credsStore" is not a string: fix or remove it`);
  return config;
}

/**
 * Where config.json is written: through a symlink to the file it points at (as docker
 * does, so a config kept elsewhere stays linked), never over the link or over
 * anything that is not a regular file.
 */
async function writeTarget(path: string): Promise<string> {
  const st = await lstat(path).catch(() => undefined);
  if (!st) return path;
  let target = path;
  if (st.isSymbolicLink()) {
    target = await realpath(path).catch(() => {
      throw new InputError(`${path} is a symbolic link to a file that does not exist: create that file (e.g. with {}) or remove the link`);
    });
  }
  const real = await lstat(target);
  if (!real.isFile()) throw new InputError(`${path} is not a regular file; goscratch will not replace it: remove it or point DOCKER_CONFIG elsewhere`);
  return target;
}

export async function writeDockerConfig(config: DockerConfig, env: NodeJS.ProcessEnv): Promise<string> {
  const path = dockerConfigPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(await writeTarget(path), JSON.stringify(config, null, '\t') + '\n', 0o600);
  return path;
}
