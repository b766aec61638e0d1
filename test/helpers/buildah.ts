/**
 * buildah with a private vfs store (see containers-conf.ts) and chroot isolation, for
 * comparing against `FROM scratch` builds and for writing their result as an OCI layout.
 */
import { BoundTool } from './exec.js';
import { containersEnv, type ContainersEnv } from './containers-conf.js';

export class Buildah extends BoundTool {
  private constructor(private readonly store: ContainersEnv) {
    super('buildah', store.env);
  }

  static async create(): Promise<Buildah> {
    return new Buildah(await containersEnv('buildah'));
  }

  /** `buildah bud` of `dockerfile` (default `<context>/Dockerfile`) into the local store as `tag`. */
  async build(context: string, tag: string, dockerfile?: string): Promise<void> {
    const file = dockerfile ? ['-f', dockerfile] : [];
    await this.ok(['bud', '--isolation', 'chroot', '--quiet', ...file, '-t', tag, context], {
      timeoutMs: 120_000,
    });
  }

  /** Writes the stored image `tag` to the OCI layout `dir` under `ref`. */
  async pushLayout(tag: string, dir: string, ref: string): Promise<void> {
    await this.ok(['push', '--quiet', tag, `oci:${dir}:${ref}`], { timeoutMs: 120_000 });
  }

  async cleanup(): Promise<void> {
    await this.exec(['rm', '--all']);
    await this.store.remove();
  }
}
