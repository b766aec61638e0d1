/**
 * Getting an official Go release the way `GOTOOLCHAIN=auto` would, without Go: the
 * archive for this machine (`go1.22.0.linux-amd64.tar.gz`) from https://go.dev/dl/ (or
 * the mirror `GOSCRATCH_TOOLCHAIN_URL` names), checked against the SHA-256 and size
 * of the published list (`?mode=json&include=all`) before a byte of it is unpacked,
 * then unpacked into a temporary directory and renamed into goscratch's cache
 * (`<cache>/toolchains/<release>.<os>-<arch>/go`), under a lock so concurrent builds
 * download it once. The list and the archive are hostile input: both are bounded, the
 * list by a fixed size and the archive by the size the list declares; an interrupted
 * or corrupt download leaves nothing behind, and nothing from a partial download ever
 * runs. Toolchains stay in the cache until removed (like Go's own), outside its size
 * bound: pruning one in the middle of a build would break that build.
 */
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { lstat, mkdir, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BuildError, GoscratchError, InputError } from '../util/errors.js';
import { commitTemp, discardTemp, siblingTemp } from '../util/fs.js';
import { fsError } from '../util/fserror.js';
import { withLock } from '../util/lock.js';
import type { Logger } from '../util/log.js';
import { Transport, readBody, checkIdentity, discard, type HttpResponse } from '../io/registry/transport.js';
import { Watchdog } from '../io/registry/watchdog.js';
import { DEFAULT_RETRY, describeError } from '../io/registry/retry.js';
import { TOOLCHAIN_LIMITS, unpackTarGz } from './untar.js';

/** The published list of every release (about 2 MB in 2025). */
const MAX_LIST_BYTES = 32 * 2 ** 20;
/** A Go release archive is under 100 MB; a list claiming more is not believed. */
const MAX_ARCHIVE_BYTES = 1024 * 2 ** 20;

