import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../../src/config/load.js';
import { GoscratchError } from '../../src/util/errors.js';

function fails(text: string, re: RegExp): void {
  assert.throws(() => parseConfig(text, 'goscratch.yaml'), (e: unknown) => e instanceof GoscratchError && re.test(e.message));
}

test('a full config is accepted', () => {
  const c = parseConfig(
    ['main: ./cmd/server', 'platforms: [linux/amd64, linux/arm64]', 'tags: [app:1.0]', 'sbom: cyclonedx', 'build:', '  ldflags: -X main.v=1', '  tags: [netgo]', '  env: [GOAMD64=v2]',
      'image:', '  user: svc', '  uid: 2000', '  ports: [8080, 9090/udp]', '  env: {MODE: prod, N: 3}', '  labels: {team: core}', '  files: [{src: static, dst: /srv/static}]', '  caCerts: none'].join('\n'),
    'goscratch.yaml',
  );
  assert.equal(c.main, './cmd/server');
  assert.deepEqual(c.image?.ports, [8080, '9090/udp']);
  assert.equal(c.image?.env?.N, 3);
});

test('an unknown key is named with its line', () => {
  fails('image:\n  user: a\n  prots: [80]\n', /goscratch\.yaml:3: image\.prots: unknown key/);
  fails('platfroms: [linux/amd64]\n', /goscratch\.yaml:1: platfroms: unknown key/);
});

test('a wrong type is named with its key and line', () => {
  fails('image:\n  uid: "10001"\n', /goscratch\.yaml:2: image\.uid: .*number/i);
  fails('build:\n  env: [CGO_ENABLED]\n', /goscratch\.yaml:2: build\.env\.0: expected KEY=VALUE/);
  fails('image:\n  binary: app\n', /image\.binary: must be an absolute path/);
});

test('invalid YAML is reported with its line', () => {
  fails('image:\n  ports: [80\n', /goscratch\.yaml:\d+: invalid YAML/);
});

test('an empty file is an empty config', () => {
  assert.deepEqual(parseConfig('', 'goscratch.yaml'), {});
  assert.deepEqual(parseConfig('# only a comment\n', 'goscratch.yaml'), {});
});
