/**
 * What podman and the docker client share: the same load / run / logs / rm commands.
 * podman.ts and dockerd.ts point this at their private store or daemon.
 */
import { BoundTool } from './exec.js';
import { pidGone } from './process.js';

export interface RunOptions {
  /** `KEY=VALUE` entries for `-e`. */
  env?: string[];
  /** Arguments after the image (the image's Cmd). */
  args?: string[];
  /** Extra flags before the image, e.g. `['--cpus', '0.5']`. */
  flags?: string[];
}

export interface EngineContainer {
  id: string;
  /** The service's PID on the host (for /proc/<pid>/status). */
  pid: number;
  /** stdout and stderr of the service so far. */
  logs(): Promise<string>;
  /** Undefined while the service runs; otherwise why it is gone (for waitForHttp's `alive`). */
  exited(): string | undefined;
  /** Removes the container (killing it). Safe to call twice. */
  stop(): Promise<void>;
}

export class ContainerEngine extends BoundTool {
  constructor(
    bin: string,
    env: Record<string, string>,
    /** `rm` flags that kill without a grace period. */
    private readonly rmForce: readonly string[],
  ) {
    super(bin, env);
  }

  /** `load -i file`; returns the names reported as loaded (`Loaded image: name`). */
  async load(file: string): Promise<string[]> {
    const r = await this.ok(['load', '-i', file], { timeoutMs: 120_000 });
    return [...r.stdout.matchAll(/^Loaded image(?:\(s\))?: (.+)$/gm)].flatMap((m) =>
      (m[1] ?? '').split(',').map((s) => s.trim()),
    );
  }

  /** `run -d --network host`, so the service answers on 127.0.0.1. Call `stop()` on the result. */
  async run(image: string, opts: RunOptions = {}): Promise<EngineContainer> {
    const env = (opts.env ?? []).flatMap((e) => ['-e', e]);
    const r = await this.ok(['run', '-d', '--network', 'host', ...env, ...(opts.flags ?? []), image, ...(opts.args ?? [])]);
    const id = r.stdout.trim().split('\n').pop() ?? '';
    let stopped = false;
    const stop = async (): Promise<void> => {
      if (stopped) return;
      stopped = true;
      await this.exec(['rm', ...this.rmForce, id]);
    };
    try {
      const pid = Number((await this.ok(['inspect', '--format', '{{.State.Pid}}', id])).stdout.trim());
      return {
        id,
        pid,
        logs: async () => {
          const l = await this.ok(['logs', id]);
          return l.stdout + l.stderr;
        },
        exited: () => (stopped ? 'stopped' : pidGone(pid)),
        stop,
      };
    } catch (e) {
      await stop();
      throw e;
    }
  }
}
