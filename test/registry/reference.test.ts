import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseReference, resolvePushReference } from '../../src/oci/reference.js';

const D = 'sha256:' + 'ab'.repeat(32);

describe('parseReference', () => {
  const cases: [string, string, string, string | undefined, string | undefined, string][] = [
    // input, registry, repository, tag, digest, normalised string
    ['nginx', 'docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    ['nginx:1.27', 'docker.io', 'library/nginx', '1.27', undefined, 'docker.io/library/nginx:1.27'],
    ['user/app', 'docker.io', 'user/app', 'latest', undefined, 'docker.io/user/app:latest'],
    ['docker.io/nginx', 'docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    ['index.docker.io/library/nginx', 'docker.io', 'library/nginx', 'latest', undefined, 'docker.io/library/nginx:latest'],
    ['localhost/app', 'localhost', 'app', 'latest', undefined, 'localhost/app:latest'],
    ['localhost:5000/a/b/c:v1', 'localhost:5000', 'a/b/c', 'v1', undefined, 'localhost:5000/a/b/c:v1'],
    ['127.0.0.1:5000/app', '127.0.0.1:5000', 'app', 'latest', undefined, '127.0.0.1:5000/app:latest'],
    ['[::1]:5000/app:v2', '[::1]:5000', 'app', 'v2', undefined, '[::1]:5000/app:v2'],
    ['ghcr.io/org/app@' + D, 'ghcr.io', 'org/app', undefined, D, 'ghcr.io/org/app@' + D],
    ['ghcr.io/org/app:v1@' + D, 'ghcr.io', 'org/app', 'v1', D, 'ghcr.io/org/app:v1@' + D],
    ['my-registry.example.com:443/team/my_app__x.y-z', 'my-registry.example.com:443', 'team/my_app__x.y-z', 'latest', undefined, 'my-registry.example.com:443/team/my_app__x.y-z:latest'],
    ['foo:5000', 'docker.io', 'library/foo', '5000', undefined, 'docker.io/library/foo:5000'],
  ];
  for (const [input, registry, repository, tag, digest, str] of cases) {
    it(`parses ${input}`, () => {
      const r = parseReference(input);
      assert.equal(r.registry, registry);
      assert.equal(r.repository, repository);
      assert.equal(r.tag, tag);
      assert.equal(r.digest, digest);
      assert.equal(r.toString(), str);
      assert.equal(r.name, `${registry}/${repository}`);
      assert.equal(r.identifier, digest ?? tag);
    });
  }

  const bad: [string, RegExp][] = [
    ['', /it is empty/],
    ['Nginx', /must be lowercase/],
    ['ghcr.io/Org/app', /must be lowercase/],
    ['app:-bad', /invalid tag "-bad"/],
    ['app:' + 'x'.repeat(129), /invalid tag/],
    ['app@sha256:abc', /only sha256:<64 lowercase hex digits>/],
    ['app@md5:' + 'a'.repeat(32), /unsupported digest/],
    ['app@notadigest', /is not a digest/],
    ['a/b..c', /"b..c" is not a valid path component/],
    ['a..b/c', /"a..b" is not a valid registry host/],
    ['host.com/a//b', /"" is not a valid path component/],
    ['host_x.com:5000/app', /is not a valid registry host/],
    ['ab'.repeat(32), /image id, not a repository name/],
    ['host.com/' + 'a'.repeat(260), /longer than 255/],
    [':tag', /repository name is missing/],
  ];
  for (const [input, why] of bad) {
    it(`rejects ${JSON.stringify(input.slice(0, 40))} with the reason`, () => {
      assert.throws(() => parseReference(input), (e: Error) => e.name === 'GoscratchError' && why.test(e.message) && e.message.startsWith('invalid image reference'));
    });
  }

  it('round-trips: parsing a normalised reference gives it back', () => {
    const component = fc.stringMatching(/^[a-z0-9]+(?:[._-][a-z0-9]+)?$/);
    fc.assert(
      fc.property(fc.constantFrom('docker.io', 'ghcr.io', 'localhost:5000', '127.0.0.1:8080'), fc.array(component, { minLength: 1, maxLength: 3 }), fc.stringMatching(/^\w[\w.-]{0,20}$/), (registry, parts, tag) => {
        const s = `${registry}/${parts.join('/')}:${tag}`;
        const r = parseReference(s);
        assert.equal(parseReference(r.toString()).toString(), r.toString());
        assert.equal(r.tag, tag);
      }),
    );
  });

  it('withTag validates and drops the digest', () => {
    const r = parseReference('ghcr.io/a/b@' + D);
    assert.equal(r.withTag('v2').toString(), 'ghcr.io/a/b:v2');
    assert.throws(() => r.withTag('.bad'), /invalid tag/);
    assert.equal(r.withDigest(D).toString(), 'ghcr.io/a/b@' + D);
  });
});

describe('resolvePushReference', () => {
  it('uses a reference that names its registry as it is', () => {
    assert.equal(resolvePushReference('ghcr.io/a/b:v1', 'x.io/y').toString(), 'ghcr.io/a/b:v1');
    assert.equal(resolvePushReference('127.0.0.1:5000/b', 'x.io/y').toString(), '127.0.0.1:5000/b:latest');
  });
  it('puts a short reference under GOSCRATCH_REPO or the configured repo', () => {
    assert.equal(resolvePushReference('hello', 'registry.example.com/team/').toString(), 'registry.example.com/team/hello:latest');
    assert.equal(resolvePushReference('hello:1.0', 'localhost:5000/t').toString(), 'localhost:5000/t/hello:1.0');
  });
  it('reads a short reference as docker does when no repository is set', () => {
    assert.equal(resolvePushReference('team/app:v1').toString(), 'docker.io/team/app:v1');
  });
});
