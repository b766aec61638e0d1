/**
 * goscratch as a library, imported by its package name as a user would (through the
 * package's exports map and the built dist/, with types): build an image in memory,
 * publish it to an OCI layout through the same sinks the CLI uses, and read it back.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { appendLayers, buildLayer, emptyImage, layoutSink, publishAll, readLayout, setContainerConfig, UsageError, parsePlatform, type Image } from 'goscratch';
import { makeTempDir, removeTree } from './helpers/tmp.js';

test('the package entry exports the model, the transforms, the sinks and the typed errors', async () => {
  const dir = await makeTempDir('library');
  try {
    const layer = await buildLayer([{ type: 'file', path: '/hello.txt', mode: 0o444, data: Buffer.from('hi\n') }], { mtime: 0 });
    let img: Image = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [{ layer, history: { created_by: 'library test' } }]);
    img = setContainerConfig(img, (c) => ({ ...c, User: '10001:10001' }));
    const out = join(dir, 'layout');
    const [published] = await publishAll([{ name: 'lib', artifact: img, tags: ['lib:1'] }], [layoutSink(out)]);
    assert.deepEqual(published, { type: 'oci-layout', path: out, image: 'lib' });
    const back = await readLayout(out, { ref: '1' });
    assert.equal(back.digest, img.digest);
    assert.throws(() => parsePlatform('windows/amd64'), UsageError);
  } finally {
    await removeTree(dir);
  }
});
