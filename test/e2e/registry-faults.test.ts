// Pushing and pulling through a proxy that misbehaves the way networks and busy
// registries do: connections dropped mid-upload, responses lost after the registry
// acted, 500s, 429s with Retry-After, and stalls. Every push must end with the right
// digest, or fail with a message naming the blob and the last error, and a failed
// push must never move a tag.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, request, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { existsSync } from 'node:fs';
import { mkdir, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { openRemote, pullIntoLayout, pushArtifact } from '../../src/io/registry/index.js';
import { digestOf } from '../../src/oci/digest.js';
import { readLayout } from '../../src/io/layout.js';
import type { RetryPolicy } from '../../src/io/registry/retry.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { freePort } from '../helpers/http.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { testImage } from '../registry/fixtures.js';

type Fault = 'drop' | 'lose' | '500' | '429' | 'stall';

interface FaultRates {
  drop: number;
  lose: number;
  500: number;
  429: number;
  stall: number;
}

/** An HTTP proxy in front of the registry that injects faults at the given rates. */
class FaultProxy {
  readonly counts: Record<Fault, number> = { drop: 0, lose: 0, 500: 0, 429: 0, stall: 0 };
  rates: FaultRates = { drop: 0, lose: 0, 500: 0, 429: 0, stall: 0 };
  /** Answer every request with 503 (a registry that stays down). */
  down = false;
  /** Flip a byte in every layer-sized (over 1 KiB) blob sent to the client. */
  corrupt = false;
  /** Answer the next N requests 429 with this Retry-After. */
  throttle = { n: 0, retryAfter: '0' };
  requests = 0;
  private readonly sockets = new Set<Socket>();
  private server?: Server;
  port = 0;

  constructor(private readonly upstreamPort: number) {}

  async start(): Promise<string> {
    this.port = await freePort();
    this.server = createServer((req, res) => this.handle(req, res));
    this.server.on('connection', (s) => {
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
    });
    await new Promise<void>((resolve) => this.server!.listen(this.port, '127.0.0.1', resolve));
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }

  private pick(): Fault | undefined {
    let roll = Math.random();
    for (const f of Object.keys(this.rates) as Fault[]) {
      roll -= this.rates[f];
      if (roll < 0) return f;
    }
    return undefined;
  }

  private answer(res: ServerResponse, status: number, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', connection: 'close', ...headers });
    res.end(JSON.stringify({ errors: [{ code: 'UNAVAILABLE', message: `injected ${status}` }] }));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    this.requests++;
    if (this.down) return this.answer(res, 503);
    if (this.throttle.n > 0) {
      this.throttle.n--;
      this.counts['429']++;
      return this.answer(res, 429, { 'retry-after': this.throttle.retryAfter });
    }
    const fault = req.url === '/v2/' ? undefined : this.pick();
    if (fault) this.counts[fault]++;
    if (fault === '500') return this.answer(res, 500);
    if (fault === '429') return this.answer(res, 429, { 'retry-after': '0' });
    if (fault === 'stall') return; // hold the connection until the client gives up
    const hasBody = Number(req.headers['content-length'] ?? 0) > 0 || req.headers['transfer-encoding'] === 'chunked';
    if (fault === 'drop' && !hasBody) return void req.socket.destroy();

    const up = request({ host: '127.0.0.1', port: this.upstreamPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      if (fault === 'lose') {
        // The registry acted on the request; the client never hears back.
        ur.resume();
        ur.on('end', () => req.socket.destroy());
        return;
      }
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      const blob = req.method === 'GET' && /\/blobs\/sha256:/.test(req.url ?? '') && Number(ur.headers['content-length'] ?? 0) > 1024;
      if (this.corrupt && blob) {
        let first = true;
        ur.on('data', (c: Buffer) => {
          if (first) {
            c = Buffer.from(c);
            c[0] = (c[0] ?? 0) ^ 0xff;
            first = false;
          }
          res.write(c);
        });
        ur.on('end', () => res.end());
      } else {
        ur.pipe(res);
      }
    });
    up.on('error', () => req.socket.destroy());
    if (fault === 'drop') {
      // Cut the connection part-way through the request body.
      const limit = Math.random() * Number(req.headers['content-length'] ?? 65536);
      let seen = 0;
      req.on('data', (c: Buffer) => {
        seen += c.length;
        if (seen >= limit) {
          up.destroy();
          req.socket.destroy();
        }
      });
    }
    req.pipe(up);
  }
}

const FAST: Partial<RetryPolicy> = { baseMs: 20, maxDelayMs: 300, totalMs: 30_000, stallMs: 1_000 };

async function tagDigest(host: string, repo: string, tag: string): Promise<string | undefined> {
  const res = await fetch(`http://${host}/v2/${repo}/manifests/${tag}`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
  return res.status === 200 ? (res.headers.get('docker-content-digest') ?? undefined) : undefined;
}

describe('registry faults', needTools('docker-registry'), () => {
  let reg: TestRegistry;
  let proxy: FaultProxy;
  let via: string;
  let tmp: string;
  before(async () => {
    reg = await startRegistry();
    proxy = new FaultProxy(Number(reg.host.split(':')[1]));
    via = await proxy.start();
    tmp = await makeTempDir('registry-faults');
  });
  after(async () => {
    await proxy?.stop();
    await reg?.stop();
    if (tmp) await removeTree(tmp);
  });

  it('completes 50 pushes of a 3-layer image through drops, lost responses, 500s, 429s and stalls', async () => {
    proxy.rates = { drop: 0.03, lose: 0.02, 500: 0.03, 429: 0.02, stall: 0.005 };
    const results: { digest: string; want: string; tag: string }[] = [];
    const queue = Array.from({ length: 50 }, (_, i) => i);
    const worker = async (): Promise<void> => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        // The third layer is larger than the chunk threshold: it goes up in resumable chunks.
        const img = await testImage({ layerSizes: [1024, 8192, 96 * 1024] });
        const r = await pushArtifact(`${via}/faults/app:p${i}`, img, { retry: FAST, chunkThreshold: 32 * 1024, chunkSize: 16 * 1024, jobs: 3 });
        results.push({ digest: r.digest, want: img.digest, tag: `p${i}` });
      }
    };
    await Promise.all(Array.from({ length: 5 }, worker));
    proxy.rates = { drop: 0, lose: 0, 500: 0, 429: 0, stall: 0 };

    assert.equal(results.length, 50);
    for (const r of results) {
      assert.equal(r.digest, r.want);
      assert.equal(await tagDigest(reg.host, 'faults/app', r.tag), r.want, `tag ${r.tag} points at the pushed image`);
    }
    for (const f of ['drop', 'lose', '500', '429'] as Fault[]) assert.ok(proxy.counts[f] > 0, `fault ${f} was injected (${JSON.stringify(proxy.counts)})`);
  });

  it('pulls through the same faults and verifies every blob', async () => {
    const img = await testImage({ layerSizes: [2048, 30_000, 120_000] });
    await pushArtifact(`${reg.host}/faults/pull:v1`, img);
    proxy.rates = { drop: 0.05, lose: 0.03, 500: 0.05, 429: 0.03, stall: 0.01 };
    try {
      for (let i = 0; i < 5; i++) {
        const dest = join(tmp, `pulled-${i}`);
        assert.equal((await pullIntoLayout(`${via}/faults/pull:v1`, dest, { retry: FAST })).digest, img.digest);
        const back = await readLayout(dest);
        assert.equal(back.digest, img.digest);
        // Layers read lazily from the registry go through the same retries.
        const remote = await openRemote(`${via}/faults/pull:v1`, { retry: FAST });
        for (const [j, l] of (remote.kind === 'image' ? remote.layers : []).entries()) assert.equal((await digestOf(await l.open())).digest, img.layers[j]!.digest);
      }
    } finally {
      proxy.rates = { drop: 0, lose: 0, 500: 0, 429: 0, stall: 0 };
    }
  });

  it('waits as long as Retry-After asks', async () => {
    const img = await testImage({ layerSizes: [100] });
    proxy.throttle = { n: 1, retryAfter: '1' };
    const started = Date.now();
    await pushArtifact(`${via}/faults/throttled:v1`, img, { retry: { ...FAST, maxDelayMs: 5_000 } });
    assert.ok(Date.now() - started >= 1_000, 'the push waited for Retry-After: 1');
    assert.equal(proxy.throttle.n, 0);
  });

  it('gives up within the time bound when the registry stays down, naming the blob, and moves no tag', async () => {
    const old = await testImage({ layerSizes: [100] });
    await pushArtifact(`${reg.host}/faults/down:v1`, old);
    const img = await testImage({ layerSizes: [100, 200] });
    // Half the blobs get through before the registry goes down for good.
    const before = proxy.requests;
    const downAfter = setInterval(() => {
      if (proxy.requests - before >= 4) proxy.down = true;
    }, 1);
    const started = Date.now();
    try {
      await assert.rejects(
        pushArtifact(`${via}/faults/down:v1`, img, { retry: { ...FAST, totalMs: 1_500 }, jobs: 1 }),
        (e: Error) => {
          assert.match(e.message, /^pushing (blob sha256:[a-f0-9]{64} \(\d+ bytes\)|manifest v1) to 127\.0\.0\.1:\d+\/faults\/down failed after \d+ attempts in [\d.]+s; last error: .*127\.0\.0\.1:\d+ answered 503/);
          return true;
        },
      );
    } finally {
      clearInterval(downAfter);
      proxy.down = false;
    }
    assert.ok(Date.now() - started < 10_000, 'gave up within the bound');
    assert.equal(await tagDigest(reg.host, 'faults/down', 'v1'), old.digest, 'the tag still points at the old image');
  });

  it('fails a pull whose blob does not match its digest and leaves nothing behind', async () => {
    const img = await testImage({ layerSizes: [5000] });
    await pushArtifact(`${reg.host}/faults/corrupt:v1`, img);
    const scratch = join(tmp, 'tmpdir');
    await mkdir(scratch);
    const dest = join(tmp, 'corrupt-layout');
    proxy.corrupt = true;
    try {
      const r = await goscratch(['pull', `${via}/faults/corrupt:v1`, dest], { env: { TMPDIR: scratch } });
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /is corrupt: received \d+ bytes with digest sha256:[a-f0-9]{64}, expected \d+ bytes with sha256:/);
    } finally {
      proxy.corrupt = false;
    }
    assert.equal(existsSync(dest), false);
    // (tsx, which runs the CLI from source here, keeps its cache in TMPDIR too.)
    assert.deepEqual((await readdir(scratch)).filter((f) => !f.startsWith('tsx')), []);
    assert.deepEqual((await readdir(tmp)).filter((f) => f.includes('corrupt-layout')), []);
  });

  it('names the registry and the connection error when nothing listens', async () => {
    const port = await freePort();
    const img = await testImage({ layerSizes: [10] });
    await assert.rejects(pushArtifact(`127.0.0.1:${port}/x:v1`, img, { retry: { ...FAST, totalMs: 500 } }), /failed after \d+ attempts .*ECONNREFUSED/);
  });
});
