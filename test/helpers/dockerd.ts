/**
 * A private Docker daemon for a test file: dockerd with its data-root, exec-root,
 * pidfile and socket in a temp directory, vfs storage, no iptables/bridge (loopback
 * only, see ENVIRONMENT.md), driven with the Debian client /usr/bin/docker through
 * DOCKER_HOST. Starting takes seconds: start one per file, in `before`, and `stop()` it
 * in `after`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { open, readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContainerEngine } from './engine.js';
import { makeTempDir, removeTree } from './tmp.js';
import { pidGone } from './process.js';
import { toolPath } from './tools.js';

function ping(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ socketPath, path: '/_ping', timeout: 2_000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => req.destroy());
    req.end();
  });
}

/** Resolves true when `child` has exited, or false after `ms`. */
function exitOf(child: ChildProcess, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(true);
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

export class Dockerd extends ContainerEngine {
  private constructor(
    readonly dir: string,
    private readonly child: ChildProcess,
    readonly socket: string,
  ) {
    super(toolPath('docker') ?? '/usr/bin/docker', { DOCKER_HOST: `unix://${socket}`, DOCKER_CONFIG: join(dir, 'client') }, [
      '--force',
    ]);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** dockerd's own log (stdout and stderr), for failure messages. */
  log(): Promise<string> {
    return readFile(join(this.dir, 'dockerd.log'), 'utf8');
  }

  /** Starts dockerd and waits (at most `timeoutMs`) until its API answers. */
  static async start(timeoutMs = 60_000): Promise<Dockerd> {
    const dir = await makeTempDir('dockerd');
    await mkdir(join(dir, 'client'));
    const socket = join(dir, 'docker.sock');
    const config = {
      'data-root': join(dir, 'data'),
      'exec-root': join(dir, 'exec'),
      pidfile: join(dir, 'docker.pid'),
      hosts: [`unix://${socket}`],
      'storage-driver': 'vfs',
      iptables: false,
      'ip-forward': false,
      'ip-masq': false,
      bridge: 'none',
      'exec-opts': ['native.cgroupdriver=cgroupfs'],
    };
    await writeFile(join(dir, 'daemon.json'), JSON.stringify(config, null, 2));
    const logFile = await open(join(dir, 'dockerd.log'), 'w');
    let child: ChildProcess;
    try {
      child = spawn(toolPath('dockerd') ?? 'dockerd', ['--config-file', join(dir, 'daemon.json')], {
        stdio: ['ignore', logFile.fd, logFile.fd],
      });
    } finally {
      await logFile.close();
    }
    const d = new Dockerd(dir, child, socket);
    child.on('error', () => undefined); // a spawn failure shows up as the exit below
    try {
      const deadline = Date.now() + timeoutMs;
      while (!(await ping(socket))) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error('dockerd exited');
        if (Date.now() > deadline) throw new Error(`dockerd did not answer within ${timeoutMs} ms`);
        await sleep(100);
      }
      return d;
    } catch (e) {
      const log = await d.log().catch(() => '');
      await d.stop();
      throw new Error(`${(e as Error).message}\n--- dockerd log\n${log.slice(-4000)}`);
    }
  }

  /**
   * Removes all containers, stops dockerd by its PID (SIGTERM, then SIGKILL after 20 s,
   * also for the containerd it started), unmounts its network namespace and removes
   * every file.
   */
  async stop(): Promise<void> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const ids = (await this.exec(['ps', '-aq'])).stdout.split('\n').filter(Boolean);
      if (ids.length) await this.exec(['rm', '--force', ...ids]);
      const containerdPid = Number(await readFile(join(this.dir, 'exec/containerd/containerd.pid'), 'utf8').catch(() => ''));
      this.child.kill('SIGTERM');
      if (!(await exitOf(this.child, 20_000))) {
        this.child.kill('SIGKILL');
        await exitOf(this.child, 5_000);
      }
      if (containerdPid > 0 && !pidGone(containerdPid)) process.kill(containerdPid, 'SIGKILL');
    }
    await removeTree(this.dir); // unmounts <exec-root>/netns/default first
  }
}
