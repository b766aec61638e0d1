/**
 * A Go builder image made from this machine's Go toolchain and a static busybox, with
 * goscratch's own image library: nothing can be pulled here, and the generated
 * Dockerfile needs a `golang:*-alpine`-like image with a shell to build in.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { execFileSync } from 'node:child_process';
import { exec, execOk } from '../helpers/exec.js';
import { readElfFile } from '../../src/binary/elf.js';
import { buildLayer, type LayerEntry } from '../../src/image/layerbuilder.js';
import { newImage, type Image } from '../../src/image/model.js';
import { hostPlatform } from '../../src/oci/platform.js';

const GOROOT = '/usr/lib/go-1.23';
const BUSYBOX = '/bin/busybox';
const HOST_CA = '/etc/ssl/certs/ca-certificates.crt';
// The tools `go build` runs for a pure-Go package; the rest of pkg/tool is not needed.
const TOOLS = ['asm', 'buildid', 'compile', 'link', 'pack'];

/** Files under `dir` (symlinks followed), as entries below `target`, skipping what `skip` rejects. */
async function treeEntries(dir: string, target: string, skip: (rel: string, isDir: boolean) => boolean): Promise<LayerEntry[]> {
  const out: LayerEntry[] = [];
  async function walk(abs: string, rel: string): Promise<void> {
    for (const e of await readdir(abs)) {
      const src = join(abs, e);
      const r = rel ? `${rel}/${e}` : e;
      const st = await stat(src);
      if (skip(r, st.isDirectory())) continue;
      if (st.isDirectory()) await walk(src, r);
      else if (st.isFile()) out.push({ type: 'file', path: `${target}/${r}`, mode: st.mode & 0o755, source: src, size: st.size });
    }
  }
  await walk(dir, '');
  return out;
}

async function goEntries(): Promise<LayerEntry[]> {
  const skipSrc = (rel: string, isDir: boolean): boolean =>
    isDir ? rel === 'cmd' || rel.split('/').pop() === 'testdata' : rel.endsWith('_test.go');
  const tooldir = `pkg/tool/linux_${hostPlatform().architecture}`;
  return [
    ...(await treeEntries(join(GOROOT, 'src'), '/usr/local/go/src', skipSrc)),
    ...(await treeEntries(join(GOROOT, 'pkg/include'), '/usr/local/go/pkg/include', () => false)),
    ...(await treeEntries(join(GOROOT, tooldir), `/usr/local/go/${tooldir}`, (rel) => !TOOLS.includes(rel))),
    ...(await treeEntries(join(GOROOT, 'bin'), '/usr/local/go/bin', (rel) => rel !== 'go')),
    { type: 'file', path: '/usr/local/go/VERSION', mode: 0o644, data: await readFile(join(GOROOT, 'VERSION')) },
  ];
}

async function busyboxEntries(): Promise<LayerEntry[]> {
  // `busybox --list-full` names every applet with its path (bin/sh, usr/bin/env, ...).
  const applets = execFileSync(BUSYBOX, ['--list-full'], { encoding: 'utf8' }).split('\n').filter(Boolean);
  const st = await stat(BUSYBOX);
  return [
    { type: 'file', path: '/bin/busybox', mode: 0o755, source: BUSYBOX, size: st.size },
    ...applets.filter((a) => a !== 'bin/busybox').map((a): LayerEntry => ({ type: 'symlink', path: '/' + a, target: '/bin/busybox' })),
  ];
}

/** Why this machine lacks what the builder image is made of, or undefined when it has it all. */
export async function builderSourcesMissing(): Promise<string | undefined> {
  for (const p of [join(GOROOT, 'bin/go'), BUSYBOX, HOST_CA]) {
    if (!(await stat(p).catch(() => undefined))) return `needs ${p} (golang-1.23-go, busybox-static, ca-certificates)`;
  }
  // A dynamically linked busybox cannot run in an image without a libc.
  if (!(await readElfFile(BUSYBOX)).static) return `needs a static ${BUSYBOX}: install busybox-static`;
  return undefined;
}

/** The image: Go at /usr/local/go (GOPATH /go), busybox as /bin/sh, the host's CA bundle. */
export async function goBuilderImage(): Promise<Image> {
  const mtime = 0;
  const base: LayerEntry[] = [
    ...(await busyboxEntries()),
    { type: 'file', path: '/etc/ssl/certs/ca-certificates.crt', mode: 0o644, data: await readFile(HOST_CA) },
    { type: 'dir', path: '/tmp', mode: 0o1777 },
    { type: 'dir', path: '/root', mode: 0o700 },
    { type: 'dir', path: '/go', mode: 0o777 },
  ];
  const layers = [await buildLayer(base, { mtime }), await buildLayer(await goEntries(), { mtime })];
  const { architecture, os } = hostPlatform();
  return newImage({
    config: {
      architecture,
      os,
      config: {
        Env: [
          'PATH=/go/bin:/usr/local/go/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
          'GOPATH=/go',
          'HOME=/root',
          // Offline: no module proxy, no toolchain downloads.
          'GOPROXY=off',
          'GOTOOLCHAIN=local',
          'GOSUMDB=off',
        ],
        WorkingDir: '/go',
        Cmd: ['/bin/sh'],
      },
      rootfs: { type: 'layers', diff_ids: [] },
      // buildah refuses a base image whose history does not account for every layer.
      history: [{ created_by: 'busybox, CA certificates' }, { created_by: 'Go toolchain' }],
    },
    layers,
  });
}


/**
 * Fills a BuildKit/buildah cache mount for GOCACHE the way earlier builds on a
 * developer's machine would: the same compile (same toolchain, flags and tags as
 * the generated Dockerfile) on the host, whose build cache is then hard-linked into
 * `cacheDir`. The standard library's cache keys do not depend on GOROOT's path, so the
 * build in the container finds it there instead of compiling net/http again.
 */
export async function seedGoBuildCache(app: string, pkg: string, cacheDir: string): Promise<void> {
  const go = join(GOROOT, 'bin/go');
  const hostCache = (await execOk(go, ['env', 'GOCACHE'])).stdout.trim();
  const compile = async (gocache: string): Promise<void> => {
    const out = await mkdtemp(join(tmpdir(), 'goscratch-seed-'));
    try {
      await execOk(go, ['build', '-trimpath', '-ldflags=-s -w', '-tags', 'timetzdata', '-o', join(out, 'app'), pkg], {
        cwd: app,
        env: { CGO_ENABLED: '0', GOOS: 'linux', GOARCH: hostPlatform().architecture, GOFLAGS: '', GOTOOLCHAIN: 'local', GOCACHE: gocache },
        timeoutMs: 120_000,
      });
    } finally {
      await rm(out, { recursive: true, force: true });
    }
  };
  await compile(hostCache);
  await mkdir(dirname(cacheDir), { recursive: true });
  const linked = await exec('cp', ['-al', hostCache, cacheDir]);
  if (linked.code !== 0) {
    // Another file system (e.g. a tmpfs /tmp): compile straight into the cache mount instead.
    await rm(cacheDir, { recursive: true, force: true });
    await compile(cacheDir);
  }
}
