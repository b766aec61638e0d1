// One source, one digest, whichever Node runs goscratch: the CA bundle is goscratch's
// own (frozen, see src/image/cabundle.ts), not the running Node's store, and nothing
// else in an image depends on the Node version. Builds examples/hello under every
// Node release in .ci/node-versions and under the Node running the tests.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { copyExample } from '../helpers/fixtures.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { missingNodes, nodeBinary, NODE_VERSIONS } from '../helpers/nodes.js';
import { missingTools, needAll } from '../helpers/tools.js';

describe('digests across Node versions', needAll(missingTools(['go']) ?? missingNodes()), () => {
  let tmp: string;
  let src: string;
  before(async () => {
    tmp = await makeTempDir('node-versions');
    src = await copyExample('hello', join(tmp, 'hello'));
  });
  after(async () => {
    if (tmp) await removeTree(tmp);
  });

  it(`builds examples/hello to one digest on Node ${NODE_VERSIONS.join(', ')} and ${process.version}`, async () => {
    const digests: Record<string, string> = {};
    for (const [name, node] of [...NODE_VERSIONS.map((v) => [`v${v}`, nodeBinary(v)] as const), [`${process.version} (tests)`, process.execPath] as const]) {
      const r = await goscratch(['build', src, '--platform', 'linux/amd64', '--oci-layout', join(tmp, `out-${name.split(' ')[0]}`), '--sbom', 'none', '--quiet'], { node, timeoutMs: 300_000 });
      assert.equal(r.code, 0, `${name}: ${r.stderr}`);
      digests[name] = r.stdout.trim();
    }
    assert.equal(new Set(Object.values(digests)).size, 1, `one digest expected: ${JSON.stringify(digests, null, 2)}`);
  });
});
