/**
 * A byte stream's chunks one at a time, as they arrived. A byte stream's own async
 * iterator takes everything it holds at each step and joins it into one new buffer,
 * which copies every byte of a blob once more; 'data' events hand each chunk on as it
 * is. The stream is paused while `limit` chunks wait, so what is held stays bounded.
 */
import { finished, type Readable } from 'node:stream';

export async function* chunksOf(stream: Readable, limit = 16): AsyncGenerator<Buffer> {
  const queue: Buffer[] = [];
  let state: { ended: true } | { error: unknown } | undefined;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };
  const onData = (c: Buffer): void => {
    queue.push(c);
    if (queue.length >= limit) stream.pause();
    notify();
  };
  // finished() reports an error, or a close before the end, as an error.
  const stopWatching = finished(stream, (e) => {
    state ??= e ? { error: e } : { ended: true };
    notify();
  });
  stream.on('data', onData);
  try {
    for (;;) {
      const c = queue.shift();
      if (c) {
        if (queue.length < limit / 2 && stream.isPaused()) stream.resume();
        yield c;
      } else if (state && 'error' in state) {
        throw state.error;
      } else if (state) {
        return;
      } else {
        await new Promise<void>((resolve) => (wake = resolve));
      }
    }
  } finally {
    stopWatching();
    stream.off('data', onData);
    // Left early (an error, a consumer that stopped): nobody reads the rest.
    if (!state) stream.destroy();
  }
}
