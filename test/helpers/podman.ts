/**
 * podman with a private store (see containers-conf.ts): load archives, run images on
 * the host network, build Dockerfiles, and remove everything afterwards.
 */
import { containersEnv, type ContainersEnv } from './containers-conf.js';
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

  /** Removes every container and the whole store. */
  async cleanup(): Promise<void> {
    await this.exec(['rm', '--all', '--force', '--time', '0']);
    await this.store.remove();
  }
}
