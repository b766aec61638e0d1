/**
 * A local container engine as a sink: the image goes straight into a running docker
 * or podman through its API socket (`POST /images/load`, the Docker Engine API that
 * podman also serves), as `docker load` would do with the archive, without a file in
 * between. Names the engine did not keep from the archive (podman keeps only the
 * first) are added with `POST /images/{name}/tag`.
 */
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { Writable } from 'node:stream';
import { GoscratchError, UsageError } from '../util/errors.js';
import type { Artifact } from '../image/model.js';
import { packArchive } from './archive.js';
import { imageName } from './names.js';

export type EngineName = 'docker' | 'podman';

export interface Engine {
  name: EngineName | 'engine';
  /** Path of the API's unix socket. */
  socket: string;
}

/** An engine's error answer, or a socket nothing answers on. */
export class EngineError extends GoscratchError {}

/** The most of an engine's answer that is read (its load progress is a few lines). */
const MAX_ANSWER = 1024 * 1024;

function unixSocket(url: string, from: string): string {
  if (url.startsWith('unix://')) return url.slice('unix://'.length);
  throw new UsageError(`${from}=${url}: goscratch loads images through a unix socket only; give unix:///path/to/engine.sock`);
}

/**
 * The engine to load into: `docker` (DOCKER_HOST, else /var/run/docker.sock), `podman`
 * (CONTAINER_HOST, else the rootless socket under XDG_RUNTIME_DIR, else
 * /run/podman/podman.sock), or a socket given as `unix:///path`.
 */
export function findEngine(spec: string, env: NodeJS.ProcessEnv = process.env): Engine {
  if (spec.startsWith('unix://')) return { name: 'engine', socket: unixSocket(spec, '--load') };
  if (spec === 'docker') return { name: 'docker', socket: env.DOCKER_HOST ? unixSocket(env.DOCKER_HOST, 'DOCKER_HOST') : '/var/run/docker.sock' };
  if (spec === 'podman') {
    if (env.CONTAINER_HOST) return { name: 'podman', socket: unixSocket(env.CONTAINER_HOST, 'CONTAINER_HOST') };
    const rootless = env.XDG_RUNTIME_DIR && process.getuid?.() !== 0;
    return { name: 'podman', socket: rootless ? join(env.XDG_RUNTIME_DIR!, 'podman', 'podman.sock') : '/run/podman/podman.sock' };
  }
  throw new UsageError(`--load ${JSON.stringify(spec)}: expected docker, podman or unix:///path/to/engine.sock`);
}

async function call(engine: Engine, method: string, path: string, body?: (req: Writable) => Promise<void>): Promise<{ status: number; text: string }> {
  // Loaded here: node:http (and the net stack under it) is for --load alone, not every build.
  const { request } = await import('node:http');
  return new Promise((resolve, reject) => {
    let bodyError: unknown;
    const failed = (e: Error): void => {
      if (bodyError !== undefined) return reject(bodyError);
      const code = (e as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' || code === 'ECONNREFUSED' ? 'nothing answers there' : e.message;
      const start = engine.name === 'podman' ? ' (start it with `podman system service --time=0`)' : '';
      reject(new EngineError(`cannot reach ${engine.name} at ${engine.socket}: ${why}${start}`, { input: engine.socket, cause: e }));
    };
    const req = request({ socketPath: engine.socket, method, path, headers: body ? { 'content-type': 'application/x-tar' } : {} }, (res: IncomingMessage) => {
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (c: Buffer) => {
        size += c.length;
        if (size <= MAX_ANSWER) chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', failed);
    });
    req.on('error', failed);
    if (!body) {
      req.end();
      return;
    }
    // The body's writer ends the request when it is done.
    body(req).catch((e: unknown) => {
      bodyError = e;
      req.destroy(e as Error);
    });
  });
}

/** The `error` of a JSON answer or of a JSON-lines progress stream, if any. */
function answerError(text: string): string | undefined {
  for (const line of text.split('\n')) {
    try {
      const m = JSON.parse(line) as { error?: unknown; message?: unknown; cause?: unknown };
      if (typeof m.error === 'string' && m.error) return m.error;
    } catch {
      // not JSON: a plain-text line of the stream
    }
  }
  return undefined;
}

/** Fails, before anything is built, when nothing answers on the engine's socket. */
export async function pingEngine(engine: Engine): Promise<void> {
  const r = await call(engine, 'GET', '/_ping');
  if (r.status !== 200) throw new EngineError(`${engine.name} at ${engine.socket} answered ${r.status} to /_ping: is it a docker or podman API socket?`, { input: engine.socket });
}

/** Loads the artifact (its image for the engine's platform) under every tag; returns the names now in the engine. */
export async function loadIntoEngine(engine: Engine, a: Artifact, tags: readonly string[]): Promise<string[]> {
  const load = await call(engine, 'POST', '/images/load?quiet=1', (req) => packArchive(a, req, { tags }));
  const err = load.status >= 400 ? answerError(load.text) ?? load.text.slice(0, 500) : answerError(load.text);
  if (err) throw new EngineError(`${engine.name} at ${engine.socket} refused the image: ${err.trim()}`, { input: engine.socket });
  const loaded = [...load.text.matchAll(/Loaded image(?:\(s\))?: ([^"\\]+)/g)].flatMap((m) => (m[1] ?? '').split(',').map((s) => s.trim()));
  const names = tags.map((t) => imageName(t));
  const first = names[0];
  for (const n of names.slice(1)) {
    if (loaded.some((l) => l === n.full || l === n.short)) continue;
    const repo = n.full.slice(0, n.full.lastIndexOf(':'));
    const tagged = await call(engine, 'POST', `/images/${encodeURIComponent(first!.full)}/tag?repo=${encodeURIComponent(repo)}&tag=${encodeURIComponent(n.tag)}`);
    if (tagged.status >= 300) throw new EngineError(`${engine.name} at ${engine.socket} could not name the image ${n.short}: ${answerError(tagged.text) ?? tagged.status}`, { input: engine.socket });
  }
  return names.map((n) => n.short);
}
