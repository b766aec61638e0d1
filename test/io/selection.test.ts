// Which image a layout spec names (DIR, DIR:NAME, DIR@DIGEST), and what media type a
// manifest read from a layout has when its optional `mediaType` field is absent.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../../src/image/layerbuilder.js';
import { appendLayers, emptyImage, setContainerConfig } from '../../src/image/mutate.js';
import { artifactDescriptor, type Image } from '../../src/image/model.js';
import { readLayout, writeLayout } from '../../src/io/layout.js';
import { openArtifact } from '../../src/io/source.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { sha256 } from '../../src/oci/digest.js';
import { InputError, UsageError } from '../../src/util/errors.js';

async function image(text: string): Promise<Image> {
  const layer = await buildLayer([{ type: 'file', path: '/what.txt', mode: 0o444, data: Buffer.from(text) }], { mtime: 0 });
  const img = appendLayers(emptyImage({ os: 'linux', architecture: 'amd64' }), [{ layer, history: { created_by: 'test' } }]);
  return setContainerConfig(img, () => ({ Entrypoint: [`/${text}`], User: '10001:10001' }));
}

const made: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'gs-select-'));
  made.push(d);
  return d;
};
after(() => made.forEach((d) => rmSync(d, { recursive: true, force: true })));

/** The layout: `api:v1.2` and `cron:v1.2` built into one layout, plus a uniquely tagged image. */
async function twoApps(): Promise<{ dir: string; api: Image; cron: Image; tool: Image }> {
  const dir = join(tmp(), 'out');
  const api = await image('api');
  const cron = await image('cron');
  const tool = await image('tool');
  await writeLayout(dir, api, { tags: ['api:v1.2'] });
  await writeLayout(dir, cron, { tags: ['cron:v1.2'] });
  await writeLayout(dir, tool, { tags: ['tool:only'] });
  return { dir, api, cron, tool };
}

test('a layout image is selected by its full name, its short name or its digest', async () => {
  const { dir, api, cron } = await twoApps();
  assert.equal((await openArtifact(`${dir}:cron:v1.2`)).digest, cron.digest);
  assert.equal((await openArtifact(`${dir}:api:v1.2`)).digest, api.digest);
  assert.equal((await openArtifact(`oci:${dir}:docker.io/library/cron:v1.2`)).digest, cron.digest);
  assert.equal((await openArtifact(`${dir}@${cron.digest}`)).digest, cron.digest);
  assert.equal((await openArtifact(`oci:${dir}@${api.digest}`)).digest, api.digest);
  assert.equal((await openArtifact(`${dir}:cron:v1.2@${cron.digest}`)).digest, cron.digest);
});

test('a short tag selects its image when only one image has it', async () => {
  const { dir, tool } = await twoApps();
  assert.equal((await openArtifact(`${dir}:only`)).digest, tool.digest);
});

test('a tag two images share is refused, naming both, instead of picking one', async () => {
  const { dir, api, cron } = await twoApps();
  await assert.rejects(openArtifact(`${dir}:v1.2`), (e: unknown) => {
    assert.ok(e instanceof UsageError, `a usage error, got ${String(e)}`);
    assert.match(e.message, /docker\.io\/library\/api:v1\.2/);
    assert.match(e.message, /docker\.io\/library\/cron:v1\.2/);
    assert.ok(e.message.includes(api.digest) && e.message.includes(cron.digest), e.message);
    return true;
  });
});

test('a name or digest the layout does not hold is refused with what it has', async () => {
  const { dir, api } = await twoApps();
  await assert.rejects(openArtifact(`${dir}:nope:v1`), (e: unknown) => e instanceof InputError && /cron:v1\.2/.test(e.message));
  const missing = sha256('nothing');
  await assert.rejects(openArtifact(`${dir}@${missing}`), (e: unknown) => e instanceof InputError && e.message.includes(missing));
  await assert.rejects(openArtifact(`${dir}:api:v1.2@${missing}`), (e: unknown) => e instanceof InputError);
  await assert.rejects(openArtifact(`${dir}@sha256:123`), (e: unknown) => e instanceof UsageError && /digest/.test(e.message));
  assert.equal((await readLayout(dir, { ref: api.digest })).digest, api.digest);
});

test('a manifest without the optional mediaType field has its descriptor\'s media type', async () => {
  const dir = join(tmp(), 'layout');
  const img = await image('plain');
  await writeLayout(dir, img, { tags: ['plain:1'] });
  // As umoci writes it: the same manifest without "mediaType"; index.json's descriptor names the type.
  const bare = JSON.parse(img.rawManifest.toString()) as Record<string, unknown>;
  delete bare.mediaType;
  const raw = Buffer.from(JSON.stringify(bare));
  writeFileSync(join(dir, 'blobs/sha256', sha256(raw).slice(7)), raw);
  const index = JSON.parse(readFileSync(join(dir, 'index.json'), 'utf8')) as { manifests: { digest: string; size: number; mediaType: string }[] };
  index.manifests[0] = { ...index.manifests[0]!, digest: sha256(raw), size: raw.length, mediaType: MediaType.ociManifest };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));

  const back = await readLayout(dir);
  assert.equal(back.digest, sha256(raw));
  assert.equal(back.mediaType, MediaType.ociManifest);
  assert.equal(artifactDescriptor(back).mediaType, MediaType.ociManifest);

  // A manifest that names another type than its descriptor is refused.
  index.manifests[0]!.mediaType = MediaType.dockerManifest;
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  const withField = img.rawManifest;
  writeFileSync(join(dir, 'blobs/sha256', img.digest.slice(7)), withField);
  index.manifests[0] = { ...index.manifests[0]!, digest: img.digest, size: withField.length };
  writeFileSync(join(dir, 'index.json'), JSON.stringify(index));
  await assert.rejects(readLayout(dir), (e: unknown) => e instanceof InputError && /media type/.test(e.message));
});
