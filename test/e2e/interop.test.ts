/**
 * The interop matrix: every form goscratch writes or reads, against every engine here.
 *
 * Rows (what goscratch wrote): a single-platform tarball (two -t names), a
 * multi-platform tarball, an OCI layout, a registry push (index + SBOMs), a layout
 * written by `goscratch pull` of a Docker-typed image (docker pushed it), a layout
 * written by umoci (pushed by goscratch), a `docker save` archive (pushed by goscratch).
 * Columns (who reads it): docker 20.10, podman 4.3, containerd 1.6 (ctr), runc via
 * umoci unpack, skopeo 1.9, crane 0.14.
 *
 * A cell passes when the image runs (answers HTTP, as uid 10001) or the consumer reads
 * it with the same digest; a cell an engine's own limits rule out asserts the engine's
 * refusal, so the README's table stays true. One registry, one dockerd, one containerd
 * and one podman store serve the whole matrix; the columns of a row run at once.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { cp, mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { readLayout } from '../../src/io/layout.js';
import { imagesOf, type Artifact, type Image } from '../../src/image/model.js';
import { Containerd } from '../helpers/containerd.js';
import { Dockerd } from '../helpers/dockerd.js';
import type { ContainerEngine } from '../helpers/engine.js';
import { execOk, exec } from '../helpers/exec.js';
import { EXAMPLES } from '../helpers/fixtures.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { Podman } from '../helpers/podman.js';
import { processIds } from '../helpers/process.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { runImage } from '../helpers/runc.js';
import { goscratch } from '../helpers/run.js';
import { removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';

const sha = (b: string | Buffer): string => 'sha256:' + createHash('sha256').update(b).digest('hex');
const amd64 = (a: Artifact): Image => imagesOf(a).find((i) => i.platform.architecture === 'amd64')!;

/** What each cell found, printed at the end as the README's table. */
const cells = new Map<string, Map<string, string>>();
const note = (row: string, col: string, text: string): void => {
  if (!cells.has(row)) cells.set(row, new Map());
  cells.get(row)!.set(col, text);
};

/** Waits for the service, checks its answer and that it runs as uid 10001. */
async function serves(port: number, pid: number, exited: () => string | undefined): Promise<void> {
  assert.deepEqual(await waitForHttp(`http://127.0.0.1:${port}/`, { alive: exited, timeoutMs: 30_000 }), { status: 200, body: 'hello\n' });
  assert.equal(processIds(pid).uid, 10001);
}

