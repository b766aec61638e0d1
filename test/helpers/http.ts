/**
 * Waiting for a service a test started, and picking loopback ports for it.
 */
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

export interface HttpAnswer {
  status: number;
  body: string;
}

/**
 * Polls `GET url` until it answers (any status) or `timeoutMs` passes, then throws
 * with the last connection error. `alive` lets the caller stop early when the process
 * serving it has died (its message is thrown instead).
 */
export async function waitForHttp(
  url: string,
  opts: { timeoutMs?: number; alive?: () => string | undefined } = {},
): Promise<HttpAnswer> {
  const deadline = Date.now() + (opts.timeoutMs ?? 20_000);
  let last: unknown;
  for (;;) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      return { status: res.status, body: await res.text() };
    } catch (e) {
      last = e;
    }
    const dead = opts.alive?.();
    if (dead) throw new Error(`${url}: the service stopped before answering: ${dead}`);
    if (Date.now() > deadline) {
      const cause = last instanceof Error ? (last.cause instanceof Error ? last.cause.message : last.message) : String(last);
      throw new Error(`${url} did not answer within ${opts.timeoutMs ?? 20_000} ms (${cause})`);
    }
    await sleep(100);
  }
}

/** A port free on 127.0.0.1 right now (the kernel picks it; another process may take it later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}
