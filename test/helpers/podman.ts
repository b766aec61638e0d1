/**
 * podman with a private store (see containers-conf.ts): load archives, run images on
 * the host network, build Dockerfiles, and remove everything afterwards.
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { containersEnv, type ContainersEnv } from './containers-conf.js';
import { start } from './exec.js';
import { ContainerEngine } from './engine.js';

export class Podman extends ContainerEngine {
  private constructor(private readonly store: ContainersEnv) {
    super('podman', store.env, ['--force', '--time', '0']);
  }

  static async create(): Promise<Podman> {
    return new Podman(await containersEnv('podman'));
  }

  /** `podman build` of a Dockerfile (chroot isolation). */
  async build(context: string, tag: string, dockerfile?: string): Promise<void> {
    const file = dockerfile ? ['-f', dockerfile] : [];
    await this.ok(['build', '--isolation', 'chroot', ...file, '-t', tag, context], {
      timeoutMs: 120_000,
    });
  }

  /**
   * `podman system service` on a socket in the store's directory: the Docker-compatible
   * API a client such as `goscratch build --load podman` talks to. Stop it with `stop()`.
   */
  async service(): Promise<{ socket: string; stop(): Promise<void> }> {
    const socket = join(this.store.dir, 'podman.sock');
    const svc = start(this.bin, ['system', 'service', '--time=0', `unix://${socket}`], { env: this.env, timeoutMs: 600_000 });
    const deadline = Date.now() + 30_000;
    while (!(await stat(socket).then(() => true, () => false))) {
      if (svc.child.exitCode !== null) throw new Error(`podman system service exited:\n${svc.stderr()}`);
      if (Date.now() > deadline) throw new Error(`podman system service did not listen within 30 s:\n${svc.stderr()}`);
      await sleep(100);
    }
    return {
      socket,
      stop: async () => {
        svc.child.kill('SIGTERM');
        await svc.done.catch(() => undefined);
      },
    };
  }

  /** Removes every container and the whole store. */
  async cleanup(): Promise<void> {
    await this.exec(['rm', '--all', '--force', '--time', '0']);
    await this.store.remove();
  }
}
