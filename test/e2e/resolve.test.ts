/**
 * `goscratch resolve` and `apply` for real: a module with two main packages, built
 * and pushed to a docker-registry on 127.0.0.1, manifests rewritten to digests.
 */
import { before, after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { chmod, readFile, rm, writeFile } from 'node:fs/promises';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import { writeModule, EXAMPLES } from '../helpers/fixtures.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, toolPath } from '../helpers/tools.js';
import { assertValidKubernetes } from '../k8s/schema.js';

const MANIFESTS = `# Deployment and its nightly job.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: hello # the service
spec:
  selector: {matchLabels: {app: hello}}
  template:
    metadata: {labels: {app: hello}}
    spec:
      containers:
      - name: hello
        image: goscratch://./cmd/hello
        resources:
          limits: {cpu: 500m, memory: 256Mi}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: migrate}
spec:
  schedule: "@daily"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: migrate
            image: "goscratch://example.com/app/cmd/migrate"
`;

const REF = (host: string, name: string): RegExp => new RegExp(`${host.replace(/\./g, '\\.')}/team/${name}@sha256:[a-f0-9]{64}`);

describe('goscratch resolve / apply against a real registry', needTools('go', 'docker-registry'), () => {
  let reg: TestRegistry;
  let dir: string;
  let mod: string;

  before(async () => {
    reg = await startRegistry();
    dir = await makeTempDir('resolve');
    mod = join(dir, 'app');
    await writeModule(mod, {
      'cmd/hello/main.go': await readFile(join(EXAMPLES, 'hello/main.go')),
      'cmd/migrate/main.go': 'package main\n\nimport "fmt"\n\nfunc main() { fmt.Println("migrated") }\n',
    });
    await writeFile(join(dir, 'app.yaml'), MANIFESTS);
  });
  after(async () => {
    await reg?.stop();
    if (dir) await removeTree(dir);
  });

  async function manifestDigestOk(ref: string): Promise<void> {
    const [name, digest] = ref.split('@') as [string, string];
    const repo = name.slice(reg.host.length + 1);
    const res = await fetch(`http://${reg.host}/v2/${repo}/manifests/${digest}`, {
      headers: { accept: 'application/vnd.oci.image.manifest.v1+json, application/vnd.oci.image.index.v1+json' },
    });
    assert.equal(res.status, 200, `${ref} is in the registry`);
    assert.equal('sha256:' + createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex'), digest);
    // The SBOM is attached as build --push attaches it (fallback tag on distribution 2.8).
    const tags = (await (await fetch(`http://${reg.host}/v2/${repo}/tags/list`)).json()) as { tags: string[] };
    assert.ok(tags.tags.includes(`sha256-${digest.slice(7)}.sbom`), `no SBOM for ${ref}: ${tags.tags.join(', ')}`);
  }

  test('builds and pushes each package once, prints the manifests with digests and runtime env', { timeout: 170_000 }, async () => {
    const r = await goscratch(['resolve', '-f', join(dir, 'app.yaml'), '--push-to', `${reg.host}/team`], { cwd: mod });
    assert.equal(r.code, 0, r.stderr);
    const hello = REF(reg.host, 'hello').exec(r.stdout)?.[0];
    const migrate = REF(reg.host, 'migrate').exec(r.stdout)?.[0];
    assert.ok(hello && migrate, r.stdout);
    const expected = MANIFESTS.replace('goscratch://./cmd/hello', hello)
      .replace('goscratch://example.com/app/cmd/migrate', migrate)
      .replace(
        '          limits: {cpu: 500m, memory: 256Mi}\n',
        '          limits: {cpu: 500m, memory: 256Mi}\n        env:\n        - name: GOMAXPROCS\n          valueFrom:\n            resourceFieldRef:\n              resource: limits.cpu\n        - name: GOMEMLIMIT\n          value: "230MiB"\n',
      );
    assert.equal(r.stdout, expected);
    await assertValidKubernetes(r.stdout, 'resolve output');
    await manifestDigestOk(hello);
    await manifestDigestOk(migrate);
    assert.match(r.stderr, /goscratch:\/\/\.\/cmd\/hello -> /);
    assert.match(r.stderr, /compiling 2 packages for /, 'the two packages of one module are one build');

    // Reproducible builds: the same source resolves to the same digests, here from stdin.
    const again = await goscratch(['resolve', '-f', '-', '--push-to', `${reg.host}/team`, '--no-runtime-env', '--json'], { cwd: mod, input: MANIFESTS });
    assert.equal(again.code, 0, again.stderr);
    const out = JSON.parse(again.stdout) as { images: Array<{ package: string; ref: string }>; yaml: string };
    assert.deepEqual(out.images, [
      { package: './cmd/hello', ref: hello },
      { package: 'example.com/app/cmd/migrate', ref: migrate },
    ]);
    await assertValidKubernetes(out.yaml, 'resolve --json yaml');
    assert.equal(out.yaml, MANIFESTS.replace('goscratch://./cmd/hello', hello).replace('goscratch://example.com/app/cmd/migrate', migrate));
  });

  test('an unknown package fails with file, document and line, and prints nothing', { timeout: 120_000 }, async () => {
    const bad = join(dir, 'bad.yaml');
    await writeFile(bad, MANIFESTS + '---\nkind: Pod\nspec:\n  containers:\n  - name: x\n    image: goscratch://./cmd/nope\n');
    const r = await goscratch(['resolve', '-f', bad, '--push-to', `${reg.host}/team`], { cwd: mod });
    assert.notEqual(r.code, 0);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, new RegExp(`${bad.replace(/[.\\/]/g, '\\$&')}: document 3, line 34: goscratch://\\./cmd/nope: `));
  });

  test('-f DIR reads its .yaml/.yml/.json files in name order, -R also subdirectories', async () => {
    const d = join(dir, 'manifests');
    await writeModule(d, { 'a.yaml': 'kind: Service # a\n', 'b.yml': '---\nkind: ConfigMap\n', 'notes.txt': 'not yaml\n', 'nested/c.json': '{"kind": "Secret"}\n' }, 'unused');
    await rm(join(d, 'go.mod'));
    const flat = await goscratch(['resolve', '-f', d], { cwd: mod });
    assert.equal(flat.code, 0, flat.stderr);
    assert.equal(flat.stdout, 'kind: Service # a\n---\nkind: ConfigMap\n');
    const deep = await goscratch(['resolve', '-R', '-f', d], { cwd: mod });
    assert.equal(deep.stdout, 'kind: Service # a\n---\nkind: ConfigMap\n---\n{"kind": "Secret"}\n');
    const none = await goscratch(['resolve', '-f', join(d, 'nested', 'missing')], { cwd: mod });
    assert.equal(none.code, 2);
    assert.match(none.stderr, /-f .*missing: no such file or directory/);
  });

  test('apply pipes the resolved manifests to kubectl apply -f -, with the arguments after --', { timeout: 120_000 }, async () => {
    const bin = join(dir, 'bin');
    await writeModule(bin, { kubectl: `#!/bin/sh\necho "$@" > ${dir}/kubectl.args\ncat > ${dir}/kubectl.stdin\necho deployment.apps/hello configured\n` }, 'unused');
    await chmod(join(bin, 'kubectl'), 0o755);
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const r = await goscratch(['apply', '-f', join(dir, 'app.yaml'), '--push-to', `${reg.host}/team`, '--', '--dry-run=client', '-n', 'prod'], { cwd: mod, env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await readFile(join(dir, 'kubectl.args'), 'utf8')).trim(), 'apply -f - --dry-run=client -n prod');
    const piped = await readFile(join(dir, 'kubectl.stdin'), 'utf8');
    assert.match(piped, REF(reg.host, 'hello'));
    assert.match(piped, /name: GOMEMLIMIT\n {10}value: "230MiB"/);
    await assertValidKubernetes(piped, 'what apply gave kubectl');
    assert.match(r.stdout, /^deployment\.apps\/hello configured$/m);

    // --json: stdout is goscratch's summary alone; kubectl's own lines move to stderr.
    const j = await goscratch(['apply', '--json', '-f', join(dir, 'app.yaml'), '--push-to', `${reg.host}/team`], { cwd: mod, env });
    assert.equal(j.code, 0, j.stderr);
    const summary = JSON.parse(j.stdout) as { images: Array<{ package: string; ref: string }>; applied: boolean };
    assert.equal(summary.applied, true);
    assert.ok(summary.images.some((i) => REF(reg.host, 'hello').test(i.ref)), j.stdout);
    assert.match(j.stderr, /^deployment\.apps\/hello configured$/m);

    const missing = await goscratch(['apply', '-f', join(dir, 'app.yaml'), '--push-to', `${reg.host}/team`], { cwd: mod, env: { PATH: '/nonexistent', GOSCRATCH_GO: toolPath('go') } });
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /kubectl not found on PATH/);
  });
});
