// Connections to a registry are kept alive and shared: a push or pull of several
// blobs opens a few TCP connections, not one per request. A counting TCP relay sits
// in front of a real registry; requests are counted from the client's debug log.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { pullIntoLayout, pushArtifact } from '../../src/io/registry/index.js';
import type { Logger } from '../../src/util/log.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { freePort } from '../helpers/http.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { testImage, testIndex } from '../registry/fixtures.js';

/** Relays TCP to the registry byte for byte, counting the connections clients open. */
class CountingRelay {
  connections = 0;
  private readonly sockets = new Set<Socket>();
  private readonly server: Server;

  constructor(upstreamPort: number) {
    this.server = createServer((client) => {
      this.connections++;
      const upstream = connect(upstreamPort, '127.0.0.1');
      for (const s of [client, upstream]) {
        this.sockets.add(s);
        s.on('error', () => undefined);
        s.on('close', () => {
          this.sockets.delete(s);
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream).pipe(client);
    });
  }

  async start(): Promise<string> {
    const port = await freePort();
    await new Promise<void>((r) => this.server.listen(port, '127.0.0.1', r));
    return `127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

/** Every request the client sends, from its debug lines ("METHOD url -> status"). */
function requestLog(): { lines: string[]; logger: Logger } {
  const lines: string[] = [];
  const logger: Logger = { info: () => undefined, warn: () => undefined, debug: (m) => lines.push(m) };
  return { lines, logger };
}

describe('registry connections', needTools('docker-registry'), () => {
  let reg: TestRegistry;
  let relay: CountingRelay;
  let host: string;
  let dir: string;
  before(async () => {
    reg = await startRegistry();
    relay = new CountingRelay(Number(reg.host.split(':')[1]));
    host = await relay.start();
    dir = await makeTempDir('connections');
  });
  after(async () => {
    await relay.stop();
    await reg.stop();
    await removeTree(dir);
  });

  it('pushes and pulls many blobs over a few reused connections', async () => {
    const img = await testImage({ layerSizes: [4096, 8192, 16384, 32768, 65536, 131072, 262144, 524288] });
    const jobs = 4;
    const push = requestLog();
    relay.connections = 0;
    const pushed = await pushArtifact(`${host}/conn/app:v1`, img, { jobs, logger: push.logger });
    assert.equal(pushed.digest, img.digest);
    // A ping, then per blob a HEAD, a POST and a PUT, then the manifest.
    assert.ok(push.lines.length >= 3 * 9 + 2, push.lines.join('\n'));
    assert.ok(relay.connections <= jobs + 1, `${relay.connections} connections for ${push.lines.length} requests`);

    const again = requestLog();
    relay.connections = 0;
    await pushArtifact(`${host}/conn/app:v1`, img, { jobs, logger: again.logger });
    assert.ok(relay.connections <= jobs + 1, `${relay.connections} connections for ${again.lines.length} requests`);

    const pull = requestLog();
    relay.connections = 0;
    await pullIntoLayout(`${host}/conn/app:v1`, join(dir, 'pulled'), { jobs, logger: pull.logger });
    assert.ok(pull.lines.length >= 11, pull.lines.join('\n'));
    assert.ok(relay.connections <= jobs + 1, `${relay.connections} connections for ${pull.lines.length} requests`);
  });

  it('fetches a layer that images of an index share once', async () => {
    const idx = await testIndex({ sharedBase: true });
    await pushArtifact(`${host}/conn/multi:v1`, idx);
    const pull = requestLog();
    await pullIntoLayout(`${host}/conn/multi:v1`, join(dir, 'multi'), { logger: pull.logger });
    const blobGets = pull.lines.filter((l) => /^GET \S+\/blobs\//.test(l));
    assert.equal(new Set(blobGets).size, blobGets.length, blobGets.join('\n'));
    // Two configs, the shared base, and each image's own three layers.
    assert.equal(blobGets.length, 2 + 1 + 2 * 3);
  });
});