describe('interop matrix', needTools('go', 'docker-registry', 'dockerd', 'docker', 'podman', 'containerd', 'ctr', 'runc', 'umoci', 'skopeo', 'crane'), () => {
  let tmp = '';
  let reg: TestRegistry;
  let docker: Dockerd;
  let podman: Podman;
  let ctrd: Containerd;
  const env = (): Record<string, string> => ({ DOCKER_CONFIG: join(tmp, 'client') });
  const r = (p: string): string => join(tmp, p);

  // What goscratch wrote, and the digests every consumer must see.
  let single: Artifact; // hello:single, -t hello:alias: tarball + layout
  let multi: Artifact; // linux/amd64 + linux/arm64: tarball + layout + push
  let pulled: Artifact; // goscratch pull of an image docker pushed
  let umociDigest = '';
  let umociConfig = '';
  let savedDigest = '';
  const pushedSizes: Record<string, number> = {};

  before(async () => {
    // Lower case: podman names an image pulled from oci:DIR after DIR, and refuses upper case there.
    tmp = join(tmpdir(), `goscratch-test-interop-${randomBytes(6).toString('hex')}`);
    await mkdir(r('client'), { recursive: true });
    [reg, docker, podman, ctrd] = await Promise.all([startRegistry(), Dockerd.start(), Podman.create(), Containerd.start()]);
    const hello = join(EXAMPLES, 'hello');
    const one = await goscratch(['build', hello, '--platform', 'linux/amd64', '-t', 'hello:single', '-t', 'hello:alias', '--tarball', r('single.tar'), '--oci-layout', r('layout'), '--sbom', 'none', '--quiet']);
    assert.equal(one.code, 0, one.stderr);
    const two = await goscratch(['build', hello, '--platform', 'linux/amd64,linux/arm64', '-t', 'hello:multi', '--tarball', r('multi.tar'), '--oci-layout', r('layout'), '--push', `${reg.host}/interop/hello:multi`, '--quiet']);
    assert.equal(two.code, 0, two.stderr);
    single = await readLayout(r('layout'), { ref: 'hello:single' });
    multi = await readLayout(r('layout'), { ref: 'hello:multi' });
    assert.equal(one.stdout.trim(), single.digest);
    assert.equal(two.stdout.trim().split('@')[1], multi.digest);

    // A Docker schema 2 image in the registry (docker pushes those), pulled into a layout.
    await docker.ok(['load', '-i', r('single.tar')]);
    await docker.ok(['tag', 'hello:single', `${reg.host}/interop/docker:1`]);
    await docker.ok(['push', `${reg.host}/interop/docker:1`], { timeoutMs: 120_000 });
    const p = await goscratch(['pull', `${reg.host}/interop/docker:1`, r('pulled'), '--json']);
    assert.equal(p.code, 0, p.stderr);
    pulled = await readLayout(r('pulled'));
    assert.equal((JSON.parse(p.stdout) as { digest: string }).digest, pulled.digest);

    // A layout umoci wrote (manifests without a mediaType field), pushed by goscratch.
    await cp(r('layout'), r('umoci'), { recursive: true });
    await execOk('umoci', ['unpack', '--image', `${r('umoci')}:single`, r('umoci-bundle')]);
    await execOk('umoci', ['repack', '--image', `${r('umoci')}:umoci`, r('umoci-bundle')]);
    const u = await goscratch(['push', `${r('umoci')}:umoci`, `${reg.host}/interop/umoci:1`, '--quiet']);
    assert.equal(u.code, 0, u.stderr);
    umociDigest = u.stdout.trim().split('@')[1]!;
    umociConfig = (JSON.parse(await readFile(join(r('umoci'), 'blobs/sha256', umociDigest.slice(7)), 'utf8')) as { config: { digest: string } }).config.digest;

    // `docker save` (uncompressed layers), pushed by goscratch: the layers are gzipped.
    await docker.ok(['save', '-o', r('saved.tar'), 'hello:single']);
    const s = await goscratch(['push', r('saved.tar'), `${reg.host}/interop/saved:1`, '--quiet']);
    assert.equal(s.code, 0, s.stderr);
    savedDigest = s.stdout.trim().split('@')[1]!;
    for (const [name, ref] of [['docker save', 'saved:1'], ['goscratch build', 'hello:multi']] as const) {
      const m = JSON.parse((await execOk('crane', ['manifest', '--platform', 'linux/amd64', `${reg.host}/interop/${ref}`], { env: env() })).stdout) as { layers: { size: number; digest: string }[]; config: { size: number } };
      pushedSizes[name] = m.config.size + m.layers.reduce((n, l) => n + l.size, 0);
      // The same tars compress to the same bytes: docker save's layers come back as goscratch built them.
      assert.deepEqual(m.layers.map((l) => l.digest), (single as Image).layers.map((l) => l.digest), name);
    }
  });

  after(async () => {
    await Promise.all([ctrd?.stop(), docker?.stop(), podman?.cleanup(), reg?.stop()]);
    if (tmp) await removeTree(tmp);
    const cols = ['docker', 'podman', 'containerd', 'runc', 'skopeo', 'crane'];
    const lines = ['| output | ' + cols.join(' | ') + ' |', '|---|' + cols.map(() => '---').join('|') + '|'];
    for (const [row, m] of cells) lines.push(`| ${row} | ${cols.map((c) => m.get(c) ?? '').join(' | ')} |`);
    console.log(`\n${lines.join('\n')}\npushed sizes (config + layers, amd64): ${JSON.stringify(pushedSizes)}\n`);
  });

  // ---- the consumers, each cell one call ----

  /** `load -i` into docker or podman: the names it reports; the image's ID is its config digest. */
  async function load(engine: ContainerEngine, file: string, want: Image): Promise<string[]> {
    const names = await engine.load(file);
    const id = (await engine.ok(['image', 'inspect', '--format', '{{.Id}}', names[0]!])).stdout.trim();
    assert.equal(id.replace(/^sha256:/, ''), want.manifest.config.digest.slice(7));
    return names;
  }

  async function runIn(engine: ContainerEngine, image: string): Promise<void> {
    const port = await freePort();
    const c = await engine.run(image, { env: [`ADDR=127.0.0.1:${port}`] });
    try {
      await serves(port, c.pid, c.exited);
    } finally {
      await c.stop();
    }
  }

  async function runInCtr(image: string): Promise<void> {
    const port = await freePort();
    const t = await ctrd.run(image, [`ADDR=127.0.0.1:${port}`]);
    try {
      await serves(port, t.pid, t.exited);
    } finally {
      await t.stop();
    }
  }

  async function runUmoci(layout: string, ref: string): Promise<void> {
    const port = await freePort();
    const c = await runImage(layout, ref, { env: [`ADDR=127.0.0.1:${port}`] });
    try {
      await serves(port, c.pid, c.exited);
    } finally {
      await c.stop();
    }
  }

  /** `ctr images import`: the name it gets points at the digest goscratch wrote. */
  async function ctrImport(file: string, digest: string): Promise<string[]> {
    const before = new Set((await ctrd.images()).map((i) => i.name));
    await ctrd.ctr(['images', 'import', file]);
    const added = (await ctrd.images()).filter((i) => !before.has(i.name));
    assert.ok(added.length > 0, 'ctr import named the image');
    for (const i of added) assert.equal(i.digest, digest, i.name);
    return added.map((i) => i.name);
  }

  /** A layout as a plain OCI archive (what ctr import and docker load take). */
  async function tarLayout(layout: string): Promise<string> {
    const file = `${layout}.oci.tar`;
    await execOk('tar', ['-C', layout, '-cf', file, '.']);
    return file;
  }

  async function skopeoReads(src: string, digest: string, all: boolean): Promise<void> {
    const raw = (await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', src])).stdout;
    assert.equal(sha(raw), digest, `${src}: skopeo inspect --raw`);
    const dest = r(`skopeo-${sha(src).slice(7, 19)}`);
    await execOk('skopeo', ['copy', ...(all ? ['--all'] : []), '--src-tls-verify=false', src, `oci:${dest}:copy`], { timeoutMs: 120_000 });
    const idx = JSON.parse(await readFile(join(dest, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
    assert.equal(idx.manifests[0]?.digest, digest, `${src}: skopeo copy keeps the digest`);
  }

  async function craneReadsRemote(ref: string, digest: string): Promise<void> {
    const raw = (await execOk('crane', ['manifest', ref], { env: env() })).stdout;
    assert.equal(sha(raw), digest, `${ref}: crane manifest`);
    await execOk('crane', ['validate', '--remote', ref], { env: env(), timeoutMs: 120_000 });
    const out = r(`crane-${sha(ref).slice(7, 19)}.tar`);
    await execOk('crane', ['export', '--platform', 'linux/amd64', ref, out], { env: env(), timeoutMs: 120_000 });
    assert.match((await execOk('tar', ['-tf', out])).stdout, /^usr\/local\/bin\/hello$/m);
  }

  /** The same cells for an image in the registry. */
  function registryRow(row: string, ref: () => string, digest: () => string, configOf: () => string): void {
    describe(row, { concurrency: true }, () => {
      it('docker pull + run', async () => {
        await docker.ok(['pull', ref()], { timeoutMs: 120_000 });
        assert.equal((await docker.ok(['image', 'inspect', '--format', '{{.Id}}', ref()])).stdout.trim(), configOf());
        await runIn(docker, ref());
        note(row, 'docker', 'pull + run ✓');
      });
      it('podman pull + run', async () => {
        await podman.ok(['pull', '--tls-verify=false', ref()], { timeoutMs: 120_000 });
        const [id, repoDigests] = (await podman.ok(['image', 'inspect', '--format', '{{.Id}} {{json .RepoDigests}}', ref()])).stdout.trim().split(' ');
        assert.equal(`sha256:${id}`, configOf());
        assert.ok(repoDigests!.includes(`${ref().slice(0, ref().lastIndexOf(':'))}@${digest()}`), repoDigests);
        await runIn(podman, ref());
        note(row, 'podman', 'pull + run ✓');
      });
      it('ctr pull + run', async () => {
        await ctrd.ctr(['images', 'pull', '--plain-http', ref()]);
        assert.equal((await ctrd.images()).find((i) => i.name === ref())?.digest, digest());
        await runInCtr(ref());
        note(row, 'containerd', 'pull + run ✓');
      });
      it('skopeo inspect + copy', async () => {
        await skopeoReads(`docker://${ref()}`, digest(), true);
        note(row, 'skopeo', 'inspect + copy, same digest');
      });
      it('crane manifest + validate + export', async () => {
        await craneReadsRemote(ref(), digest());
        note(row, 'crane', 'manifest + validate + export ✓');
      });
      note(row, 'runc', 'n/a (umoci reads layouts; see the layout rows)');
    });
  }

  // ---- the rows ----

  describe('single-platform tarball', { concurrency: true }, () => {
    const row = 'single-platform tarball (`-t hello:single -t hello:alias`)';
    it('docker load (every name) + run', async () => {
      assert.deepEqual(await load(docker, r('single.tar'), single as Image), ['hello:single', 'hello:alias']);
      await runIn(docker, 'hello:alias');
      note(row, 'docker', 'load + run ✓, keeps both names');
    });
    it('podman load (the first name) + run', async () => {
      assert.deepEqual(await load(podman, r('single.tar'), single as Image), ['docker.io/library/hello:single']);
      await runIn(podman, 'hello:single');
      note(row, 'podman', 'load + run ✓, keeps the first name only');
    });
    it('ctr import (the first name) + run', async () => {
      assert.deepEqual(await ctrImport(r('single.tar'), single.digest), ['docker.io/library/hello:single']);
      await runInCtr('docker.io/library/hello:single');
      note(row, 'containerd', 'import + run ✓, keeps the first name only');
    });
    it('umoci unpack + runc', async () => {
      await mkdir(r('single-x'));
      await execOk('tar', ['-C', r('single-x'), '-xf', r('single.tar')]);
      await runUmoci(r('single-x'), 'single');
      note(row, 'runc', 'unpack + run ✓');
    });
    it('skopeo inspect + copy (oci-archive:, docker-archive:)', async () => {
      await skopeoReads(`oci-archive:${r('single.tar')}`, single.digest, false);
      const info = JSON.parse((await execOk('skopeo', ['inspect', `docker-archive:${r('single.tar')}`])).stdout) as { Layers: string[] };
      assert.equal(info.Layers.length, (single as Image).layers.length);
      note(row, 'skopeo', 'inspect + copy, same digest');
    });
    it('crane validate --tarball', async () => {
      await execOk('crane', ['validate', '--tarball', r('single.tar')], { env: env() });
      note(row, 'crane', 'validate ✓');
    });
  });

  describe('multi-platform tarball', { concurrency: true }, () => {
    const row = 'multi-platform tarball (amd64 + arm64)';
    it('docker load (this machine\'s image) + run', async () => {
      assert.deepEqual(await load(docker, r('multi.tar'), amd64(multi)), ['hello:multi']);
      await runIn(docker, 'hello:multi');
      note(row, 'docker', 'load + run ✓ (the amd64 image)');
    });
    it('podman load + run', async () => {
      await load(podman, r('multi.tar'), amd64(multi));
      await runIn(podman, 'hello:multi');
      note(row, 'podman', 'load + run ✓ (the amd64 image)');
    });
    it('ctr import + run', async () => {
      await ctrImport(r('multi.tar'), multi.digest);
      await runInCtr('docker.io/library/hello:multi');
      note(row, 'containerd', 'import + run ✓, the index digest');
    });
    it('umoci unpack refuses an index', async () => {
      await mkdir(r('multi-x'));
      await execOk('tar', ['-C', r('multi-x'), '-xf', r('multi.tar')]);
      const u = await exec('umoci', ['unpack', '--image', `${r('multi-x')}:multi`, r('multi-bundle')]);
      assert.notEqual(u.code, 0);
      const msg = /unsupported[^\n]*|[^\n]*index[^\n]*/i.exec(u.stderr)?.[0] ?? u.stderr.trim();
      note(row, 'runc', `umoci 0.4.7 reads no index: "${msg.trim()}"`);
    });
    it('skopeo inspect + copy --all', async () => {
      await skopeoReads(`oci-archive:${r('multi.tar')}`, multi.digest, true);
      note(row, 'skopeo', 'inspect + copy --all, same digest');
    });
    it('crane validate --tarball', async () => {
      await execOk('crane', ['validate', '--tarball', r('multi.tar')], { env: env() });
      note(row, 'crane', 'validate ✓ (the amd64 image)');
    });
  });

  describe('OCI layout', { concurrency: true }, () => {
    const row = 'OCI layout';
    it('docker 20.10 loads no OCI layout (Docker >= 25 does)', async () => {
      const l = await docker.exec(['load', '-i', await tarLayout(r('layout'))]);
      assert.notEqual(l.code, 0);
      assert.match(l.stderr, /no such file or directory/);
      note(row, 'docker', `20.10 refuses: "${l.stderr.trim().split('\n').pop()!.replace(/\/var\/\S+|\/tmp\/\S+/g, '…')}"; use --tarball`);
    });
    it('podman pull oci: + run', async () => {
      await runIn(podman, `oci:${r('layout')}:single`);
      note(row, 'podman', 'pull oci: + run ✓');
    });
    it('ctr import of the layout as a tar + run', async () => {
      const file = await tarLayout(r('layout'));
      await ctrd.ctr(['images', 'import', '--all-platforms', file]);
      const got = new Map((await ctrd.images()).map((i) => [i.name, i.digest]));
      assert.equal(got.get('docker.io/library/hello:alias'), single.digest);
      await runInCtr('docker.io/library/hello:alias');
      note(row, 'containerd', 'import + run ✓');
    });
    it('umoci unpack + runc', async () => {
      await runUmoci(r('layout'), 'single');
      note(row, 'runc', 'unpack + run ✓');
    });
    it('skopeo inspect + copy', async () => {
      await skopeoReads(`oci:${r('layout')}:single`, single.digest, false);
      await skopeoReads(`oci:${r('layout')}:multi`, multi.digest, true);
      note(row, 'skopeo', 'inspect + copy, same digest');
    });
    it('crane push --index of the layout, then validate', async () => {
      await execOk('crane', ['push', '--index', r('layout'), `${reg.host}/crane/layout:1`], { env: env() });
      const idx = JSON.parse((await execOk('crane', ['manifest', `${reg.host}/crane/layout:1`], { env: env() })).stdout) as { manifests: { digest: string }[] };
      assert.ok(idx.manifests.some((d) => d.digest === single.digest) && idx.manifests.some((d) => d.digest === multi.digest));
      await execOk('crane', ['validate', '--remote', `${reg.host}/crane/layout:1`], { env: env(), timeoutMs: 120_000 });
      note(row, 'crane', 'push + validate ✓, same digests');
    });
  });

  registryRow('registry push (index)', () => `${reg.host}/interop/hello:multi`, () => multi.digest, () => amd64(multi).manifest.config.digest);

  describe('registry push: SBOMs and pulls', () => {
    it('the index\'s referrers list an SBOM per platform', async () => {
      const hex = multi.digest.slice(7);
      const res = await fetch(`http://${reg.host}/v2/interop/hello/manifests/sha256-${hex}`, { headers: { accept: 'application/vnd.oci.image.index.v1+json' } });
      assert.equal(res.status, 200);
      const idx = (await res.json()) as { manifests: { artifactType: string; annotations?: Record<string, string> }[] };
      assert.deepEqual(idx.manifests.map((d) => [d.artifactType, d.annotations?.['io.goscratch.platform']]).sort(), [['application/spdx+json', 'linux/amd64'], ['application/spdx+json', 'linux/arm64']]);
      for (const img of imagesOf(multi)) {
        const own = await fetch(`http://${reg.host}/v2/interop/hello/manifests/sha256-${img.digest.slice(7)}.sbom`, { method: 'HEAD', headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } });
        assert.equal(own.status, 200, 'each platform image keeps its own .sbom');
      }
    });
    it('a pull downloads the layer both platforms share once', async () => {
      const shared = amd64(multi).layers[0]!.digest;
      assert.ok(imagesOf(multi).every((i) => i.layers[0]!.digest === shared));
      const p = await goscratch(['pull', `${reg.host}/interop/hello:multi`, r('pulled-multi'), '--debug']);
      assert.equal(p.code, 0, p.stderr);
      assert.equal(p.stderr.split('\n').filter((l) => l.includes(`/blobs/${shared} -> 200`)).length, 1);
    });
  });

  describe('layout written by goscratch pull (of a Docker-typed image)', { concurrency: true }, () => {
    const row = 'layout written by `goscratch pull` (source pushed by docker)';
    it('docker: as for any OCI layout', () => {
      note(row, 'docker', 'as OCI layout');
    });
    it('podman pull oci: + run', async () => {
      await runIn(podman, `oci:${r('pulled')}:1`);
      note(row, 'podman', 'pull oci: + run ✓');
    });
    it('ctr import + run', async () => {
      await ctrImport(await tarLayout(r('pulled')), pulled.digest);
      await runInCtr(`${reg.host}/interop/docker:1`);
      note(row, 'containerd', 'import + run ✓');
    });
    it('umoci unpack + runc', async () => {
      await runUmoci(r('pulled'), '1');
      note(row, 'runc', 'unpack + run ✓');
    });
    it('skopeo inspect + copy', async () => {
      await skopeoReads(`oci:${r('pulled')}:1`, pulled.digest, false);
      note(row, 'skopeo', 'inspect + copy, same digest');
    });
    it('crane push of the layout, then validate', async () => {
      await execOk('crane', ['push', r('pulled'), `${reg.host}/crane/pulled:1`], { env: env() });
      assert.equal(sha((await execOk('crane', ['manifest', `${reg.host}/crane/pulled:1`], { env: env() })).stdout), pulled.digest);
      await execOk('crane', ['validate', '--remote', `${reg.host}/crane/pulled:1`], { env: env(), timeoutMs: 120_000 });
      note(row, 'crane', 'push + validate ✓, same digest');
    });
  });

  registryRow('foreign layout (umoci repack) pushed by goscratch', () => `${reg.host}/interop/umoci:1`, () => umociDigest, () => umociConfig);
  registryRow('`docker save` archive pushed by goscratch', () => `${reg.host}/interop/saved:1`, () => savedDigest, () => (single as Image).manifest.config.digest);

});
