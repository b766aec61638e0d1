/**
 * `--platform linux/amd64,linux/arm64` writes an image index; each image carries a
 * binary compiled for its own architecture (read out of the layout's layers).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { layoutImages, layoutIndex, readImageFile } from '../helpers/oci.js';

/** ELF class and machine: 64-bit x86-64 is (2, 62), 64-bit AArch64 is (2, 183). */
function elfMachine(bin: Buffer): { elfClass: number; machine: number } {
  assert.equal(bin.subarray(0, 4).toString('latin1'), '\x7fELF', 'an ELF file');
  assert.equal(bin[5], 1, 'little-endian');
  return { elfClass: bin[4] ?? 0, machine: bin.readUInt16LE(18) };
}

describe('goscratch build --platform linux/amd64,linux/arm64', needTools('go'), () => {
  let dir = '';
  before(async () => {
    dir = await makeTempDir('e2e-platforms');
  });
  after(() => removeTree(dir));

  it('writes an index whose arm64 image holds an aarch64 ELF and amd64 image an x86-64 ELF', async () => {
    const layout = join(dir, 'layout');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--platform', 'linux/amd64,linux/arm64', '--oci-layout', layout, '--tag', 'hello:multi', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; platforms: { platform: string; digest: string }[] };
    assert.deepEqual(out.platforms.map((p) => p.platform), ['linux/amd64', 'linux/arm64']);

    const [top] = await layoutIndex(layout);
    assert.equal(top?.mediaType, 'application/vnd.oci.image.index.v1+json');
    assert.equal(top?.digest, out.digest);

    const images = await layoutImages(layout);
    assert.deepEqual(images.map((i) => i.platform).sort(), ['linux/amd64', 'linux/arm64']);
    const want: Record<string, number> = { 'linux/amd64': 62, 'linux/arm64': 183 };
    for (const image of images) {
      assert.equal(image.digest, out.platforms.find((p) => p.platform === image.platform)?.digest);
      const entry = image.config.config.Entrypoint?.[0];
      assert.ok(entry, `${image.platform} has an entrypoint`);
      const bin = await readImageFile(layout, image.manifest, entry);
      assert.ok(bin, `${image.platform}: ${entry} is in the layers`);
      assert.deepEqual(elfMachine(bin), { elfClass: 2, machine: want[image.platform] }, image.platform);
    }
  });
});
