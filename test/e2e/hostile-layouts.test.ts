// Crafted OCI layouts and archives read by `inspect`, `sbom` and `push`, watched from
// the outside: a FIFO blob, a config symlinked to /dev/zero or far larger than its
// descriptor, an index DAG, a swapped layer, a symlinked blob, JSON that must not be
// quoted back, truncated and deep archives, a 200k-file archive, a layer that expands
// to a 2 GiB entrypoint. Each must end within 60 s with a message, not a stack,
// within a memory bound, writing next to nothing to TMPDIR.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createWriteStream } from 'node:fs';
import { copyFile, readFile, readdir, rm, symlink, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { pack as tarPack } from 'tar-stream';
import { MediaType } from '../../src/oci/mediatypes.js';
import { execOk } from '../helpers/exec.js';
import { measure, type Measured } from '../helpers/bounds.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { goscratch, startGoscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools } from '../helpers/tools.js';
import { HELLO, MINIMAL, buildGo, goMod } from '../binary/gobuild.js';
import { archiveOfLayout, blobFile, ensureDir, imageLayout, putBlob, setIndex, sha, zeros } from '../io/hostile.js';

const MiB = 2 ** 20;
/** Peak RSS a failed read may reach: node + tsx + goscratch start at about 150 MiB. */
const RSS_BOUND = 400 * MiB;
const MINUTE = 60_000;

/** Runs goscratch under the bounds (default: 1.5 GiB RSS, 60 s), killing it past one. */
function bounded(args: string[], env: Record<string, string>, o: { dir?: string; diskBytes?: number; ms?: number } = {}): Promise<Measured> {
  return measure(startGoscratch(args, { env, timeoutMs: 10 * MINUTE }), { rssBytes: 1.5 * 2 ** 30, ms: o.ms ?? MINUTE, ...(o.dir ? { dir: o.dir, diskBytes: o.diskBytes ?? 2 ** 30 } : {}) });
}

function describeRun(m: Measured): string {
  return `exit ${m.result.code ?? m.result.signal}, ${Math.round(m.peakRssBytes / MiB)} MiB peak RSS, ${Math.round(m.peakDiskBytes / MiB)} MiB peak in TMPDIR, ${m.ms} ms${m.exceeded ? `, killed past the ${m.exceeded} bound` : ''}\n--- stderr\n${m.result.stderr.slice(0, 2000)}`;
}

describe('hostile layouts and archives', needTools('go', 'docker-registry'), () => {
  let dir: string;
  let hello: string;
  let minimal: string;
  let n = 0;
  /** A fresh directory per case, and a TMPDIR inside it that the run must leave empty. */
  const scratch = async (): Promise<{ d: string; tmp: string; env: Record<string, string> }> => {
    const d = await ensureDir(join(dir, `case-${++n}`));
    const tmp = await ensureDir(join(d, 'tmp'));
    // tsx (the CLI runs from source here) would otherwise keep its cache in TMPDIR.
    return { d, tmp, env: { TMPDIR: tmp, TSX_DISABLE_CACHE: '1' } };
  };
  const noStack = (stderr: string): void => {
    assert.doesNotMatch(stderr, /internal error|\n\s+at /, 'a message, not a stack trace');
  };

  before(async () => {
    dir = await makeTempDir('hostile');
    hello = await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO } });
    minimal = await buildGo({ files: { 'go.mod': goMod('example.com/minimal'), 'main.go': MINIMAL } });
  });
  after(async () => {
    if (dir) await removeTree(dir);
  });

  test('a FIFO layer blob is refused at once, by inspect, sbom and push', async (t) => {
    const { d, tmp, env } = await scratch();
    const { layout, image } = await imageLayout(d, { binary: hello });
    const fifo = blobFile(layout, image.layers.at(-1)!.digest);
    await rm(fifo);
    await execOk('mkfifo', [fifo]);
    // push reads its source before it connects: nothing listens on port 9 and nothing needs to.
    for (const args of [['inspect', layout], ['sbom', layout], ['push', layout, '127.0.0.1:9/hostile/fifo:1']]) {
      const m = await bounded(args, env, { dir: tmp });
      t.diagnostic(describeRun(m).split('\n')[0]!);
      assert.equal(m.exceeded, undefined, `${args[0]} gives up within 60 s: ${describeRun(m)}`);
      assert.equal(m.result.code, 1, describeRun(m));
      assert.match(m.result.stderr, /not a regular file/);
      noStack(m.result.stderr);
    }
    assert.deepEqual(await readdir(tmp), []);
  });

  test('a config symlinked to /dev/zero fails with bounded memory', async (t) => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    const config = blobFile(layout, image.manifest.config.digest);
    await rm(config);
    await symlink('/dev/zero', config);
    const m = await bounded(['inspect', layout], env);
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.result.code, 1, describeRun(m));
    assert.ok(m.peakRssBytes < RSS_BOUND, `peak RSS under ${RSS_BOUND / MiB} MiB: ${describeRun(m)}`);
    assert.match(m.result.stderr, /symbolic link|not a regular file/);
    noStack(m.result.stderr);
  });

  test('a config file far larger than its descriptor is not read whole', async (t) => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    const config = blobFile(layout, image.manifest.config.digest);
    await truncate(config, 1536 * MiB); // sparse: no disk used
    const m = await bounded(['inspect', layout], env);
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.result.code, 1, describeRun(m));
    assert.ok(m.peakRssBytes < RSS_BOUND, `peak RSS under ${RSS_BOUND / MiB} MiB: ${describeRun(m)}`);
    assert.match(m.result.stderr, /bytes|size/);
    noStack(m.result.stderr);
  });

  test('an index DAG (5 levels, each listing the next 100 times) is read in linear time', async (t) => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    let child: { mediaType: string; digest: string; size: number } = { mediaType: MediaType.ociManifest, digest: image.digest, size: image.rawManifest.length };
    for (let level = 0; level < 5; level++) {
      const index = { schemaVersion: 2, mediaType: MediaType.ociIndex, manifests: Array.from({ length: 100 }, () => child) };
      child = await putBlob(layout, MediaType.ociIndex, Buffer.from(JSON.stringify(index)));
    }
    await setIndex(layout, [child]);
    const m = await bounded(['inspect', '--json', '-t', 'none', layout], env);
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.exceeded, undefined, `gives up within 60 s: ${describeRun(m)}`);
    assert.equal(m.result.code, 0, describeRun(m));
    const report = JSON.parse(m.result.stdout) as { platforms: unknown[] };
    assert.equal(report.platforms.length, 1, 'the one image, once');
  });

  test('an index nested 40 deep is refused with a message', async () => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    let child: { mediaType: string; digest: string; size: number } = { mediaType: MediaType.ociManifest, digest: image.digest, size: image.rawManifest.length };
    for (let level = 0; level < 40; level++) {
      child = await putBlob(layout, MediaType.ociIndex, Buffer.from(JSON.stringify({ schemaVersion: 2, manifests: [child] })));
    }
    await setIndex(layout, [child]);
    const r = await goscratch(['inspect', layout], { env, timeoutMs: MINUTE });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /nested/);
    noStack(r.stderr);
  });

  test('a swapped layer fails inspect and sbom, from a layout and from an OCI archive', async () => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d, { binary: hello });
    const other = await imageLayout(await ensureDir(join(d, 'other')), { binary: minimal });
    // The other binary's layer bytes under this image's layer digest.
    await copyFile(blobFile(other.layout, other.image.layers.at(-1)!.digest), blobFile(layout, image.layers.at(-1)!.digest));
    const archive = join(d, 'swapped.tar');
    await archiveOfLayout(layout, archive);
    for (const src of [layout, archive]) {
      for (const args of [['inspect', src], ['sbom', src]]) {
        const r = await goscratch(args, { env, timeoutMs: MINUTE });
        assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
        assert.match(r.stderr, /does not match|corrupt/);
        assert.equal(r.stdout, '', 'no report or SBOM of the other binary');
        noStack(r.stderr);
      }
    }
  });

  test('push of a layout whose blob is a symlink uploads nothing', async (t) => {
    const reg: TestRegistry = await startRegistry();
    t.after(() => reg.stop());
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    const layer = image.layers.at(-1)!;
    // Even a symlink to the very same bytes: a layout's blobs are its own files.
    const elsewhere = join(d, 'elsewhere');
    await copyFile(blobFile(layout, layer.digest), elsewhere);
    await rm(blobFile(layout, layer.digest));
    await symlink(elsewhere, blobFile(layout, layer.digest));
    const r = await goscratch(['push', layout, `${reg.host}/hostile/link:1`], { env, timeoutMs: MINUTE });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /symbolic link|not a regular file/);
    noStack(r.stderr);
    const blob = await fetch(`http://${reg.host}/v2/hostile/link/blobs/${layer.digest}`, { method: 'HEAD' });
    assert.equal(blob.status, 404, 'the linked file never reached the registry');
    const manifest = await fetch(`http://${reg.host}/v2/hostile/link/manifests/1`, { method: 'HEAD' });
    assert.equal(manifest.status, 404);
  });

  test('a JSON error never quotes the file it read (index.json or config linked to a secret)', async () => {
    const { d, env } = await scratch();
    const secret = 'root:$6$SECRETHASH0123456789:19000:0:99999:7:::\n';
    const shadow = join(d, 'shadow');
    await writeFile(shadow, secret);
    // index.json linked to the secret (refused as a link), and holding it as a file (not JSON).
    const a = await imageLayout(await ensureDir(join(d, 'a')));
    await rm(join(a.layout, 'index.json'));
    await symlink(shadow, join(a.layout, 'index.json'));
    const c = await imageLayout(await ensureDir(join(d, 'c')));
    await writeFile(join(c.layout, 'index.json'), secret);
    // A config whose digest is right but whose bytes are the secret.
    const b = await imageLayout(await ensureDir(join(d, 'b')));
    const config = await putBlob(b.layout, MediaType.ociConfig, Buffer.from(secret));
    const manifest = await putBlob(b.layout, MediaType.ociManifest, Buffer.from(JSON.stringify({ ...b.image.manifest, config })));
    await setIndex(b.layout, [manifest]);
    for (const [layout, why] of [[a.layout, /symbolic link/], [b.layout, /JSON/], [c.layout, /JSON/]] as const) {
      const r = await goscratch(['inspect', layout], { env, timeoutMs: MINUTE });
      assert.equal(r.code, 1, r.stderr);
      assert.doesNotMatch(r.stdout + r.stderr, /SECRETHASH|root:/);
      assert.match(r.stderr, why);
      noStack(r.stderr);
    }
  });

  test('malformed index and manifest JSON are input errors, not internal ones', async () => {
    const { d, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    const cases: Array<() => Promise<void>> = [
      () => setIndex(layout, []).then(() => writeFile(join(layout, 'index.json'), '{"schemaVersion":2}')),
      async () => setIndex(layout, [await putBlob(layout, MediaType.ociIndex, Buffer.from('{"schemaVersion":2,"manifests":5}'))]),
      async () => setIndex(layout, [await putBlob(layout, MediaType.ociManifest, Buffer.from(JSON.stringify({ ...image.manifest, layers: undefined })))]),
      async () => setIndex(layout, [await putBlob(layout, MediaType.ociManifest, Buffer.from(JSON.stringify({ ...image.manifest, config: { digest: '../../../etc/passwd', size: 1 } })))]),
    ];
    for (const make of cases) {
      await make();
      const r = await goscratch(['inspect', layout], { env, timeoutMs: MINUTE });
      assert.equal(r.code, 1, r.stderr);
      noStack(r.stderr);
    }
  });

  test('a truncated archive is an error with a message', async () => {
    const { d, tmp, env } = await scratch();
    const { layout } = await imageLayout(d, { binary: hello });
    const archive = join(d, 'full.tar');
    await archiveOfLayout(layout, archive);
    const bytes = await readFile(archive);
    for (const cut of [bytes.length - 1024 - 700, Math.floor(bytes.length / 2), 700]) {
      const file = join(d, `cut-${cut}.tar`);
      await writeFile(file, bytes.subarray(0, cut));
      const r = await goscratch(['inspect', file], { env, timeoutMs: MINUTE });
      assert.equal(r.code, 1, `cut at ${cut}: ${r.stderr}`);
      assert.match(r.stderr, /truncated|missing|not an? /);
      noStack(r.stderr);
    }
    assert.deepEqual(await readdir(tmp), [], 'TMPDIR left empty');
  });

  test('an archive with a directory 2,000 levels deep is read without a crash and leaves TMPDIR empty', async () => {
    const { d, tmp, env } = await scratch();
    const { layout } = await imageLayout(d, { binary: hello });
    const deep = Array.from({ length: 2000 }, () => 'a').join('/');
    const archive = join(d, 'deep.tar');
    await archiveOfLayout(layout, archive, [{ name: `${deep}/`, type: 'directory' }, { name: `${deep}/f`, data: Buffer.from('x') }]);
    const r = await goscratch(['inspect', '--json', '-t', 'none', archive], { env, timeoutMs: MINUTE });
    assert.equal(r.code, 0, r.stderr);
    noStack(r.stderr);
    assert.deepEqual(await readdir(tmp), [], 'TMPDIR left empty');
  });

  test('a 200,000-file archive is not extracted: it ends within 60 s and writes nothing to TMPDIR', async (t) => {
    const { d, tmp, env } = await scratch();
    const { layout } = await imageLayout(d, { binary: hello });
    const archive = join(d, 'many.tar');
    const junk = Array.from({ length: 200_000 }, (_, i) => ({ name: `junk/${i % 100}/${i}`, data: Buffer.from('x') }));
    await archiveOfLayout(layout, archive, junk);
    const m = await bounded(['inspect', '--json', '-t', 'none', archive], env, { dir: tmp });
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.exceeded, undefined, `ends within 60 s: ${describeRun(m)}`);
    assert.ok(m.result.code === 0 || m.result.code === 1, describeRun(m));
    noStack(m.result.stderr);
    assert.ok(m.peakDiskBytes < 64 * MiB, `TMPDIR stays under 64 MiB: ${describeRun(m)}`);
    assert.deepEqual(await readdir(tmp), []);
  });

  test('an archive is read lazily: TMPDIR holds at most the entrypoint while inspecting', async (t) => {
    const { d, tmp, env } = await scratch();
    const { layout } = await imageLayout(d, { binary: hello });
    const archive = join(d, 'lazy.tar');
    // 64 MiB of other blobs that nothing needs to copy anywhere.
    const big = Buffer.alloc(64 * MiB, 7);
    await archiveOfLayout(layout, archive, [{ name: 'blobs/sha256/' + sha(big).slice(7), data: big }]);
    const m = await bounded(['inspect', '--json', '-t', 'none', archive], env, { dir: tmp });
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.result.code, 0, describeRun(m));
    const binarySize = (await readFile(hello)).length;
    assert.ok(m.peakDiskBytes <= binarySize + MiB, `TMPDIR peak ${m.peakDiskBytes} <= the entrypoint (${binarySize}) + 1 MiB: ${describeRun(m)}`);
    assert.deepEqual(await readdir(tmp), []);
  });

  test('a 23 MB layer expanding to a 2 GiB entrypoint does not write it to TMPDIR', async (t) => {
    const { d, tmp, env } = await scratch();
    const { layout, image } = await imageLayout(d);
    // A gzip layer holding /app: 2 GiB of zeros (about 2 MB compressed) and 20 MB of noise before it.
    const layerFile = join(d, 'bomb.tar.gz');
    const pack = tarPack();
    const written = pipeline(pack, createGzip({ level: 1 }), createWriteStream(layerFile));
    const noise = (await import('node:crypto')).randomBytes(20 * MiB);
    await new Promise<void>((res, rej) => pack.entry({ name: 'noise', size: noise.length, mtime: new Date(0) }, noise, (e) => (e ? rej(e) : res())));
    await new Promise<void>((res, rej) => {
      const entry = pack.entry({ name: 'app', size: 2 * 2 ** 30, mode: 0o755, mtime: new Date(0) }, (e) => (e ? rej(e) : res()));
      zeros(2 * 2 ** 30).pipe(entry);
    });
    pack.finalize();
    await written;
    const bytes = await readFile(layerFile);
    const layer = await putBlob(layout, MediaType.ociLayerGzip, bytes);
    const diffIds = [...(image.config.rootfs?.diff_ids ?? []), 'sha256:' + '0'.repeat(64)];
    const config = await putBlob(layout, MediaType.ociConfig, Buffer.from(JSON.stringify({ ...image.config, rootfs: { type: 'layers', diff_ids: diffIds } })));
    const manifest = await putBlob(layout, MediaType.ociManifest, Buffer.from(JSON.stringify({ ...image.manifest, config, layers: [...image.manifest.layers, layer] })));
    await setIndex(layout, [manifest]);
    const m = await bounded(['inspect', '--json', '-t', 'none', layout], env, { dir: tmp, diskBytes: 600 * MiB, ms: 3 * MINUTE });
    t.diagnostic(describeRun(m).split('\n')[0]!);
    assert.equal(m.exceeded, undefined, describeRun(m));
    assert.ok(m.peakDiskBytes < 64 * MiB, `TMPDIR peak under 64 MiB: ${describeRun(m)}`);
    assert.equal(m.result.code, 0, describeRun(m));
    const report = JSON.parse(m.result.stdout) as { platforms: Array<{ binary: { error?: string } }> };
    assert.match(report.platforms[0]!.binary.error ?? '', /bytes/);
  });

  test('a full TMPDIR is reported as such, with the path, not as a corrupt layer', { skip: process.getuid?.() !== 0 ? 'needs root to mount a small tmpfs' : false }, async (t) => {
    const { d, env } = await scratch();
    const { layout } = await imageLayout(d, { binary: hello });
    const small = await ensureDir(join(d, 'small'));
    await execOk('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', small]);
    t.after(() => execOk('umount', [small]));
    const r = await goscratch(['inspect', '--json', '-t', 'none', layout], { env: { ...env, TMPDIR: small }, timeoutMs: MINUTE });
    noStack(r.stderr);
    const text = r.stdout + r.stderr;
    assert.match(text, /no space left/i);
    assert.ok(text.includes(small), `names ${small}: ${text.slice(0, 1000)}`);
    assert.doesNotMatch(text, /corrupt/);
  });
});
