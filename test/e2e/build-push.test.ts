/**
 * `goscratch build --push` through the CLI against a real registry: the printed
 * `REF@sha256:…`, every pushed tag in `--json`, short names under GOSCRATCH_REPO, the
 * SBOM attached as a referrer, skopeo reading the same digest, and a two-tag archive
 * that skopeo's oci-archive: transport accepts.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';

describe('goscratch build --push', needTools('go', 'docker-registry', 'skopeo'), () => {
  let reg: TestRegistry;
  let dir = '';

  before(async () => {
    reg = await startRegistry();
    dir = await makeTempDir('e2e-push');
  });
  after(async () => {
    await reg?.stop();
    await removeTree(dir);
  });

  it('pushes REF and every --tag, prints REF@digest, attaches the SBOM', async () => {
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--push', `${reg.host}/team/hello:v1`, '-t', 'hello:v2', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as { digest: string; pushed: string[]; sboms: string[] };
    assert.deepEqual(out.pushed, [`${reg.host}/team/hello@${out.digest}`, `${reg.host}/team/hello:v1`, `${reg.host}/team/hello:v2`]);
    for (const tag of ['v1', 'v2']) {
      const inspect = JSON.parse((await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/team/hello:${tag}`])).stdout) as { Digest: string };
      assert.equal(inspect.Digest, out.digest);
    }
    const tags = JSON.parse((await execOk('skopeo', ['list-tags', '--tls-verify=false', `docker://${reg.host}/team/hello`])).stdout) as { Tags: string[] };
    assert.ok(tags.Tags.includes(`sha256-${out.digest.slice(7)}.sbom`), `SBOM fallback tag missing: ${tags.Tags.join(', ')}`);
    const plain = await goscratch(['build', join(EXAMPLES, 'hello'), '--push', `${reg.host}/team/hello:v1`, '--sbom', 'none']);
    assert.equal(plain.stdout.trim(), `${reg.host}/team/hello@${out.digest}`);
  });

  it('puts a short name under GOSCRATCH_REPO', async () => {
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--push', 'svc:1', '--sbom', 'none', '--quiet'], { env: { GOSCRATCH_REPO: `${reg.host}/apps` } });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout.trim(), new RegExp(`^${reg.host}/apps/svc@sha256:[a-f0-9]{64}$`));
    await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${reg.host}/apps/svc:1`]);
  });

  it('refuses a bad push target before compiling, writing nothing', async () => {
    const tarball = join(dir, 'never.tar');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--tarball', tarball, '--push', 'Bad/Name']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid image reference "Bad\/Name"/);
    assert.doesNotMatch(r.stderr, /compiling/);
    await assert.rejects(execOk('test', ['-e', tarball]));
  });

  it('an archive with two tags is read by oci-archive: and docker-archive:', async () => {
    const tarball = join(dir, 'two.tar');
    const r = await goscratch(['build', join(EXAMPLES, 'hello'), '--tarball', tarball, '-t', 'a:1', '-t', 'b:2', '--sbom', 'none', '--json']);
    assert.equal(r.code, 0, r.stderr);
    const digest = (JSON.parse(r.stdout) as { digest: string }).digest;
    const oci = JSON.parse((await execOk('skopeo', ['inspect', `oci-archive:${tarball}`])).stdout) as { Digest: string };
    assert.equal(oci.Digest, digest);
    await execOk('skopeo', ['inspect', `docker-archive:${tarball}`]);
  });
});
