/**
 * `goscratch build --load` puts the image straight into a running engine through its
 * API socket: a private dockerd, and podman's API service on its own store. Each gets
 * every --tag name, and the image runs there.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { Dockerd } from '../helpers/dockerd.js';
import { Podman } from '../helpers/podman.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import type { ContainerEngine } from '../helpers/engine.js';

const NAMES = ['hello:load', 'example.com/team/hello:2.0'];
const tagArgs = NAMES.flatMap((n) => ['-t', n]);

async function answersHello(engine: ContainerEngine, image: string): Promise<void> {
  const port = await freePort();
  const c = await engine.run(image, { env: [`ADDR=127.0.0.1:${port}`] });
  try {
    assert.deepEqual(await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited }), { status: 200, body: 'hello\n' });
  } finally {
    await c.stop();
  }
}

describe('goscratch build --load', needTools('go', 'dockerd', 'docker', 'podman', 'runc'), () => {
  let dir = '';
  let docker: Dockerd | undefined;
  let podman: Podman | undefined;
  let service: { socket: string; stop(): Promise<void> } | undefined;

  before(async () => {
    dir = await makeTempDir('e2e-load');
    [docker, podman] = await Promise.all([Dockerd.start(), Podman.create()]);
    service = await podman.service();
  });
  after(async () => {
    await service?.stop();
    await podman?.cleanup();
    await docker?.stop();
    await removeTree(dir);
  });

  it('loads into docker (DOCKER_HOST) under every name, and the image runs', async () => {
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--load', '--json', ...tagArgs], { env: { DOCKER_HOST: `unix://${docker!.socket}` } });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; outputs: Array<{ type: string; path: string; names?: string[] }> };
    assert.deepEqual(out.outputs, [{ type: 'engine', path: docker!.socket, image: 'hello', names: NAMES }]);
    for (const n of NAMES) {
      const user = (await docker!.ok(['image', 'inspect', '--format', '{{.Config.User}}', n])).stdout.trim();
      assert.equal(user, '10001:10001', n);
    }
    await answersHello(docker!, 'hello:load');
  });

  it('loads into podman (--load podman, CONTAINER_HOST), under every name', async () => {
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--load', 'podman', ...tagArgs], { env: { CONTAINER_HOST: `unix://${service!.socket}` } });
    assert.equal(r.code, 0, r.stderr);
    for (const n of NAMES) {
      const user = (await podman!.ok(['image', 'inspect', '--format', '{{.Config.User}}', n])).stdout.trim();
      assert.equal(user, '10001:10001', n);
    }
    await answersHello(podman!, 'example.com/team/hello:2.0');
  });

  it('an engine that does not answer fails before anything is compiled, naming the socket', async () => {
    const sock = join(dir, 'nothing.sock');
    const cache = join(dir, 'cache');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--load', `unix://${sock}`], { env: { GOSCRATCH_CACHE: cache } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`^error: cannot reach engine at ${sock}: nothing answers there`, 'm'));
    assert.doesNotMatch(r.stderr, /compiling/);
  });
});
