/**
 * A deadline for one attempt that moves with its progress, like curl's low-speed
 * limit: in every window of `policy.stallMs`, at least `minBytesPerSecond` times the
 * window must move, so neither silence nor a trickle keeps an attempt alive.
 */
import { StallError, type RetryPolicy } from './retry.js';

export class Watchdog {
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly minBytes: number;
  private moved = 0;

  constructor(policy: RetryPolicy) {
    const windowMs = policy.stallMs;
    this.minBytes = Math.max(1, Math.round((policy.minBytesPerSecond * windowMs) / 1000));
    this.timer = setInterval(() => {
      if (this.moved < this.minBytes) {
        const s = windowMs / 1000;
        this.controller.abort(new StallError(this.moved === 0 ? `no data moved for ${s}s` : `less than ${this.minBytes} bytes moved in ${s}s`));
        this.stop();
      }
      this.moved = 0;
    }, windowMs);
    this.timer.unref();
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  progress(bytes: number): void {
    this.moved += bytes;
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** What to throw for `e`: the stall, when the watchdog caused it. */
  reason(e: unknown): unknown {
    return this.controller.signal.aborted ? this.controller.signal.reason : e;
  }
}
