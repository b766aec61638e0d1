import { test } from 'node:test';
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { DEFAULT_USER, baseEntries, bundledCaCertificates, groupText, passwdText, validateUser } from '../../src/image/scratch.js';

test('passwd and group hold root and the seed user, no password, no login shell', () => {
  assert.equal(passwdText(DEFAULT_USER), 'root:x:0:0:root:/root:/sbin/nologin\nappuser:x:10001:10001::/nonexistent:/sbin/nologin\n');
  assert.equal(groupText(DEFAULT_USER), 'root:x:0:\nappuser:x:10001:\n');
});

test('a custom user and group name are written; uid 0 adds no second root', () => {
  const u = { ...DEFAULT_USER, name: 'svc', group: 'web', uid: 2000, gid: 3000 };
  assert.match(passwdText(u), /^svc:x:2000:3000::\/nonexistent:\/sbin\/nologin$/m);
  assert.match(groupText(u), /^web:x:3000:$/m);
  assert.equal(passwdText({ ...DEFAULT_USER, uid: 0, gid: 0 }).split('\n').filter(Boolean).length, 1);
});

test('invalid names and ids are refused with the reason', () => {
  assert.throws(() => validateUser({ ...DEFAULT_USER, name: 'App User' }), /invalid user name/);
  assert.throws(() => validateUser({ ...DEFAULT_USER, uid: -1 }), /invalid uid/);
  assert.throws(() => validateUser({ ...DEFAULT_USER, gid: 1.5 }), /invalid gid/);
  validateUser(DEFAULT_USER);
});

test('the bundled CA store is a PEM bundle of parseable certificates', () => {
  const pem = bundledCaCertificates().toString();
  const certs = pem.split(/(?=-----BEGIN CERTIFICATE-----)/).filter((c) => c.includes('BEGIN'));
  assert.ok(certs.length > 100, `expected the Mozilla store, got ${certs.length} certificates`);
  for (const c of certs.slice(0, 5)) assert.ok(new X509Certificate(c).subject.length > 0);
});

test('base entries: passwd, group, nsswitch, sticky /tmp, and CA bundle only when given', () => {
  const withCa = baseEntries(DEFAULT_USER, Buffer.from('pem'));
  assert.deepEqual(withCa.map((e) => e.path).sort(), ['/etc/group', '/etc/nsswitch.conf', '/etc/passwd', '/etc/ssl/certs/ca-certificates.crt', '/tmp']);
  assert.equal(withCa.find((e) => e.path === '/tmp')!.type, 'dir');
  assert.equal((withCa.find((e) => e.path === '/tmp') as { mode: number }).mode, 0o1777);
  assert.ok(!baseEntries(DEFAULT_USER, undefined).some((e) => e.path.includes('ssl')));
});
