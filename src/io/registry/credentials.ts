/**
 * Registry credentials where docker keeps them: `$DOCKER_CONFIG/config.json`, else
 * `~/.docker/config.json`, with `auths` entries (`auth`, `identitytoken`), a global
 * `credsStore` and per-registry `credHelpers` (`docker-credential-NAME get|store|erase`,
 * server URL or JSON on stdin). Secrets are never logged.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:fs';
import { lstat, mkdir, open, realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { DOCKER_HUB, DOCKER_HUB_API } from '../../oci/reference.js';
import { GoscratchError, InputError, errorMessage } from '../../util/errors.js';
import { writeFileAtomic } from '../../util/fs.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as is (docker's `registrytoken`). */
  registryToken?: string;
}

interface AuthEntry {
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

/** The key docker itself uses for Docker Hub. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set([DOCKER_HUB, DOCKER_HUB_API, 'index.docker.io']);

export function dockerConfigPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.DOCKER_CONFIG || join(homedir(), '.docker'), 'config.json');
}

/** docker's config.json holds a few entries; anything larger is not one. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/** The file's text: a regular file (through symlinks) of bounded size, never a FIFO or device that would hang or never end. */
async function readConfigText(path: string): Promise<string | undefined> {
  let fh;
  try {
    fh = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new GoscratchError(`cannot read ${path}: ${errorMessage(e)}`);
  }
  try {
    const st = await fh.stat();
    if (!st.isFile()) throw new InputError(`${path} is not a regular file: remove it or point DOCKER_CONFIG elsewhere`);
    if (st.size > MAX_CONFIG_BYTES) throw new InputError(`${path} is ${st.size} bytes, more than a docker config holds (${MAX_CONFIG_BYTES}): fix or remove it`);
    return await fh.readFile('utf8');
  } finally {
    await fh.close();
  }
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

/** The key a registry host is stored under (Docker Hub keeps its historic URL). */
export function credentialKey(registry: string): string {
  return HUB_ALIASES.has(registry) ? DOCKER_HUB_KEY : registry;
}

/** The registry a `login`/`logout` argument names: `https://index.docker.io/v1/` is `docker.io`. */
export function registryHost(arg: string | undefined): string {
  const host = hostOfKey((arg ?? '').trim());
  if (!host) return DOCKER_HUB;
  if (!/^[A-Za-z0-9.-]+(?::\d+)?$|^\[[0-9A-Fa-f:]+\](?::\d+)?$/.test(host)) {
    throw new GoscratchError(`invalid registry ${JSON.stringify(arg)}: expected a host name with an optional port, e.g. registry.example.com:5000`);
  }
  return host;
}

/** `https://host:port/v1/` and `host:port` both name `host:port`. */
function hostOfKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').split('/')[0] ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB : host;
}

function sameRegistry(key: string, registry: string): boolean {
  return hostOfKey(key) === (HUB_ALIASES.has(registry) ? DOCKER_HUB : registry);
}

function helperFor(config: DockerConfig, registry: string): string | undefined {
  for (const [key, helper] of Object.entries(config.credHelpers ?? {})) {
    if (sameRegistry(key, registry)) return helper;
  }
  return config.credsStore || undefined;
}

function fromEntry(e: AuthEntry | undefined): Credentials | undefined {
  if (!e || typeof e !== 'object') return undefined;
  const c: Credentials = {};
  if (typeof e.auth === 'string' && e.auth) {
    const decoded = Buffer.from(e.auth, 'base64').toString('utf8');
    const i = decoded.indexOf(':');
    if (i > 0) {
      c.username = decoded.slice(0, i);
      c.password = decoded.slice(i + 1);
    }
  } else if (e.username) {
    c.username = e.username;
    if (e.password) c.password = e.password;
  }
  if (e.identitytoken) c.identityToken = e.identitytoken;
  if (e.registrytoken) c.registryToken = e.registrytoken;
  return Object.keys(c).length > 0 ? c : undefined;
}

/** Runs `docker-credential-NAME ACTION` with `input` on stdin. */
function runHelper(name: string, action: 'get' | 'store' | 'erase', input: string, env: NodeJS.ProcessEnv): Promise<{ code: number; stdout: string; stderr: string }> {
  const bin = `docker-credential-${name}`;
  return new Promise((resolve, reject) => {
    const child = spawn(bin, [action], { stdio: ['pipe', 'pipe', 'pipe'], env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', (e) => reject(new GoscratchError(`cannot run the credential helper ${bin} (${errorMessage(e)}): install it or remove it from ${dockerConfigPath(env)}`)));
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
    // A helper may exit without reading its input (e.g. "not found"): its exit code tells.
    child.stdin.on('error', () => undefined);
    child.stdin.end(input);
  });
}

/** Credentials for `registry`, or undefined when none are configured. */
export async function loadCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<Credentials | undefined> {
  const config = await readDockerConfig(env);
  const helper = helperFor(config, registry);
  if (helper) {
    const r = await runHelper(helper, 'get', credentialKey(registry), env);
    if (r.code !== 0) {
      if (/not found/i.test(r.stdout + r.stderr)) return undefined;
      throw new GoscratchError(`credential helper docker-credential-${helper} failed for ${registry}: ${(r.stdout + r.stderr).trim().slice(0, 200)}`);
    }
    let got: { Username?: string; Secret?: string };
    try {
      got = JSON.parse(r.stdout) as typeof got;
    } catch {
      throw new GoscratchError(`credential helper docker-credential-${helper} answered with something other than JSON for ${registry}`);
    }
    if (!got?.Secret) return undefined;
    // docker's convention: the user name "<token>" marks an identity token.
    if (got.Username === '<token>') return { identityToken: got.Secret };
    return { username: got.Username ?? '', password: got.Secret };
  }
  const auths = config.auths ?? {};
  const exact = auths[credentialKey(registry)] ?? auths[registry];
  if (exact) return fromEntry(exact);
  for (const [key, entry] of Object.entries(auths)) {
    if (sameRegistry(key, registry)) return fromEntry(entry);
  }
  return undefined;
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

async function writeDockerConfig(config: DockerConfig, env: NodeJS.ProcessEnv): Promise<string> {
  const path = dockerConfigPath(env);
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  await writeFileAtomic(await writeTarget(path), JSON.stringify(config, null, '\t') + '\n', 0o600);
  return path;
}

/** Stores credentials where docker would; returns where they went. */
export async function storeCredentials(registry: string, username: string, password: string, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  const config = await readDockerConfig(env);
  const key = credentialKey(registry);
  const helper = helperFor(config, registry);
  config.auths = config.auths ?? {};
  if (helper) {
    const r = await runHelper(helper, 'store', JSON.stringify({ ServerURL: key, Username: username, Secret: password }), env);
    if (r.code !== 0) throw new GoscratchError(`credential helper docker-credential-${helper} could not store credentials for ${registry}: ${(r.stdout + r.stderr).trim().slice(0, 200)}`);
    // docker keeps an empty entry so the registry is listed as logged in.
    config.auths[key] = {};
    await writeDockerConfig(config, env);
    return `docker-credential-${helper}`;
  }
  config.auths[key] = { auth: Buffer.from(`${username}:${password}`).toString('base64') };
  return writeDockerConfig(config, env);
}

/** Removes stored credentials; false when there were none. */
export async function eraseCredentials(registry: string, env: NodeJS.ProcessEnv = process.env): Promise<boolean> {
  const config = await readDockerConfig(env);
  const helper = helperFor(config, registry);
  let found = false;
  if (helper) {
    const r = await runHelper(helper, 'erase', credentialKey(registry), env);
    found = r.code === 0;
  }
  for (const key of Object.keys(config.auths ?? {})) {
    if (sameRegistry(key, registry) && config.auths) {
      delete config.auths[key];
      found = true;
    }
  }
  if (found) await writeDockerConfig(config, env);
  return found;
}
