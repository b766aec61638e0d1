/**
 * buildah with a private vfs store (see containers-conf.ts) and chroot isolation, for
 * comparing against `FROM scratch` builds and for writing their result as an OCI layout.
 */
import { exec, execOk, type ExecOptions, type ExecResult } from './exec.js';
import { containersEnv, type ContainersEnv } from './containers-conf.js';

export class Buildah {
  private constructor(private readonly store: ContainersEnv) {}

  static async create(): Promise<Buildah> {
    return new Buildah(await containersEnv('buildah'));
  }

  get env(): Record<string, string> {
    return this.store.env;
  }

  exec(args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return exec('buildah', args, { ...opts, env: { ...this.store.env, ...opts.env } });
  }

  ok(args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return execOk('buildah', args, { ...opts, env: { ...this.store.env, ...opts.env } });
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
