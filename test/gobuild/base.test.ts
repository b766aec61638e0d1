/**
 * Base images under goscratch's layers, read from OCI layouts made here: which
 * platforms can be built, the passwd/group merge and the files goscratch adds only
 * where the base has none, paths the base would have replaced refused, and the config,
 * history, layers and annotations of an image put on its base.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BASE_DIGEST, BASE_NAME, configBase, openBase, type SystemFiles } from '../../src/gobuild/base.js';
import { FsView } from '../../src/image/fsview.js';
import { buildLayer } from '../../src/image/layerbuilder.js';
import { imagesOf, type Image } from '../../src/image/model.js';
import { appendLayers, emptyImage, setAnnotations, setContainerConfig, setCreated } from '../../src/image/mutate.js';
import { CA_BUNDLE_PATH, DEFAULT_USER, mergeGroup, mergePasswd } from '../../src/image/scratch.js';
import { MediaType } from '../../src/oci/mediatypes.js';
import { UsageError } from '../../src/util/errors.js';
import { BASE_GROUP, BASE_PASSWD, writeBaseLayout } from '../helpers/base-image.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';

const amd64 = { os: 'linux', architecture: 'amd64' };
const arm64 = { os: 'linux', architecture: 'arm64' };
const opts = { mtime: 0, cache: false as const };
const files = (o: Partial<SystemFiles> = {}): SystemFiles => ({ user: DEFAULT_USER, caBundle: Buffer.from('CERTS\n'), caIsDefault: true, paths: ['/usr/local/bin/app'], ...o });

async function tmp(t: { after(fn: () => Promise<void>): void }): Promise<string> {
  const dir = await makeTempDir('base');
  t.after(() => removeTree(dir));
  return dir;
}

/** The files of one layer: path -> text (directories as "<dir>"). */
async function layerFiles(layer: Parameters<typeof FsView.open>[0][number]): Promise<Map<string, string>> {
  const view = await FsView.open([layer]);
  const out = new Map<string, string>();
  for (const e of view.all()) out.set(e.path, e.type === 'dir' ? '<dir>' : (await view.readFile(e.path)).toString());
  return out;
}

test('passwd and group: the app user added once, the base kept as it is, a name or id taken by another refused', () => {
  assert.deepEqual(mergePasswd(BASE_PASSWD, DEFAULT_USER), { text: BASE_PASSWD + 'appuser:x:10001:10001::/nonexistent:/sbin/nologin\n' });
  assert.deepEqual(mergeGroup('root:x:0:', DEFAULT_USER), { text: 'root:x:0:\nappuser:x:10001:\n' }, 'a missing final newline is added first');
  const already = BASE_PASSWD + 'appuser:x:10001:10001::/home/appuser:/bin/sh\n';
  assert.deepEqual(mergePasswd(already, DEFAULT_USER), { text: already }, 'never duplicated');
  assert.deepEqual(mergePasswd('appuser:x:1000:1000::/:/bin/sh\n', DEFAULT_USER), { conflict: 'its user appuser has uid 1000, not 10001' });
  assert.deepEqual(mergePasswd('nonroot:x:10001:10001::/:/bin/sh\n', DEFAULT_USER), { conflict: 'its uid 10001 belongs to the user nonroot, not appuser' });
  assert.deepEqual(mergeGroup('staff:x:10001:\n', DEFAULT_USER), { conflict: 'its gid 10001 belongs to the group staff, not appuser' });
  assert.deepEqual(mergePasswd('# comment\n+::::::\n', DEFAULT_USER), { text: '# comment\n+::::::\nappuser:x:10001:10001::/nonexistent:/sbin/nologin\n' });
  assert.deepEqual(mergePasswd(BASE_PASSWD, { ...DEFAULT_USER, name: 'root', uid: 0, gid: 0 }), { text: BASE_PASSWD });
});

test('platforms: those asked for must be in the base; all = every Linux platform it has', async (t) => {
  const dir = await tmp(t);
  await writeBaseLayout(join(dir, 'one'));
  const one = await openBase(`oci:${join(dir, 'one')}`);
  assert.deepEqual(one.platforms([amd64], false), [amd64]);
  assert.deepEqual(one.platforms([], true), [amd64]);
  assert.throws(() => one.platforms([arm64], false), (e: unknown) => e instanceof UsageError && /has no image for linux\/arm64 \(it has: linux\/amd64\).*--platform all/.test(e.message));

  await writeBaseLayout(join(dir, 'multi'), { platforms: [amd64, arm64, { os: 'linux', architecture: 'arm', variant: 'v7' }, { os: 'unknown', architecture: 'unknown' }] });
  const multi = await openBase(join(dir, 'multi'));
  assert.deepEqual(multi.platforms([], true), [amd64, arm64, { os: 'linux', architecture: 'arm', variant: 'v7' }], 'attestation-like entries left out');
  assert.deepEqual(multi.platforms([arm64], false), [arm64]);
  assert.throws(() => multi.platforms([{ os: 'linux', architecture: 's390x' }], false), /it has: linux\/amd64, linux\/arm64, linux\/arm\/v7, unknown\/unknown/);
});

