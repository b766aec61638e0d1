/**
 * `goscratch build ./cmd/...` on a module shaped like a service repository: several
 * main packages under cmd/ beside a library package, shared internal code, a
 * goscratch.yaml with a per-package entry, git tags read by ldflags templates. One run
 * gives one image per main package: every output takes them all (a layout, one archive
 * that podman and docker load whole, a registry at REPO/<name>), and each image runs
 * and answers for itself. Run in cmd/api with no package, goscratch builds cmd/api, as
 * go build does, into the same image.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cp, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { execOk } from '../helpers/exec.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, requireTool } from '../helpers/tools.js';
import { layoutIndex } from '../helpers/oci.js';
import { startRegistry, type TestRegistry } from '../helpers/registry.js';
import { Podman } from '../helpers/podman.js';
import { Dockerd } from '../helpers/dockerd.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { processIds } from '../helpers/process.js';

interface ImageJson {
  name: string;
  digest: string;
  tags: string[];
  binaries: { path: string; package: string }[];
  pushed?: string[];
}
interface BuildJson {
  digest?: string;
  images: ImageJson[];
  outputs: { type: string; path: string; image: string }[];
  sboms?: string[];
}

const server = (name: string) => `package main

import "example.com/shop/internal/web"

var version = "dev"

func main() { web.Serve("${name}", version) }
`;

/** The shop: two services and a CLI under cmd/, a package of the CLI's beside them, shared internal code. */
const SHOP = {
  'internal/web/web.go': `package web

import (
	"fmt"
	"net/http"
	"os"
)

// Serve answers "<name> <version>" on $ADDR.
func Serve(name, version string) {
	http.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintf(w, "%s %s\\n", name, version) })
	if err := http.ListenAndServe(os.Getenv("ADDR"), nil); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
}
`,
  'cmd/api/main.go': server('api'),
  'cmd/worker/main.go': server('worker'),
  'cmd/shopctl/main.go': `package main

import (
	"fmt"
	"os"

	"example.com/shop/cmd/shopctl/internal/args"
)

var version = "dev"

func main() { fmt.Println("shopctl", version, args.Join(os.Args[1:])) }
`,
  'cmd/shopctl/internal/args/args.go': 'package args\n\nimport "strings"\n\nfunc Join(a []string) string { return strings.Join(a, ",") }\n',
  'pkg/money/money.go': 'package money\n\ntype Cents int64\n',
  // The version from the latest tag for every image; the worker's own entry names its image and adds the commit, which wins (the last -X does).
  'goscratch.yaml': [
    'build:',
    '  ldflags: ["-X main.version={{.Git.Tag}}"]',
    'builds:',
    '  - main: ./cmd/worker',
    '    name: jobs',
    '    ldflags: ["-X main.version={{.Git.Tag}}-{{.Git.ShortCommit}}"]',
    '',
  ].join('\n'),
};

