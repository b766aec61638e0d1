/**
 * A private containerd 1.6 (the one Debian's docker.io ships) for a test file, started
 * standalone as ENVIRONMENT.md describes: its own root, state and socket in a temp
 * directory, the CRI plugin off, driven with `ctr -a SOCKET`. Start one per file in
 * `before` and `stop()` it in `after`: every task is killed and deleted first (their
 * shims outlive containerd otherwise), then containerd is stopped by its PID.
 */
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { randomBytes } from 'node:crypto';
import { BoundTool, start, type Running } from './exec.js';
import { pidGone } from './process.js';
import { makeTempDir, removeTree } from './tmp.js';
import { toolPath } from './tools.js';

export interface CtrImage {
  name: string;
  /** The digest the name points at: an image manifest or an index. */
  digest: string;
}

export interface CtrTask {
  id: string;
  /** The service's PID on the host. */
  pid: number;
  exited(): string | undefined;
  stop(): Promise<void>;
}

export class Containerd extends BoundTool {
  private readonly tasks = new Set<string>();

  private constructor(
    readonly dir: string,
    private readonly proc: Running,
    readonly socket: string,
  ) {
    super(toolPath('ctr') ?? 'ctr', {});
  }

  get pid(): number {
    return this.proc.child.pid ?? -1;
  }

  /** `ctr -a SOCKET args…`; throws with ctr's output unless it exits 0. */
  ctr(args: readonly string[], timeoutMs = 120_000): Promise<{ stdout: string; stderr: string }> {
    return this.ok(['-a', this.socket, ...args], { timeoutMs });
  }

  /** `ctr … args`, never throwing: for the cells where an engine's refusal is the result. */
  ctrTry(args: readonly string[], timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return this.exec(['-a', this.socket, ...args], { timeoutMs });
  }

  static async start(timeoutMs = 30_000): Promise<Containerd> {
    const dir = await makeTempDir('containerd');
    const socket = join(dir, 'containerd.sock');
    const config = join(dir, 'config.toml');
    await writeFile(
      config,
      [
        'version = 2',
        `root = "${join(dir, 'root')}"`,
        `state = "${join(dir, 'state')}"`,
        'disabled_plugins = ["io.containerd.grpc.v1.cri"]',
        '[grpc]',
        `  address = "${socket}"`,
        '[ttrpc]',
        `  address = "${join(dir, 'containerd.sock.ttrpc')}"`,
        '',
      ].join('\n'),
    );
    const proc = start(toolPath('containerd') ?? 'containerd', ['--config', config, '--log-level', 'warn'], { timeoutMs: 60 * 60_000 });
    const c = new Containerd(dir, proc, socket);
    try {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        if (pidGone(c.pid)) throw new Error(`containerd exited: ${proc.stderr().slice(-4000)}`);
        const r = await c.exec(['-a', socket, 'version'], { timeoutMs: 5_000 });
        if (r.code === 0 && /Server:/.test(r.stdout)) return c;
        if (Date.now() > deadline) throw new Error(`containerd did not answer within ${timeoutMs} ms: ${proc.stderr().slice(-4000)}`);
        await sleep(100);
      }
    } catch (e) {
      await c.stop();
      throw e;
    }
  }

  /** The images containerd holds, by name. */
  async images(): Promise<CtrImage[]> {
    const { stdout } = await this.ctr(['images', 'ls']);
    return stdout.split('\n').slice(1).filter(Boolean).map((l) => {
      const [name, , digest] = l.split(/\s+/);
      return { name: name ?? '', digest: digest ?? '' };
    });
  }

  /** `ctr run -d --net-host IMAGE`: the service on the host's loopback. Call `stop()` on the result. */
  async run(image: string, env: readonly string[] = []): Promise<CtrTask> {
    const id = `t-${randomBytes(5).toString('hex')}`;
    this.tasks.add(id);
    const stop = async (): Promise<void> => {
      if (!this.tasks.delete(id)) return;
      await this.exec(['-a', this.socket, 'task', 'kill', '--signal', 'SIGKILL', id], { timeoutMs: 20_000 });
      for (let i = 0; i < 50; i++) {
        const r = await this.exec(['-a', this.socket, 'task', 'delete', id], { timeoutMs: 20_000 });
        if (r.code === 0 || /not found/.test(r.stderr)) break;
        await sleep(100);
      }
      await this.exec(['-a', this.socket, 'container', 'delete', id], { timeoutMs: 20_000 });
    };
    try {
      await this.ctr(['run', '-d', '--net-host', ...env.flatMap((e) => ['--env', e]), image, id]);
      const line = (await this.ctr(['task', 'ls'])).stdout.split('\n').find((l) => l.startsWith(`${id} `));
      const pid = Number(line?.split(/\s+/)[1]);
      if (!(pid > 0)) throw new Error(`no PID for task ${id}: ${line ?? '(not listed)'}`);
      return { id, pid, exited: () => pidGone(pid), stop };
    } catch (e) {
      await stop();
      throw e;
    }
  }

  /** Kills and deletes every task, stops containerd by its PID, removes its files (unmounting first). */
  async stop(): Promise<void> {
    if (!pidGone(this.pid)) {
      for (const id of [...this.tasks]) {
        this.tasks.add(id);
        await this.exec(['-a', this.socket, 'task', 'kill', '--signal', 'SIGKILL', id], { timeoutMs: 20_000 });
        await sleep(200);
        await this.exec(['-a', this.socket, 'task', 'delete', '--force', id], { timeoutMs: 20_000 });
        this.tasks.delete(id);
      }
      this.proc.child.kill('SIGTERM');
      const killer = setTimeout(() => this.proc.child.kill('SIGKILL'), 10_000);
      await this.proc.done.catch(() => undefined);
      clearTimeout(killer);
    }
    await removeTree(this.dir);
  }

  /** containerd's log so far, for failure messages. */
  log(): string {
    return this.proc.stderr();
  }
}
