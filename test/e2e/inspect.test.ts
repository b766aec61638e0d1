import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeLayout } from '../../src/io/layout.js';
import { newImage } from '../../src/image/model.js';
import { bufferLayer } from '../../src/image/layer.js';
import { sha256 } from '../../src/oci/digest.js';
import { Buildah } from '../helpers/buildah.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { HELLO, MINIMAL, NET_PROGRAM, buildGo, goMod } from '../binary/gobuild.js';
import { testImage } from '../inspect/images.js';
import { errorsOf, validateCycloneDx, validateSpdx } from '../inspect/schemas.js';
import type { InspectReport } from '../../src/inspect/report.js';

const report = (stdout: string): InspectReport => JSON.parse(stdout) as InspectReport;
const rulesOf = (r: InspectReport): string[] => [...new Set(r.findings.map((f) => f.rule))].sort();

describe('goscratch inspect and sbom from the command line', needTools('go', 'gcc', 'buildah'), () => {
  let dir: string;
  let buildah: Buildah;

  before(async () => {
    dir = await makeTempDir('inspect');
    buildah = await Buildah.create();
  });
  after(async () => {
    await buildah?.cleanup();
    if (dir) await removeTree(dir);
  });

  /** `FROM scratch` + COPY of a local binary, built by buildah and written as a layout and a docker archive. */
  async function buildahImage(name: string, binary: string, platform: string): Promise<{ layout: string; archive: string }> {
    const ctx = join(dir, `ctx-${name}`);
    await makeCtx(ctx, binary);
    await buildah.ok(['bud', '--isolation', 'chroot', '--quiet', '--platform', platform, '-t', `localhost/${name}:1`, ctx], { timeoutMs: 120_000 });
    const layout = join(dir, `layout-${name}`);
    await buildah.pushLayout(`localhost/${name}:1`, layout, 'v1');
    const archive = join(dir, `${name}.tar`);
    await buildah.ok(['push', '--quiet', `localhost/${name}:1`, `docker-archive:${archive}:localhost/${name}:1`], { timeoutMs: 120_000 });
    return { layout, archive };
  }

  async function makeCtx(ctx: string, binary: string): Promise<void> {
    const { mkdir } = await import('node:fs/promises');
    await mkdir(ctx, { recursive: true });
    await copyFile(binary, join(ctx, 'app'));
    await writeFile(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY app /app\nENTRYPOINT ["/app"]\n');
  }

  test('a cgo binary in a buildah scratch image: GS501 names the loader; layout and docker archive agree', async () => {
    const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': NET_PROGRAM }, env: { CGO_ENABLED: '1' } });
    const { layout, archive } = await buildahImage('cgo', bin, 'linux/amd64');
    for (const src of [`oci:${layout}:v1`, layout, archive, `archive:${archive}`]) {
      const r = await goscratch(['inspect', '--json', src]);
      assert.equal(r.code, 1, `${src}: ${r.stderr}`);
      const rep = report(r.stdout);
      const gs501 = rep.findings.find((f) => f.rule === 'GS501');
      assert.ok(gs501, src);
      assert.match(gs501.message, /\/lib64\/ld-linux-x86-64\.so\.2/);
      assert.ok(rulesOf(rep).includes('GS503'), 'buildah sets no USER: root');
      assert.equal(rep.platforms[0]?.binary.elf?.static, false);
      assert.equal(rep.platforms[0]?.binary.go?.settings.find((s) => s.key === 'CGO_ENABLED')?.value, '1');
    }
    const sarif = await goscratch(['inspect', '--format', 'sarif', archive]);
    assert.equal(sarif.code, 1);
    const log = JSON.parse(sarif.stdout) as { runs: { results: { ruleId: string }[] }[] };
    assert.ok(log.runs[0]?.results.some((x) => x.ruleId === 'GS501'));
    const text = await goscratch(['inspect', '--no-color', layout]);
    assert.match(text.stdout, /dynamic \(loader \/lib64\/ld-linux-x86-64\.so\.2, needs libc\.so\.6\)/);
    assert.match(text.stdout, /GS501 error/);
    const ignored = await goscratch(['inspect', '--json', '--ignore', 'GS501,GS503', layout]);
    assert.equal(ignored.code, 0, ignored.stderr);
  });

  test('an arm64 binary in an amd64-labelled buildah image: GS502', async () => {
    const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 'arm64' }, args: ['-ldflags=-s -w'] });
    const { layout } = await buildahImage('arm', bin, 'linux/amd64');
    const r = await goscratch(['inspect', '--json', layout]);
    assert.equal(r.code, 1);
    const f = report(r.stdout).findings.find((x) => x.rule === 'GS502');
    assert.match(f?.message ?? '', /AArch64 \(arm64\), but the image platform is amd64/);
  });

  test('a goscratch-made layout passes at the error threshold; sbom writes schema-valid documents', async () => {
    const img = await testImage({ binary: await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] }), config: { Env: ['GOMEMLIMIT=100MiB'] } });
    const layout = join(dir, 'layout-goscratch');
    await writeLayout(layout, img, { tags: ['latest'] });
    const r = await goscratch(['inspect', '--json', layout]);
    assert.equal(r.code, 0, r.stderr);
    const rep = report(r.stdout);
    assert.equal(rep.kind, 'image');
    assert.equal(rep.platforms[0]?.image?.user, '10001:10001');
    assert.ok(rulesOf(rep).includes('GS508'));
    // GOMAXPROCS advice without a declared CPU limit is info: a warning gate passes; with a declared limit it fails.
    const strict = await goscratch(['inspect', '-t', 'warning', '--format', 'github', layout]);
    assert.equal(strict.code, 0, strict.stdout + strict.stderr);
    assert.match(strict.stdout, /::notice .*title=GS508::/);
    const limited = join(dir, 'layout-limited');
    await writeLayout(limited, await testImage({ binary: await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] }), config: { Env: ['GOMEMLIMIT=100MiB'], Labels: { 'io.goscratch.cpus': '0.5' } } }), { tags: ['latest'] });
    const gate = await goscratch(['inspect', '-t', 'warning', '--format', 'github', limited]);
    assert.equal(gate.code, 1);
    assert.match(gate.stdout, /::warning .*title=GS513::.*0\.5-CPU limit the image declares/);

    const spdxFile = join(dir, 'sbom.spdx.json');
    const s = await goscratch(['sbom', layout, '-o', spdxFile, '--json']);
    assert.equal(s.code, 0, s.stderr);
    const summary = JSON.parse(s.stdout) as { format: string; components: number };
    assert.equal(summary.format, 'spdx');
    const spdx = JSON.parse(await readFile(spdxFile, 'utf8')) as object;
    assert.ok(validateSpdx(spdx), errorsOf(validateSpdx));
    const c = await goscratch(['sbom', '--format', 'cyclonedx', layout]);
    assert.equal(c.code, 0, c.stderr);
    const cdx = JSON.parse(c.stdout) as object;
    assert.ok(validateCycloneDx(cdx), errorsOf(validateCycloneDx));
  });

  test('a plain ELF file, and a layout with a truncated layer', async () => {
    const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] });
    const r = await goscratch(['inspect', '--json', `file:${bin}`]);
    assert.equal(r.code, 0, r.stderr);
    const rep = report(r.stdout);
    assert.equal(rep.kind, 'binary');
    // Only the Go runtime rules apply to a bare binary: no image, so no user, loader or CA checks.
    assert.ok(rulesOf(rep).includes('GS509'));
    assert.deepEqual(rulesOf(rep).filter((x) => !['GS508', 'GS509', 'GS511'].includes(x)), []);
    const sb = await goscratch(['sbom', bin]);
    assert.equal(sb.code, 0, sb.stderr);

    // A dynamically linked binary is an error on its own, as it is in an image.
    const cgo = await buildGo({ files: { 'go.mod': goMod(), 'main.go': NET_PROGRAM }, env: { CGO_ENABLED: '1' } });
    const dyn = await goscratch(['inspect', '--json', cgo]);
    assert.equal(dyn.code, 1, dyn.stderr);
    const gs501 = report(dyn.stdout).findings.find((f) => f.rule === 'GS501');
    assert.equal(gs501?.severity, 'error');
    assert.match(gs501?.message ?? '', /is dynamically linked \(built with CGO_ENABLED=1\): it needs the loader \/lib64\/ld-linux-x86-64\.so\.2 and libraries .*libc\.so\.6/);

    const junk = join(dir, 'junk.bin');
    await writeFile(junk, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1]), Buffer.alloc(100, 0xff)]));
    const bad = await goscratch(['inspect', junk]);
    assert.equal(bad.code, 1);
    assert.match(bad.stderr, /^error: cannot inspect .*junk\.bin: not a valid ELF file/m);
    assert.doesNotMatch(bad.stderr, /\n\s+at /, 'no stack trace');

    const good = await testImage({ binary: bin });
    const last = good.layers[good.layers.length - 1]!;
    const bytes = Buffer.concat(await (async () => {
      const chunks: Buffer[] = [];
      for await (const c of await last.open()) chunks.push(c as Buffer);
      return chunks;
    })());
    const cut = bytes.subarray(0, bytes.length >> 1);
    const truncated = newImage({ config: good.config, layers: [...good.layers.slice(0, -1), bufferLayer({ mediaType: last.mediaType, digest: sha256(cut), diffId: last.diffId, bytes: cut })] });
    const layout = join(dir, 'layout-truncated');
    await writeLayout(layout, truncated, { tags: ['latest'] });
    const t = await goscratch(['inspect', layout]);
    assert.equal(t.code, 1);
    assert.match(t.stderr, /error: layer 2 \(sha256:[0-9a-f]{12}\) is truncated/);
    assert.doesNotMatch(t.stderr, /\n\s+at /);
  });
});
