/**
 * Files from the user's machine that go into the image: the CA bundle (certificates
 * only, bounded, regular files only) and project files (never over goscratch's own).
 */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdir, mkdtemp, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rootCertificates } from 'node:tls';
import { projectFileEntries, readCaBundle } from '../../src/gobuild/files.js';
import { UsageError } from '../../src/util/errors.js';

const [certA, certB] = [rootCertificates[0]!, rootCertificates[1]!];
const usage = (re: RegExp) => (e: unknown) => e instanceof UsageError && re.test(e.message);

describe('files from the machine', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'gs-files-'));
  });
  after(() => rm(dir, { recursive: true, force: true }));

  test('a CA bundle keeps only its certificates, written back from their DER bytes', async () => {
    const file = join(dir, 'bundle.pem');
    await writeFile(file, `# corporate roots\r\n${certA.replace(/\n/g, '\r\n')}\nsome text\n-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n${certB}`);
    const out = (await readCaBundle(file))!.toString();
    const blocks = out.match(/-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n/g) ?? [];
    assert.equal(blocks.join(''), out, 'nothing but certificate blocks');
    assert.deepEqual(blocks.map((b) => new X509Certificate(b).fingerprint256), [new X509Certificate(certA).fingerprint256, new X509Certificate(certB).fingerprint256]);
  });

  test('a CA bundle holding a private key, no certificate or a broken one is refused', async () => {
    const key = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    const withKey = join(dir, 'with-key.pem');
    await writeFile(withKey, certA.trim() + key); // glued to the certificate's END line
    await assert.rejects(readCaBundle(withKey), usage(/holds a private key \(PRIVATE KEY\)/));
    const rsa = join(dir, 'rsa.pem');
    await writeFile(rsa, `${certA}-----BEGIN RSA PRIVATE KEY-----\nMIIB\n`);
    await assert.rejects(readCaBundle(rsa), usage(/holds a private key \(RSA PRIVATE KEY\)/), 'even without its END line');
    const none = join(dir, 'none.pem');
    await writeFile(none, 'hello\n');
    await assert.rejects(readCaBundle(none), usage(/holds no PEM certificates/));
    const broken = join(dir, 'broken.pem');
    await writeFile(broken, '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n');
    await assert.rejects(readCaBundle(broken), usage(/certificate 1 is not a valid X\.509 certificate/));
    assert.equal(await readCaBundle('none'), undefined);
    assert.ok((await readCaBundle('bundled'))!.length > 100_000);
  });

  test('a CA bundle at /dev/zero, a FIFO or a 1 GiB file fails at once, reading nothing big', async () => {
    const rss = process.memoryUsage().rss;
    await assert.rejects(readCaBundle('/dev/zero'), usage(/CA bundle \/dev\/zero is a character device, not a regular file/));
    const fifo = join(dir, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    await assert.rejects(readCaBundle(fifo), usage(/is a FIFO/));
    const big = join(dir, 'big.pem');
    await writeFile(big, '');
    await truncate(big, 1 << 30); // sparse
    await assert.rejects(readCaBundle(big), usage(/larger than 8 MiB/));
    await assert.rejects(readCaBundle(join(dir, 'absent.pem')), usage(/CA bundle .*absent\.pem does not exist$/));
    assert.ok(process.memoryUsage().rss - rss < 64 << 20, 'read no more than the bound');
  });

  test('project files never land on goscratch\'s own files, wherever the directory tree puts them', async () => {
    const root = join(dir, 'project');
    await mkdir(join(root, 'conf'), { recursive: true });
    await writeFile(join(root, 'conf', 'app.yaml'), 'a: 1\n');
    await writeFile(join(root, 'passwd'), 'evil\n');
    const ok = await projectFileEntries(root, { files: [{ src: join(root, 'conf'), dst: '/etc' }] });
    assert.deepEqual(ok.map((e) => e.path), ['/etc', '/etc/app.yaml'], 'a directory may go into /etc');
    await writeFile(join(root, 'conf', 'passwd'), 'root::0:0::/:/bin/sh\n');
    await assert.rejects(projectFileEntries(root, { files: [{ src: join(root, 'conf'), dst: '/etc' }] }), usage(/image\.files: \/etc\/passwd would replace \/etc\/passwd/));
    await assert.rejects(projectFileEntries(root, { files: [{ src: join(root, 'passwd'), dst: '/etc' }] }), usage(/\/etc would replace \/etc\/passwd/), 'a file where /etc must be a directory');
    await assert.rejects(projectFileEntries(root, { files: [{ src: join(root, 'conf'), dst: '/tmp' }] }), usage(/\/tmp would replace \/tmp/));
  });

  test('copies take their owner and mode; the app user\'s directories merge with copied ones, never with a copied file', async () => {
    const root = join(dir, 'owned');
    await mkdir(join(root, 'conf', 'sub'), { recursive: true });
    await writeFile(join(root, 'conf', 'app.yaml'), 'a: 1\n');
    await writeFile(join(root, 'conf', 'sub', 'run.sh'), '#!/bin/sh\n', { mode: 0o755 });
    const user = { uid: 10001, gid: 10001 };
    const entries = await projectFileEntries(root, {
      files: [{ src: join(root, 'conf'), dst: '/etc/app', owner: user, mode: 0o640 }, { src: join(root, 'conf', 'app.yaml'), dst: '/defaults.yaml' }],
      dirs: [{ path: '/etc/app/sub', mode: 0o700 }, { path: '/data', mode: 0o755 }],
      dirOwner: user,
    });
    const by = Object.fromEntries(entries.map((e) => [e.path, [e.type, e.type === 'symlink' ? 0 : e.mode, e.type === 'symlink' ? undefined : e.owner]]));
    assert.deepEqual(by, {
      '/etc/app': ['dir', 0o755, user],
      '/etc/app/app.yaml': ['file', 0o640, user],
      '/etc/app/sub': ['dir', 0o700, user],
      '/etc/app/sub/run.sh': ['file', 0o640, user],
      '/defaults.yaml': ['file', 0o444, undefined],
      '/data': ['dir', 0o755, user],
    });
    await assert.rejects(projectFileEntries(root, { files: [{ src: join(root, 'conf', 'app.yaml'), dst: '/data' }], dirs: [{ path: '/data', mode: 0o755 }] }), usage(/image\.dirs: \/data is a file copied by image\.files/));
  });

  test('a copy from goscratch.yaml stays in the project; one from --file may come from anywhere', async () => {
    const root = join(dir, 'confined');
    await mkdir(root, { recursive: true });
    await assert.rejects(projectFileEntries(root, { files: [{ src: '/etc/hostname', dst: '/h' }] }), usage(/image\.files: \/etc\/hostname leads outside the project/));
    const free = await projectFileEntries(root, { files: [{ src: '/etc/hostname', dst: '/h', confined: false }] });
    assert.deepEqual(free.map((e) => e.path), ['/h']);
    await assert.rejects(projectFileEntries(root, { files: [{ src: join(root, 'absent'), dst: '/h', confined: false }] }), usage(/^--file: .*absent does not exist$/));
  });
});
