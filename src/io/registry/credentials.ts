/**
 * Registry credentials where docker keeps them (dockerconfig.ts): `auths` entries
 * (`auth`, `identitytoken`, `registrytoken`), a global `credsStore` and per-registry
 * `credHelpers` (`docker-credential-NAME get|store|erase`, server URL or JSON on
 * stdin). Secrets are never logged.
 */
import { DOCKER_HUB, DOCKER_HUB_API } from '../../oci/reference.js';
import { GoscratchError, errorMessage } from '../../util/errors.js';
import { dockerConfigPath, readDockerConfig, writeDockerConfig, type AuthEntry, type DockerConfig } from './dockerconfig.js';

export interface Credentials {
  username?: string;
  password?: string;
  /** An OAuth2 refresh token (docker's `identitytoken`). */
  identityToken?: string;
  /** A bearer token to send as is (docker's `registrytoken`). */
  registryToken?: string;
}

/** The key docker itself uses for Docker Hub. */
const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set([DOCKER_HUB, DOCKER_HUB_API, 'index.docker.io']);

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
    // child_process (and the net modules it brings) loads only for a helper.
    const child = process.getBuiltinModule('node:child_process').spawn(bin, [action], { stdio: ['pipe', 'pipe', 'pipe'], env });
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