test("goscratch's files on a base: passwd/group merged; nsswitch, /tmp and the default CA bundle only where the base has none", async (t) => {
  const dir = await tmp(t);
  await writeBaseLayout(join(dir, 'bare'));
  const bare = await openBase(join(dir, 'bare'));
  const [onBare] = await bare.systemLayers([amd64], files(), opts);
  const a = await layerFiles(onBare!);
  assert.equal(a.get('/etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nappuser:x:10001:10001::/nonexistent:/sbin/nologin\n', 'no passwd in the base: goscratch writes its own');
  assert.equal(a.get('/etc/nsswitch.conf'), 'hosts: files dns\n');
  assert.equal(a.get(CA_BUNDLE_PATH), 'CERTS\n');
  assert.equal(a.get('/tmp'), '<dir>');

  await writeBaseLayout(join(dir, 'full'), {
    passwd: BASE_PASSWD,
    group: BASE_GROUP,
    entries: [
      { type: 'file', path: '/etc/nsswitch.conf', mode: 0o644, data: Buffer.from('hosts: files\n') },
      { type: 'file', path: '/etc/pki/ca.pem', mode: 0o644, data: Buffer.from('BASE CERTS\n') },
      { type: 'symlink', path: '/etc/ssl/certs/ca-certificates.crt', target: '/etc/pki/ca.pem' },
      { type: 'symlink', path: '/tmp', target: 'var/tmp' },
    ],
  });
  const full = await openBase(join(dir, 'full'));
  const b = await layerFiles((await full.systemLayers([amd64], files(), opts))[0]!);
  assert.equal(b.get('/etc/passwd'), BASE_PASSWD + 'appuser:x:10001:10001::/nonexistent:/sbin/nologin\n');
  assert.equal(b.get('/etc/group'), BASE_GROUP + 'appuser:x:10001:\n');
  assert.deepEqual([...b.keys()].sort(), ['/etc', '/etc/group', '/etc/passwd'], "the base's nsswitch, CA bundle and /tmp stay");
  const ownPem = await layerFiles((await full.systemLayers([amd64], files({ caIsDefault: false }), opts))[0]!);
  assert.equal(ownPem.get(CA_BUNDLE_PATH), 'CERTS\n', "a PEM file the user names replaces the base's bundle");
});

test('a path goscratch writes whose parent is a link or a file in the base is refused, not replaced', async (t) => {
  const dir = await tmp(t);
  await writeBaseLayout(join(dir, 'merged-usr'), {
    entries: [
      { type: 'dir', path: '/usr/bin', mode: 0o755 },
      { type: 'symlink', path: '/usr/local', target: '/usr' },
      { type: 'dir', path: '/etc/pki', mode: 0o755 },
      { type: 'symlink', path: '/etc/ssl', target: 'pki' },
    ],
  });
  const base = await openBase(join(dir, 'merged-usr'));
  await assert.rejects(base.systemLayers([amd64], files({ caIsDefault: true, caBundle: undefined }), opts), (e: unknown) =>
    e instanceof UsageError && /\/usr\/local is a symbolic link \(to \/usr\), so goscratch cannot write \/usr\/local\/bin\/app without replacing it/.test(e.message));
  await assert.rejects(base.systemLayers([amd64], files({ caIsDefault: false, paths: ['/app'] }), opts), /\/etc\/ssl is a symbolic link \(to pki\), so goscratch cannot write \/etc\/ssl\/certs\/ca-certificates.crt/);
  assert.equal((await base.systemLayers([amd64], files({ caBundle: undefined, paths: ['/app'] }), opts)).length, 1);
});

test('a name or id the base gives to another is refused, naming the base and the platform', async (t) => {
  const dir = await tmp(t);
  await writeBaseLayout(join(dir, 'taken'), { passwd: 'root:x:0:0::/root:/bin/sh\nappuser:x:1000:1000::/home/appuser:/bin/sh\n' });
  const base = await openBase(join(dir, 'taken'));
  await assert.rejects(base.systemLayers([amd64], files(), opts), (e: unknown) =>
    e instanceof UsageError && e.message.startsWith(`base ${join(dir, 'taken')} (linux/amd64): its user appuser has uid 1000, not 10001`));
});

/** An image as the pipeline assembles it on scratch, with one layer. */
async function ours(): Promise<Image> {
  const layer = await buildLayer([{ type: 'file', path: '/usr/local/bin/app', mode: 0o555, data: Buffer.from('app') }], opts);
  let img = appendLayers(emptyImage(amd64), [{ layer, history: { created_by: 'goscratch: Go binary /usr/local/bin/app', comment: 'goscratch' } }]);
  img = setContainerConfig(img, () => ({ User: '10001:10001', Env: ['PATH=/usr/local/bin:/usr/bin:/bin', 'APP=1'], Entrypoint: ['/usr/local/bin/app'], WorkingDir: '/', Labels: { mine: 'yes' } }));
  img = setCreated(img, '2024-01-01T00:00:00Z');
  return setAnnotations(img, { 'org.opencontainers.image.created': '2024-01-01T00:00:00Z' });
}

test("rebase: the base's layers and history first; its Env, WorkingDir and Labels kept where goscratch sets none; its Cmd dropped; the base in the annotations", async (t) => {
  const dir = await tmp(t);
  const baseArtifact = await writeBaseLayout(join(dir, 'docker'), { format: 'docker' });
  const baseImg = imagesOf(baseArtifact)[0]!;
  const base = await openBase(`oci:${join(dir, 'docker')}:1`);
  const mine = await ours();
  const img = base.rebase(mine, { userEnv: ['APP=1'], workdir: undefined });
  const c = img.config.config!;
  assert.deepEqual(c.Env, ['PATH=/bin', 'BASE_ONLY=kept', 'APP=1'], "the base's PATH over goscratch's default, the user's over both");
  assert.equal(c.WorkingDir, '/work');
  assert.deepEqual(c.Labels, { 'base.label': 'from-base', mine: 'yes' });
  assert.equal(c.Cmd, undefined, "the base's Cmd was for the base's entrypoint");
  assert.deepEqual(c.Entrypoint, ['/usr/local/bin/app']);
  assert.equal(c.User, '10001:10001');
  assert.equal(img.manifest.mediaType, MediaType.ociManifest);
  assert.deepEqual(img.layers.map((l) => l.digest), [baseImg.layers[0]!.digest, mine.layers[0]!.digest]);
  assert.deepEqual(img.manifest.layers.map((l) => l.mediaType), [MediaType.ociLayerGzip, MediaType.ociLayerGzip], 'a Docker layer listed under its OCI type: the same bytes');
  assert.deepEqual(img.config.history?.map((h) => h.created), ['2020-09-13T12:26:40Z', '2024-01-01T00:00:00Z'], "the base's history keeps its times");
  assert.equal(img.config.created, '2024-01-01T00:00:00Z');
  assert.equal(img.manifest.annotations?.[BASE_DIGEST], baseImg.digest);
  assert.equal(img.manifest.annotations?.[BASE_NAME], undefined, 'a local layout is no name others can pull');
  assert.equal(img.manifest.annotations?.['org.opencontainers.image.created'], '2024-01-01T00:00:00Z');

  const own = base.rebase(mine, { userEnv: ['PATH=/opt/bin', 'APP=1'], workdir: '/srv' });
  assert.deepEqual(own.config.config!.Env, ['BASE_ONLY=kept', 'PATH=/opt/bin', 'APP=1']);
  assert.equal(own.config.config!.WorkingDir, '/srv');
});

test('base: in goscratch.yaml: a layout or archive in the project (made absolute), never one outside it; anything else is a registry reference', async (t) => {
  const dir = await tmp(t);
  const project = join(dir, 'project');
  await mkdir(project);
  await writeBaseLayout(join(project, 'base-layout'));
  await writeBaseLayout(join(dir, 'outside'));
  await writeFile(join(project, 'base.tar'), 'x');
  await symlink(join(dir, 'outside'), join(project, 'link'));
  assert.equal(await configBase('base-layout', project), `oci:${join(project, 'base-layout')}`);
  assert.equal(await configBase('./base-layout:1', project), `oci:${join(project, 'base-layout')}:1`);
  assert.equal(await configBase('oci:base-layout', project), `oci:${join(project, 'base-layout')}`);
  assert.equal(await configBase('base.tar', project), `archive:${join(project, 'base.tar')}`);
  for (const ref of ['gcr.io/distroless/static:nonroot', 'alpine:3.20', 'docker://registry.example.com/base:1', 'scratch']) assert.equal(await configBase(ref, project), ref);
  await assert.rejects(configBase('link', project), (e: unknown) => e instanceof UsageError && /leads outside the project/.test(e.message));
  await assert.rejects(configBase('../outside', project), /leads outside the project/);
  await assert.rejects(configBase('./missing', project), /does not exist in the project/);
  await assert.rejects(configBase('oci:missing', project), /does not exist in the project/);
});
