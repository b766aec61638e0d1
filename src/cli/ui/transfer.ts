/**
 * Transfer progress for push and pull: one bar per blob (bytes and rate) on a TTY,
 * a plain line per finished blob otherwise.
 */
import type { SingleBar } from 'cli-progress';
import { isInteractive, isQuiet, log } from './log.js';
import type { BlobProgress } from '../../io/registry/upload.js';

export interface TransferProgress {
  push(p: BlobProgress): void;
  pull(p: { digest: string; total: number; received: number; done: boolean }): void;
  stop(): void;
}

function short(digest: string): string {
  return digest.replace(/^sha256:/, '').slice(0, 12);
}

function mb(n: number): string {
  return `${(n / 1e6).toFixed(1)} MB`;
}

/** Bars on a TTY only: cli-progress (and the readline module it loads) is loaded for them alone. */
export async function createProgress(): Promise<TransferProgress> {
  if (isQuiet()) return { push: () => undefined, pull: () => undefined, stop: () => undefined };
  if (!isInteractive()) {
    return {
      push: (p) => {
        if (p.state === 'uploaded' || p.state === 'exists' || p.state === 'mounted') log.info(`${short(p.digest)}: ${p.state === 'uploaded' ? `pushed ${mb(p.total)}` : p.state === 'exists' ? 'already present' : 'mounted'}`);
      },
      pull: (p) => {
        if (p.done) log.info(`${short(p.digest)}: pulled ${mb(p.total)}`);
      },
      stop: () => undefined,
    };
  }
  const { default: cliProgress } = await import('cli-progress');
  const multi = new cliProgress.MultiBar(
    { format: '{name} [{bar}] {value}/{total} bytes {speed} {status}', hideCursor: true, clearOnComplete: false, stream: process.stderr },
    cliProgress.Presets.shades_classic,
  );
  const bars = new Map<string, { bar: SingleBar; start: number }>();
  const update = (digest: string, total: number, done: number, status: string): void => {
    let entry = bars.get(digest);
    if (!entry) {
      entry = { bar: multi.create(total, 0, { name: short(digest), speed: '', status }), start: Date.now() };
      bars.set(digest, entry);
    }
    const secs = Math.max((Date.now() - entry.start) / 1000, 0.001);
    entry.bar.update(done, { speed: `${mb(done / secs)}/s`, status });
  };
  return {
    push: (p) => update(p.digest, p.total, p.sent, p.state),
    pull: (p) => update(p.digest, p.total, p.received, p.done ? 'done' : ''),
    stop: () => multi.stop(),
  };
}
