/**
 * The archive `goscratch build --tarball` writes is loaded by Docker 20.10 (which
 * cannot load a pure OCI archive) and runs there. One private dockerd for the file.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { Dockerd } from '../helpers/dockerd.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { processIds } from '../helpers/process.js';

describe('goscratch build --tarball: docker load and docker run', needTools('go', 'dockerd', 'docker', 'runc'), () => {
  let dir = '';
  let tarball = '';
  let docker: Dockerd | undefined;

  before(async () => {
    dir = await makeTempDir('e2e-docker');
    tarball = join(dir, 'hello.tar');
    // The daemon starts while the image builds.
    const [d, r] = await Promise.all([
      Dockerd.start(),
      goscratch(['build', join(EXAMPLES, 'hello'), '--tarball', tarball, '--tag', 'hello:docker', '--tag', 'example.com/team/hello:1.0']),
    ]);
    docker = d;
    assert.equal(r.code, 0, `build failed:\n${r.stderr}`);
  });
  after(async () => {
    await docker?.stop();
    await removeTree(dir);
  });

  it('docker load takes the archive with every --tag name', async () => {
    const names = await docker!.load(tarball);
    assert.deepEqual(names.sort(), ['example.com/team/hello:1.0', 'hello:docker']);
    const user = (await docker!.ok(['image', 'inspect', '--format', '{{.Config.User}}', 'hello:docker'])).stdout.trim();
    assert.equal(user, '10001:10001');
  });

  it('docker run --network host answers hello on 127.0.0.1, as uid 10001', async () => {
    const port = await freePort();
    const c = await docker!.run('hello:docker', { env: [`ADDR=127.0.0.1:${port}`] });
    try {
      const answer = await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited });
      assert.deepEqual(answer, { status: 200, body: 'hello\n' });
      assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
      assert.match((await c.logs()).split('\n')[0] ?? '', /^uid=10001 gid=10001 /);
    } finally {
      await c.stop();
    }
  });
});
