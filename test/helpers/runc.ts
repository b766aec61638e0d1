/**
 * Running an OCI image with runc, as ENVIRONMENT.md describes for these machines:
 * `umoci unpack` the layout into a bundle, then adjust config.json (no rlimits, since
 * raising a hard limit is forbidden here; no terminal; the host's network namespace so
 * the service is reachable on 127.0.0.1; a relative cgroup path; an optional CPU quota)
 * and `runc run -d`. Each container gets its own runc state directory.
 */
import { open, readFile, writeFile } from 'node:fs/promises';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { execOk } from './exec.js';
import { makeTempDir, removeTree } from './tmp.js';
import { pidGone } from './process.js';

export interface RuncOptions {
  /** `KEY=VALUE` entries set in the container's environment (replacing the image's). */
  env?: string[];
  /** Replaces the process arguments (entrypoint + cmd). */
  args?: string[];
  /** CFS quota, e.g. `{ quota: 50000, period: 100000 }` for half a CPU. */
  cpu?: { quota: number; period: number };
}

export interface RuncContainer {
  id: string;
  /** The bundle: config.json and rootfs/ as umoci unpacked them. */
  bundle: string;
  /** The service's PID on the host. */
  pid: number;
  /** The container's cpu cgroup directory (cpu.stat, cpu.cfs_quota_us live here). */
  cgroupDir: string;
  /** Everything the service wrote to stdout / stderr so far. */
  stdout(): Promise<string>;
  stderr(): Promise<string>;
  /** The cgroup's cpu.stat as numbers (nr_periods, nr_throttled, throttled_time, ...). */
  cpuStat(): Promise<Record<string, number>>;
  /** Undefined while the process runs; otherwise why it is gone (for waitForHttp's `alive`). */
  exited(): string | undefined;
  /** Kills and deletes the container and removes its files. Safe to call twice. */
  stop(): Promise<void>;
}

interface RuntimeConfig {
  process: { args?: string[]; env?: string[]; terminal?: boolean; rlimits?: unknown };
  linux: {
    namespaces?: { type: string }[];
    cgroupsPath?: string;
    resources?: { cpu?: { quota?: number; period?: number } };
  };
}

/** Unpacks `<layout>:<tag>` into a new bundle directory `dir` (must not exist). */
export async function unpackImage(layout: string, tag: string, dir: string): Promise<void> {
  await execOk('umoci', ['unpack', '--image', `${layout}:${tag}`, dir]);
}

function setEnv(env: string[], extra: readonly string[]): string[] {
  const keys = new Set(extra.map((e) => e.split('=')[0]));
  return [...env.filter((e) => !keys.has(e.split('=')[0])), ...extra];
}

/** The edits ENVIRONMENT.md lists, applied to umoci's generated runtime config. */
function adjustConfig(cfg: RuntimeConfig, id: string, opts: RuncOptions): RuntimeConfig {
  delete cfg.process.rlimits;
  cfg.process.terminal = false;
  if (opts.args) cfg.process.args = opts.args;
  if (opts.env) cfg.process.env = setEnv(cfg.process.env ?? [], opts.env);
  cfg.linux.namespaces = (cfg.linux.namespaces ?? []).filter((n) => n.type !== 'network');
  cfg.linux.cgroupsPath = `goscratch-test-${id}`;
  if (opts.cpu) cfg.linux.resources = { ...cfg.linux.resources, cpu: { quota: opts.cpu.quota, period: opts.cpu.period } };
  return cfg;
}

/** The host directory of the process's cpu cgroup (v1 `cpu` controller, else the v2 unified tree). */
async function cpuCgroupDir(pid: number): Promise<string> {
  const lines = (await readFile(`/proc/${pid}/cgroup`, 'utf8')).trim().split('\n');
  const v1 = lines.map((l) => l.split(':')).find((f) => f[1]?.split(',').includes('cpu'));
  if (v1?.[2]) return join('/sys/fs/cgroup/cpu', v1[2]);
  const v2 = lines.map((l) => l.split(':')).find((f) => f[0] === '0');
  return join('/sys/fs/cgroup', v2?.[2] ?? '/');
}

function runDetached(args: string[], outFd: number, errFd: number): Promise<number | null> {
  return new Promise((resolve, reject) => {
    const child = spawn('runc', args, { stdio: ['ignore', outFd, errFd] });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

/** Unpacks `<layout>:<tag>` and starts it detached under runc. Call `stop()` in a finally/after. */
export async function runImage(layout: string, tag: string, opts: RuncOptions = {}): Promise<RuncContainer> {
  const dir = await makeTempDir('runc');
  const id = randomBytes(6).toString('hex');
  const bundle = join(dir, 'bundle');
  const state = join(dir, 'state');
  const stdoutPath = join(dir, 'stdout.log');
  const stderrPath = join(dir, 'stderr.log');
  const pidFile = join(dir, 'pid');
  let stopped = false;
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    await execOk('runc', ['--root', state, 'delete', '--force', id]).catch(() => undefined);
    await removeTree(dir);
  };
  try {
    await unpackImage(layout, tag, bundle);
    const cfgPath = join(bundle, 'config.json');
    const cfg = adjustConfig(JSON.parse(await readFile(cfgPath, 'utf8')) as RuntimeConfig, id, opts);
    await writeFile(cfgPath, JSON.stringify(cfg, null, 2));

    const out = await open(stdoutPath, 'w');
    const err = await open(stderrPath, 'w');
    let code: number | null;
    try {
      code = await runDetached(['--root', state, 'run', '-d', '--pid-file', pidFile, '-b', bundle, id], out.fd, err.fd);
    } finally {
      await out.close();
      await err.close();
    }
    if (code !== 0) throw new Error(`runc run exited ${code}: ${await readFile(stderrPath, 'utf8')}`);
    const pid = Number((await readFile(pidFile, 'utf8')).trim());
    const cgroupDir = await cpuCgroupDir(pid);
    return {
      id,
      bundle,
      pid,
      cgroupDir,
      stdout: () => readFile(stdoutPath, 'utf8'),
      stderr: () => readFile(stderrPath, 'utf8'),
      cpuStat: async () => parseCpuStat(await readFile(join(cgroupDir, 'cpu.stat'), 'utf8')),
      exited: () => (stopped ? 'stopped' : pidGone(pid)),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

export function parseCpuStat(text: string): Record<string, number> {
  const stat: Record<string, number> = {};
  for (const line of text.trim().split('\n')) {
    const [k, v] = line.split(/\s+/);
    if (k && v !== undefined) stat[k] = Number(v);
  }
  return stat;
}