const GIT_ENV = { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.com' };

describe('goscratch build ./cmd/...: one image per main package, every output, each image runs', needTools('go', 'git', 'docker-registry', 'skopeo'), () => {
  let dir = '';
  let shop = '';
  let registry: TestRegistry;
  let result: BuildJson;
  let short = '';
  const layout = () => join(dir, 'layout');
  const tarball = () => join(dir, 'shop.tar');

  before(async () => {
    dir = await makeTempDir('e2e-packages');
    shop = await writeModule(join(dir, 'shop'), SHOP, 'example.com/shop');
    const git = (...args: string[]) => execOk('git', ['-C', shop, ...args], { env: GIT_ENV });
    await git('init', '-q');
    await git('add', '.');
    await git('commit', '-q', '-m', 'shop');
    await git('tag', 'v1.2.0');
    short = (await git('rev-parse', '--short', 'HEAD')).stdout.trim();
    registry = await startRegistry();
    const r = await goscratch(
      ['build', './cmd/...', '--oci-layout', layout(), '--tarball', tarball(), '--push', `${registry.host}/shop`, '-t', `${registry.host}/shop/{{.Name}}:{{.Git.Tag}}`, '--json'],
      { cwd: shop },
    );
    assert.equal(r.code, 0, `build failed:\n${r.stderr}`);
    result = JSON.parse(r.stdout) as BuildJson;
  });
  after(async () => {
    await registry?.stop();
    await removeTree(dir);
  });

  it('lists every image in --json: named after its binary or its builds entry, tags from the template', () => {
    assert.deepEqual(result.images.map((i) => i.name), ['api', 'shopctl', 'jobs'], 'the main packages of ./cmd/..., not cmd/shopctl/internal/args');
    assert.equal(result.digest, undefined, 'no single digest at the top level when there are several');
    for (const img of result.images) {
      assert.deepEqual(img.tags, [`${registry.host}/shop/${img.name}:v1.2.0`]);
      assert.match(img.digest, /^sha256:[0-9a-f]{64}$/);
      assert.equal(img.binaries.length, 1);
    }
    assert.deepEqual(result.images[2]!.binaries, [{ path: '/usr/local/bin/worker', package: 'example.com/shop/cmd/worker' }]);
    assert.equal(new Set(result.images.map((i) => i.digest)).size, 3);
    assert.deepEqual(result.outputs.map((o) => `${o.type} ${o.image}`), [
      'oci-layout api', 'oci-layout shopctl', 'oci-layout jobs',
      'tarball api', 'tarball shopctl', 'tarball jobs',
      'registry api', 'registry shopctl', 'registry jobs',
    ]);
  });

  it('pushes each image to REPO/<name> with its tag: skopeo finds each digest there', async () => {
    for (const img of result.images) {
      assert.equal(img.pushed?.[0], `${registry.host}/shop/${img.name}@${img.digest}`);
      const remote = JSON.parse((await execOk('skopeo', ['inspect', '--tls-verify=false', `docker://${registry.host}/shop/${img.name}:v1.2.0`])).stdout) as { Digest: string };
      assert.equal(remote.Digest, img.digest, img.name);
    }
  });

  it('writes every image into one layout under its own name, and an SBOM for each beside it', async () => {
    const index = await layoutIndex(layout());
    const names = Object.fromEntries(index.map((d) => [d.annotations?.['io.containerd.image.name'], d.digest]));
    assert.deepEqual(names, Object.fromEntries(result.images.map((i) => [`${registry.host}/shop/${i.name}:v1.2.0`, i.digest])));
    const sboms = (await readdir(dir)).filter((f) => f.endsWith('.spdx.json')).sort();
    assert.deepEqual(sboms, ['layout.api.spdx.json', 'layout.jobs.spdx.json', 'layout.shopctl.spdx.json', 'shop.tar.api.spdx.json', 'shop.tar.jobs.spdx.json', 'shop.tar.shopctl.spdx.json']);
  });

  it('podman loads the one archive whole, and each image runs as uid 10001 and answers for itself', async (t) => {
    if (!requireTool(t, 'podman', 'runc')) return;
    const podman = await Podman.create();
    try {
      const loaded = await podman.load(tarball());
      for (const img of result.images) assert.ok(loaded.some((n) => n.endsWith(`/shop/${img.name}:v1.2.0`)), `${img.name} among ${loaded.join(', ')}`);
      for (const [name, answer] of [['api', 'api v1.2.0'], ['jobs', `worker v1.2.0-${short}`]]) {
        const port = await freePort();
        const c = await podman.run(`${registry.host}/shop/${name}:v1.2.0`, { env: [`ADDR=127.0.0.1:${port}`] });
        try {
          assert.deepEqual(await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited }), { status: 200, body: `${answer}\n` }, name);
          assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
        } finally {
          await c.stop();
        }
      }
      const cli = await podman.ok(['run', '--rm', '--network', 'none', `${registry.host}/shop/shopctl:v1.2.0`, 'a', 'b']);
      assert.equal(cli.stdout, 'shopctl v1.2.0 a,b\n');
    } finally {
      await podman.cleanup();
    }
  });

  it('docker loads the one archive whole: every image under its name, with its digest', async (t) => {
    if (!requireTool(t, 'dockerd', 'docker')) return;
    const docker = await Dockerd.start();
    try {
      const loaded = await docker.load(tarball());
      assert.deepEqual(loaded.sort(), result.images.map((i) => `${registry.host}/shop/${i.name}:v1.2.0`).sort());
      for (const img of result.images) {
        const id = (await docker.ok(['image', 'inspect', '--format', '{{.Id}}', `${registry.host}/shop/${img.name}:v1.2.0`])).stdout.trim();
        const config = JSON.parse((await execOk('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${registry.host}/shop/${img.name}:v1.2.0`])).stdout) as { config: { digest: string } };
        assert.equal(id, config.config.digest, img.name);
      }
    } finally {
      await docker.stop();
    }
  });

  it('--load podman loads every image under its name', async (t) => {
    if (!requireTool(t, 'podman')) return;
    const podman = await Podman.create();
    const service = await podman.service();
    try {
      const r = await goscratch(['build', './cmd/...', '--load', 'podman', '-t', 'shop/{{.Name}}:dev', '--json'], { cwd: shop, env: { ...process.env, CONTAINER_HOST: `unix://${service.socket}` } });
      assert.equal(r.code, 0, r.stderr);
      const out = JSON.parse(r.stdout) as BuildJson;
      assert.deepEqual(out.outputs.map((o) => [o.type, o.image]), [['engine', 'api'], ['engine', 'shopctl'], ['engine', 'jobs']]);
      for (const img of result.images) {
        const id = (await podman.ok(['image', 'inspect', '--format', '{{.Digest}}', `shop/${img.name}:dev`])).stdout.trim();
        assert.equal(id, img.digest, img.name);
      }
    } finally {
      await service.stop();
      await podman.cleanup();
    }
  });

  it('in cmd/api with no package, builds cmd/api, as go build does: the same image as in ./cmd/...', async () => {
    const r = await goscratch(['build', '--oci-layout', join(dir, 'api-only'), '--json'], { cwd: join(shop, 'cmd', 'api') });
    assert.equal(r.code, 0, r.stderr);
    const one = JSON.parse(r.stdout) as BuildJson;
    assert.deepEqual(one.images.map((i) => [i.name, i.tags]), [['api', ['api:latest']]]);
    assert.equal(one.digest, result.images[0]!.digest);
  });

  it('a compile error in one of several packages shows go\'s message, never goscratch\'s cache', async () => {
    const broken = join(dir, 'broken');
    await cp(shop, broken, { recursive: true });
    await writeModule(broken, { 'cmd/report/main.go': 'package main\n\nfunc main() { undefinedReport() }\n' }, 'example.com/shop');
    const cache = join(dir, 'cache');
    const r = await goscratch(['build', './cmd/...', '--oci-layout', join(dir, 'never'), '--ldflags', '-X main.v=1'], { cwd: broken, env: { ...process.env, GOSCRATCH_CACHE: cache } });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /cmd\/report\/main\.go:3:15: undefined: undefinedReport/);
    assert.ok(!r.stderr.includes(cache), `no cache path:\n${r.stderr}`);
  });
});
