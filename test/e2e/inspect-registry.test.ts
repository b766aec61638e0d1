import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { pushArtifact } from '../../src/io/registry/push.js';
import { execOk } from '../helpers/exec.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { goscratch } from '../helpers/run.js';
import { needTools } from '../helpers/tools.js';
import { buildGo, goMod, HELLO } from '../binary/gobuild.js';
import { testImage } from '../inspect/images.js';
import { errorsOf, validateSpdx } from '../inspect/schemas.js';
import type { InspectReport } from '../../src/inspect/report.js';

describe('inspect and sbom --attach against a local registry', needTools('go', 'docker-registry', 'skopeo'), () => {
  let reg: TestRegistry;
  before(async () => {
    reg = await startRegistry();
  });
  after(async () => {
    await reg?.stop();
  });

  test('an image pulled from the registry is inspected; its SBOM is attached with the fallback tag', async () => {
    const img = await testImage({ binary: await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] }) });
    const insecure = { insecureRegistries: [reg.host] };
    await pushArtifact(`${reg.host}/svc:1`, img, insecure);
    const ref = `docker://${reg.host}/svc:1`;

    const r = await goscratch(['inspect', '--json', '--insecure-registry', reg.host, ref]);
    assert.equal(r.code, 0, r.stderr);
    const rep = JSON.parse(r.stdout) as InspectReport;
    assert.equal(rep.digest, img.digest);
    assert.equal(rep.platforms[0]?.binary.go?.path, 'example.com/hello');

    const s = await goscratch(['sbom', '--attach', '--json', '--insecure-registry', reg.host, '-o', `${reg.dir}/sbom.json`, ref]);
    assert.equal(s.code, 0, s.stderr);
    const summary = JSON.parse(s.stdout) as { attached: string; referrersApi: boolean; tags: string[] };
    const hex = img.digest.slice('sha256:'.length);
    // distribution 2.8 has no referrers API: the OCI 1.1 fallback tags are written.
    assert.equal(summary.referrersApi, false);
    assert.ok(summary.tags.includes(`${reg.host}/svc:sha256-${hex}.sbom`), summary.tags.join(', '));

    // An independent client sees the referrer, pointing at the image, holding the SPDX document.
    const raw = await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${reg.host}/svc:sha256-${hex}.sbom`]);
    const m = JSON.parse(raw.stdout) as { artifactType: string; subject: { digest: string }; layers: { mediaType: string; digest: string }[] };
    assert.equal(m.subject.digest, img.digest);
    assert.equal(m.artifactType, 'application/spdx+json');
    assert.equal(m.layers[0]?.mediaType, 'application/spdx+json');
    const blob = await fetch(`http://${reg.host}/v2/svc/blobs/${m.layers[0]?.digest}`);
    const doc = (await blob.json()) as object;
    assert.ok(validateSpdx(doc), errorsOf(validateSpdx));
  });
});
