/**
 * sha256 on worker threads. Node hashes on the thread that calls it, so blobs pulled
 * in parallel would otherwise be hashed one after another on the main thread; here
 * each blob's bytes go to one of a few workers (one per core, at most 4) as they
 * arrive, and the main thread only moves bytes from the socket to the file.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';

const WORKER = `
const { parentPort } = require('node:worker_threads');
const { createHash } = require('node:crypto');
const hashes = new Map();
parentPort.on('message', (m) => {
  if (m.op === 'update') {
    let h = hashes.get(m.id);
    if (!h) hashes.set(m.id, (h = createHash('sha256')));
    h.update(new Uint8Array(m.data));
    parentPort.postMessage({ id: m.id, acked: m.data.byteLength });
  } else {
    const h = hashes.get(m.id) || createHash('sha256');
    hashes.delete(m.id);
    parentPort.postMessage({ id: m.id, digest: 'sha256:' + h.digest('hex') });
  }
});
`;

/** Bytes a hash may have queued before update() waits for the worker to catch up. */
const MAX_IN_FLIGHT = 8 * 1024 * 1024;

interface Pending {
  inFlight: number;
  drained?: () => void;
  done?: (digest: string) => void;
  failed?: (e: Error) => void;
}

class HashWorker {
  private readonly worker = new Worker(WORKER, { eval: true });
  readonly pending = new Map<number, Pending>();

  constructor() {
    this.worker.on('error', (e) => {
      for (const p of this.pending.values()) p.failed?.(e);
      this.pending.clear();
      pool.splice(pool.indexOf(this), 1);
    });
    this.worker.on('message', (m: { id: number; acked?: number; digest?: string }) => {
      const p = this.pending.get(m.id);
      if (!p) return;
      if (m.acked !== undefined) {
        p.inFlight -= m.acked;
        if (p.drained && p.inFlight <= MAX_IN_FLIGHT / 2) {
          p.drained();
          p.drained = undefined;
        }
      } else if (m.digest) {
        this.pending.delete(m.id);
        p.done?.(m.digest);
      }
      if (this.pending.size === 0) this.worker.unref();
    });
    // Adding a 'message' listener refs the worker again: unref last, so an idle pool never keeps the process alive.
    this.worker.unref();
  }

  post(id: number, data: ArrayBuffer | undefined): void {
    // Keep the process alive while a hash is in flight.
    this.worker.ref();
    if (data) this.worker.postMessage({ op: 'update', id, data }, [data]);
    else this.worker.postMessage({ op: 'digest', id });
  }
}

const pool: HashWorker[] = [];
let nextId = 0;

export interface Sha256 {
  update(chunk: Uint8Array): Promise<void>;
  digest(): Promise<string>;
}

/** A running sha256 on the least busy worker. */
export function workerSha256(): Sha256 {
  if (pool.length === 0) {
    const n = Math.max(1, Math.min(4, availableParallelism()));
    for (let i = 0; i < n; i++) pool.push(new HashWorker());
  }
  const w = pool.reduce((a, b) => (b.pending.size < a.pending.size ? b : a));
  const id = nextId++;
  const state: Pending = { inFlight: 0 };
  w.pending.set(id, state);
  return {
    async update(chunk) {
      // A copy of just this view (not the pooled buffer behind it), transferred to the worker.
      const copy = new Uint8Array(chunk.byteLength);
      copy.set(chunk);
      state.inFlight += copy.byteLength;
      w.post(id, copy.buffer);
      if (state.inFlight > MAX_IN_FLIGHT) {
        await new Promise<void>((resolve, reject) => {
          state.drained = resolve;
          state.failed = reject;
        });
      }
    },
    digest() {
      return new Promise<string>((resolve, reject) => {
        state.done = resolve;
        state.failed = reject;
        w.post(id, undefined);
      });
    },
  };
}