/** Go's names for this machine in release file names (go1.22.0.linux-armv6l.tar.gz). */
export function hostArchive(release: string, platform: NodeJS.Platform = process.platform, arch: string = process.arch): string {
  const os = { linux: 'linux', darwin: 'darwin', freebsd: 'freebsd' }[platform as string];
  const goarch = { x64: 'amd64', arm64: 'arm64', arm: 'armv6l', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64', loong64: 'loong64' }[arch];
  if (!os || !goarch) {
    throw new BuildError(`goscratch cannot download Go for ${platform}/${arch}: install ${release} from https://go.dev/dl/ and set GOSCRATCH_GO to its bin/go`);
  }
  return `${release}.${os}-${goarch}.tar.gz`;
}

export interface InstallOptions {
  /** Where releases are downloaded from (checked by toolchain.ts checkDownloadUrl). */
  baseUrl: string;
  /** `<cache root>/toolchains` holds the unpacked releases. */
  cacheRoot: string;
  /** Why the download is needed, for the one line that announces it. */
  why: string;
  log: Logger;
  env?: NodeJS.ProcessEnv;
}

interface ListedFile {
  sha256: string;
  size: number;
}

/** GOROOT of `release` for this machine in the cache, downloaded first when it is not there. */
export async function installToolchain(release: string, o: InstallOptions): Promise<string> {
  const file = hostArchive(release);
  const dir = join(o.cacheRoot, 'toolchains');
  const entry = join(dir, file.replace(/\.tar\.gz$/, ''));
  const goroot = join(entry, 'go');
  if (await isInstalled(goroot)) return goroot;
  await mkdir(dir, { recursive: true }).catch((e: unknown) => {
    throw fsError(e, dir, 'create');
  });
  return withLock(`${entry}.lock`, { what: `the Go toolchain ${entry}` }, async () => {
    if (await isInstalled(goroot)) return goroot;
    await removeLeftovers(dir, entry);
    const transport = new Transport({ env: o.env ?? process.env, useProxy: true, verifyTls: true, log: o.log });
    const listed = await listedFile(transport, o.baseUrl, file);
    o.log.info(`${o.why}: downloading ${file} (${(listed.size / 1e6).toFixed(1)} MB) from ${o.baseUrl} into ${dir}`);
    const archive = siblingTemp(`${entry}.tar.gz`);
    const unpacked = siblingTemp(entry);
    try {
      await download(transport, new URL(file, o.baseUrl), listed, archive);
      await mkdir(unpacked);
      await unpackTarGz(archive, unpacked, 'go', TOOLCHAIN_LIMITS);
      if (!(await isInstalled(join(unpacked, 'go')))) throw new InputError(`${file} from ${o.baseUrl} has no go/bin/go: it is not a Go release`);
      await commitTemp(unpacked, entry);
    } finally {
      await discardTemp(archive);
      await discardTemp(unpacked);
    }
    return goroot;
  });
}

async function isInstalled(goroot: string): Promise<boolean> {
  const st = await lstat(join(goroot, 'bin', 'go')).catch(() => undefined);
  return Boolean(st?.isFile() && st.mode & 0o100);
}

/**
 * Temporary files of a run that was killed (not just failed), and an entry without its
 * go binary (damaged by hand): only the lock holder may remove them.
 */
async function removeLeftovers(dir: string, entry: string): Promise<void> {
  await rm(entry, { recursive: true, force: true });
  // siblingTemp names: .<entry>.tmp-<hex> (the unpacked tree) and .<entry>.tar.gz.tmp-<hex> (the archive).
  const prefix = `.${entry.slice(dir.length + 1)}.`;
  for (const name of await readdir(dir)) {
    if (name.startsWith(prefix)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** The SHA-256 and size the published list gives for `file`. */
async function listedFile(transport: Transport, baseUrl: string, file: string): Promise<ListedFile> {
  const url = new URL('?mode=json&include=all', baseUrl);
  const what = `the list of Go releases at ${url.href}`;
  const body = await fetchOk(transport, url, what, async (res, dog) => readBody(res, MAX_LIST_BYTES, what, dog));
  let list: unknown;
  try {
    list = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError(`${what} is not JSON`);
  }
  const files = Array.isArray(list) ? list.flatMap((r: { files?: unknown }) => (Array.isArray(r?.files) ? (r.files as unknown[]) : [])) : [];
  const found = files.find((f): f is Record<string, unknown> => typeof f === 'object' && f !== null && (f as { filename?: unknown }).filename === file);
  if (!found) throw new BuildError(`${file} is not in ${what}: check the go and toolchain lines of go.mod, or install that Go yourself and set GOSCRATCH_GO`);
  const { sha256, size } = found;
  if (typeof sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(sha256)) throw new InputError(`${what} gives no SHA-256 for ${file}`);
  if (typeof size !== 'number' || !Number.isSafeInteger(size) || size <= 0 || size > MAX_ARCHIVE_BYTES) {
    throw new InputError(`${what} gives ${file} a size of ${JSON.stringify(size)}; goscratch downloads archives of 1 to ${MAX_ARCHIVE_BYTES} bytes`);
  }
  return { sha256, size };
}

/** Downloads into `dest`, then checks size and SHA-256 against the list; a mismatch is refused (the caller removes the file). */
async function download(transport: Transport, url: URL, listed: ListedFile, dest: string): Promise<void> {
  const what = `downloading ${url.href}`;
  const hash = createHash('sha256');
  let bytes = 0;
  await fetchOk(transport, url, what, async (res, dog) => {
    const declared = res.headers.get('content-length');
    if (declared !== null && Number(declared) !== listed.size) throw new InputError(`${what}: the server sends ${declared} bytes where the published list says ${listed.size}; refusing it`);
    const meter = new Transform({
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        dog.progress(chunk.length);
        if (bytes > listed.size) return cb(new InputError(`${what}: the server sent more than the ${listed.size} bytes the published list gives; refusing it`));
        hash.update(chunk);
        cb(null, chunk);
      },
    });
    const out = createWriteStream(dest, { flags: 'wx', mode: 0o600 });
    await pipeline(res.body, meter, out).catch((e: unknown) => {
      throw fsError(e, dest, 'write');
    });
  });
  if (bytes !== listed.size) throw new BuildError(`${what} was cut short: ${bytes} of ${listed.size} bytes arrived; run the command again`);
  const got = hash.digest('hex');
  if (got !== listed.sha256) {
    throw new InputError(`${what}: its SHA-256 is ${got}, but the published list says ${listed.sha256}; refusing it (nothing was unpacked). A proxy or mirror changed it, or it was corrupted on the way: run the command again`);
  }
}

/** GET with a watchdog against stalls; any answer but 200, or any network fault, is an error naming `what`. */
async function fetchOk<T>(transport: Transport, url: URL, what: string, use: (res: HttpResponse, dog: Watchdog) => Promise<T>): Promise<T> {
  const dog = new Watchdog(DEFAULT_RETRY);
  try {
    const { res, url: answered } = await transport.send({ method: 'GET', url }, { inScope: () => false }, dog, what);
    if (url.protocol === 'https:' && answered.protocol !== 'https:') {
      discard(res);
      throw new InputError(`${what}: the server redirected to plain http (${answered.host}); goscratch downloads toolchains over https only`);
    }
    if (res.status !== 200) {
      discard(res);
      throw new BuildError(`${what}: the server answered HTTP ${res.status}`);
    }
    checkIdentity(res, what);
    return await use(res, dog);
  } catch (e) {
    const err = dog.reason(e);
    if (err instanceof GoscratchError) throw err;
    throw new BuildError(`${what} failed: ${describeError(err)}; check the network (HTTPS_PROXY is honoured), or install Go yourself and set GOSCRATCH_GO`, { cause: err });
  } finally {
    dog.stop();
  }
}
