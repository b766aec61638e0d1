/**
 * `goscratch init` on modules shaped like real projects (written here, not copied):
 * several main packages, vendor/, ports in flags and constants, a project Makefile,
 * Dockerfile and .dockerignore of its own, and directory names that are shell syntax.
 * The generated goscratch.mk runs this checkout's CLI through make, and the generated
 * Dockerfiles are built with `podman build --network none` on a Go builder image made
 * with goscratch's own image library (nothing can be pulled here), then run.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, readFile, readdir, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readElfFile } from '../../src/binary/elf.js';
import { writeArchive } from '../../src/io/archive.js';
import { hostPlatform } from '../../src/oci/platform.js';
import { exec, execOk } from '../helpers/exec.js';
import { writeModule } from '../helpers/fixtures.js';
import { freePort, waitForHttp } from '../helpers/http.js';
import { Podman } from '../helpers/podman.js';
import { processIds } from '../helpers/process.js';
import { goscratch, REPO_ROOT } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { missingTools, requireTool } from '../helpers/tools.js';
import { builderSourcesMissing, goBuilderImage, seedGoBuildCache } from '../init/gobuilder.js';

const BUILDER = 'localhost/gobuilder:test';
/** This checkout's CLI as one make variable value, as a user would set GOSCRATCH. */
const GOSCRATCH = [process.execPath, '--import', fileURLToPath(import.meta.resolve('tsx')), join(REPO_ROOT, 'src/cli.ts')].join(' ');

async function helloCopy(dir: string): Promise<string> {
  const app = join(dir, 'hello');
  await mkdir(app);
  for (const f of ['go.mod', 'main.go']) await copyFile(join(REPO_ROOT, 'examples/hello', f), join(app, f));
  return app;
}

const PROJECT_MAKEFILE = [
  'VERSION ?= $(shell git describe --tags 2>/dev/null || echo dev)',
  'PKG := example.com/httpbin',
  '',
  'all: test',
  '',
  'test:',
  '\tgo test ./...',
  '',
  'release:',
  '\tgoreleaser release --clean',
  '',
].join('\n');

/** An httpbin-like service: the main package at the root, tools under cmd/, its own Makefile, Dockerfile and .dockerignore. */
async function httpbin(dir: string): Promise<string> {
  return writeModule(join(dir, 'httpbin'), {
    'main.go': [
      'package main',
      '',
      'import (',
      '\t"flag"',
      '\t"fmt"',
      '\t"net/http"',
      '\t"time"',
      ')',
      '',
      'func main() {',
      '\tport := flag.Int("port", 8888, "port to listen on")',
      '\tflag.Parse()',
      '\tloc, err := time.LoadLocation("Europe/Berlin")',
      '\tif err != nil {',
      '\t\tpanic(err)',
      '\t}',
      '\thttp.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { fmt.Fprintln(w, time.Now().In(loc).Location()) })',
      '\tpanic(http.ListenAndServe(fmt.Sprintf(":%d", *port), nil))',
      '}',
      '',
    ].join('\n'),
    'cmd/loadgen/main.go': 'package main\n\nconst target = "localhost:8888"\n\nfunc main() { _ = target }\n',
    'cmd/gen/main.go': 'package main\n\nfunc main() {}\n',
    Makefile: PROJECT_MAKEFILE,
    Dockerfile: 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /httpbin .\nCMD ["/httpbin"]\n',
    '.dockerignore': '.git\n',
  }, 'example.com/httpbin');
}

/** A webhook runner with vendored dependencies: two commands, the port in an internal package's flag. */
async function hooks(dir: string): Promise<string> {
  return writeModule(join(dir, 'hooks'), {
    'go.mod': 'module example.com/hooks\n\ngo 1.22\n\nrequire example.com/greet v1.2.0\n',
    'vendor/modules.txt': '# example.com/greet v1.2.0\n## explicit; go 1.20\nexample.com/greet\n',
    'vendor/example.com/greet/greet.go': 'package greet\n\n// Hello is the vendored greeting.\nfunc Hello() string { return "hello from vendor" }\n',
    'internal/config/config.go': 'package config\n\nimport "flag"\n\n// Addr is where hooks listens.\nvar Addr = flag.String("addr", ":9000", "listen address")\n\n// Check prints and exits.\nvar Check = flag.Bool("check", false, "print the greeting and the zone, then exit")\n',
    'cmd/hooks/main.go': [
      'package main',
      '',
      'import (',
      '\t"flag"',
      '\t"fmt"',
      '\t"net/http"',
      '\t"time"',
      '',
      '\t"example.com/greet"',
      '\t"example.com/hooks/internal/config"',
      ')',
      '',
      'func main() {',
      '\tflag.Parse()',
      '\tloc, err := time.LoadLocation("America/New_York")',
      '\tif err != nil {',
      '\t\tpanic(err)',
      '\t}',
      '\tif *config.Check {',
      '\t\tfmt.Println(greet.Hello(), loc)',
      '\t\treturn',
      '\t}',
      '\tpanic(http.ListenAndServe(*config.Addr, nil))',
      '}',
      '',
    ].join('\n'),
    'cmd/hookctl/main.go': 'package main\n\nimport "example.com/greet"\n\nfunc main() { println(greet.Hello()) }\n',
  });
}

interface InitJson {
  files: string[];
  kept: Array<{ file: string; note: string }>;
  builderImage: string;
  port: number;
  portFrom: string;
  binary: string;
  package: string;
  packageFrom: string;
  vendor: boolean;
  include?: string;
  warnings: string[];
}

async function initJson(args: string[]): Promise<InitJson> {
  const r = await goscratch(['init', '--json', ...args]);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout) as InitJson;
}

test('init writes its files, keeps them on a second run, and --force replaces them', async (t) => {
  const dir = await makeTempDir('init');
  t.after(() => removeTree(dir));
  const app = await helloCopy(dir);
  const out = await initJson([app]);
  assert.deepEqual(out.files.map((f) => f.slice(app.length + 1)), ['Dockerfile', '.dockerignore', 'goscratch.mk', 'Makefile', 'goscratch.yaml']);
  assert.deepEqual([out.builderImage, out.port, out.portFrom, out.binary, out.package, out.packageFrom, out.vendor, out.kept], ['golang:1.22-alpine', 9292, 'main.go:19: ":9292"', 'hello', '.', 'the module root', false, []]);

  const before = await readFile(join(app, 'Dockerfile'), 'utf8');
  const again = await goscratch(['init', app]);
  assert.equal(again.code, 0, again.stderr);
  assert.doesNotMatch(again.stderr, /^wrote/m);
  for (const f of ['Dockerfile', '.dockerignore', 'goscratch.mk', 'goscratch.yaml', 'Makefile']) assert.match(again.stderr, new RegExp(`^kept .*${f.replace('.', '\\.')}: left as is`, 'm'));
  assert.match(again.stderr, /kept .*Dockerfile: left as is; goscratch lint finds nothing in it/);
  assert.match(again.stderr, /kept .*Makefile: left as is; it includes goscratch\.mk already/);
  assert.equal(await readFile(join(app, 'Dockerfile'), 'utf8'), before);

  const forced = await goscratch(['init', '--force', '--builder-image', 'registry.example.com/go:1.22', '--port', '8080', app]);
  assert.equal(forced.code, 0, forced.stderr);
  const df = await readFile(join(app, 'Dockerfile'), 'utf8');
  assert.match(df, /^ARG BUILDER_IMAGE=registry\.example\.com\/go:1\.22$/m);
  assert.match(df, /^EXPOSE 8080$/m);

  const bad = await goscratch(['init', '--main', './nope', '--force', app]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--main: "\.\/nope" is not a main package .*main packages are \./);
  const badImage = await goscratch(['init', '--builder-image', 'golang:1.22\nRUN id', '--force', app]);
  assert.equal(badImage.code, 2, badImage.stderr);
  assert.equal(await readFile(join(app, 'Dockerfile'), 'utf8'), df);
});

test('a project with its own Makefile: left byte-identical, goscratch.mk written, and make -f goscratch.mk image builds an image with tzdata', { timeout: 300_000 }, async (t) => {
  if (!requireTool(t, 'make', 'go')) return;
  const dir = await makeTempDir('init-make');
  t.after(() => removeTree(dir));
  const app = await httpbin(dir);
  const own = await readFile(join(app, 'Dockerfile'), 'utf8');
  const r = await goscratch(['init', app]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stderr, /^example\.com\/httpbin: main package \. \(the module root\), Go 1\.22, builder golang:1\.22-alpine, port 8888 \(main\.go:11: default of "port"\)$/m);
  assert.match(r.stderr, /^kept .*Makefile: left as is; goscratch's targets are in goscratch\.mk: add the line "include goscratch\.mk" at its end, or run make -f goscratch\.mk image$/m);
  assert.match(r.stderr, /^kept .*Dockerfile: left as is; goscratch lint finds \d+ errors?, .*\(GS\d+.*\) in it \(goscratch lint Dockerfile\); --force replaces it$/m);
  assert.match(r.stderr, /^kept .*\.dockerignore: left as is; it does not exclude \.hg, \.svn, bin\//m);
  assert.equal(await readFile(join(app, 'Makefile'), 'utf8'), PROJECT_MAKEFILE);
  assert.equal(await readFile(join(app, 'Dockerfile'), 'utf8'), own);
  assert.deepEqual((await readdir(app)).sort(), ['.dockerignore', 'Dockerfile', 'Makefile', 'cmd', 'go.mod', 'goscratch.mk', 'goscratch.yaml', 'main.go']);

  // Included first, goscratch.mk neither takes the default goal nor clobbers the project's PKG.
  const included = join(dir, 'included.mk');
  await writeFile(included, `include goscratch.mk\n${PROJECT_MAKEFILE}`);
  assert.equal((await execOk('make', ['-n', '-f', included], { cwd: app })).stdout, 'go test ./...\n');
  assert.match((await execOk('make', ['-n', '-f', included, 'image-push', 'GOSCRATCH_IMAGE=registry.example.com/team/httpbin', 'GOSCRATCH_TAG=v1'], { cwd: app })).stdout, /^goscratch build \. --platform linux\/amd64,linux\/arm64 --push registry\.example\.com\/team\/httpbin:v1$/m);

  // The image, built through make with goscratch from this checkout, for both default platforms.
  await execOk('make', ['-f', 'goscratch.mk', 'image', `GOSCRATCH=${GOSCRATCH}`], { cwd: app, timeoutMs: 280_000 });
  const tarball = join(app, 'bin/httpbin.tar');
  assert.ok((await stat(tarball)).size > 0);
  const arch = hostPlatform().architecture;
  const inspected = await goscratch(['inspect', '--json', '--platform', `linux/${arch}`, tarball]);
  assert.equal(inspected.code, 0, inspected.stderr);
  const report = JSON.parse(inspected.stdout) as { platforms: Array<{ binary: { linked: { tzdata: boolean; loadLocation: boolean }; go: { settings: Array<{ key: string; value: string }> } }; findings: Array<{ rule: string }> }> };
  const bin = report.platforms[0]!.binary;
  assert.deepEqual([bin.linked.loadLocation, bin.linked.tzdata], [true, true]);
  assert.ok(bin.go.settings.some((s) => s.key === '-tags' && s.value === 'timetzdata'), JSON.stringify(bin.go.settings));
  assert.ok(!report.platforms[0]!.findings.some((f) => f.rule === 'GS507'));
  const text = await goscratch(['inspect', '--platform', `linux/${arch}`, tarball]);
  assert.match(text.stdout, /links .*time\.LoadLocation, time\/tzdata/);
});

test('a directory named `x;touch P;#` and a module path with a newline never reach make, sh or the Dockerfile', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'make', 'go')) return;
  const dir = await makeTempDir('init-names');
  t.after(() => removeTree(dir));
  const evil = 'x;touch P;#';
  const only = await writeModule(join(dir, 'only'), { [`${evil}/main.go`]: 'package main\n\nfunc main() {}\n' });
  const refused = await goscratch(['init', only]);
  assert.equal(refused.code, 1);
  assert.match(refused.stderr, /the main package "\.\/x;touch P;#" has the element "x;touch P;#"/);
  assert.match(refused.stderr, /hint: rename its directory/);
  assert.deepEqual((await readdir(only)).sort(), ['go.mod', evil]);

  const mixed = await writeModule(join(dir, 'mixed'), { [`${evil}/main.go`]: 'package main\n\nfunc main() {}\n', 'cmd/ok/main.go': 'package main\n\nfunc main() {}\n' });
  const chosen = await initJson([mixed]);
  assert.deepEqual([chosen.package, chosen.packageFrom], ['./cmd/ok', 'the only main package go can build']);
  const forcedEvil = await goscratch(['init', '--force', '--main', evil, mixed]);
  assert.equal(forcedEvil.code, 1);
  for (const target of [['build'], ['-f', 'goscratch.mk', 'image', 'GOSCRATCH=true'], ['lint', 'GOSCRATCH=true']]) {
    await exec('make', ['-n', ...target], { cwd: mixed });
    await exec('make', target, { cwd: mixed, timeoutMs: 60_000 });
  }
  assert.ok((await stat(join(mixed, 'bin/ok'))).isFile(), 'make build built ./cmd/ok');
  for (const d of [mixed, dir, process.cwd()]) assert.equal(await stat(join(d, 'P')).catch(() => undefined), undefined, `no P in ${d}`);

  const newline = await writeModule(join(dir, 'newline'), { 'go.mod': 'module "example.com/a\\nRUN touch /P"\n', 'main.go': 'package main\n\nfunc main() {}\n' });
  const nl = await goscratch(['init', newline]);
  assert.equal(nl.code, 1);
  assert.match(nl.stderr, /module path in .*go\.mod .* has the element/);
  assert.deepEqual((await readdir(newline)).sort(), ['go.mod', 'main.go']);
});

test('the generated Dockerfiles pass goscratch lint with zero findings', async (t) => {
  const dir = await makeTempDir('init-lint');
  t.after(() => removeTree(dir));
  for (const app of [await helloCopy(dir), await hooks(dir)]) {
    assert.equal((await goscratch(['init', '-q', app])).code, 0);
    const r = await goscratch(['lint', '--format', 'json', '--failure-threshold', 'style', join(app, 'Dockerfile')]);
    assert.deepEqual(JSON.parse(r.stdout), [], r.stdout + r.stderr);
    assert.equal(r.code, 0, r.stderr);
  }
});

test('a vendored module: init picks the command named after the module, its port from an internal flag, and make build works offline', { timeout: 120_000 }, async (t) => {
  if (!requireTool(t, 'make', 'go')) return;
  const dir = await makeTempDir('init-vendor');
  t.after(() => removeTree(dir));
  const app = await hooks(dir);
  const out = await initJson([app]);
  assert.deepEqual([out.package, out.packageFrom, out.binary, out.port, out.portFrom, out.vendor], ['./cmd/hooks', 'the main package named after the module (hooks)', 'hooks', 9000, 'internal/config/config.go:6: ":9000"', true]);
  const df = await readFile(join(app, 'Dockerfile'), 'utf8');
  assert.doesNotMatch(df, /go mod download/);
  assert.match(df, /go build -mod=vendor /);
  await execOk('make', ['build'], { cwd: app, env: { GOFLAGS: '-mod=vendor', GOPROXY: 'off' }, timeoutMs: 100_000 });
  assert.equal((await readElfFile(join(app, 'bin/hooks'))).static, true);
  assert.equal((await execOk(join(app, 'bin/hooks'), ['-check'])).stdout, 'hello from vendor America/New_York\n');
});

describe('podman build --network none of the generated Dockerfiles', { timeout: 400_000 }, () => {
  let podman: Podman | undefined;
  let dir = '';
  let skip: string | undefined;

  async function setUp(): Promise<Podman> {
    if (podman) return podman;
    dir = await makeTempDir('init-podman');
    podman = await Podman.create();
    const archive = join(dir, 'builder.tar');
    await writeArchive(archive, await goBuilderImage(), { tags: [BUILDER] });
    assert.deepEqual(await podman.load(archive), [BUILDER]);
    // buildah keeps a root user's cache mounts under $TMPDIR/buildah-cache/<target path>;
    // hello's compile fills it with the standard library both builds need.
    await seedGoBuildCache(await helloCopy(dir), '.', join(podman.env.TMPDIR!, 'buildah-cache/root/.cache/go-build'));
    return podman;
  }

  async function ready(t: { skip(msg: string): void }): Promise<Podman | undefined> {
    skip ??= missingTools(['podman']) ?? (await builderSourcesMissing()) ?? '';
    if (skip) {
      if (process.env.CI === 'true') assert.fail(skip);
      t.skip(skip);
      return undefined;
    }
    return setUp();
  }

  const build = (p: Podman, app: string, tag: string): Promise<unknown> =>
    // --layers=false: vfs copies the whole root file system for every cached step.
    p.ok(['build', '--isolation', 'oci', '--layers=false', '--network', 'none', '--build-arg', `BUILDER_IMAGE=${BUILDER}`, '-t', tag, app], { timeoutMs: 180_000 });

  test('hello: builds offline and serves as uid 10001', async (t) => {
    const p = await ready(t);
    if (!p) return;
    const app = join(dir, 'hello');
    assert.equal((await goscratch(['init', '-q', app])).code, 0);
    await build(p, app, 'localhost/hello-init:test');
    const port = await freePort();
    const c = await p.run('localhost/hello-init:test', { env: [`ADDR=127.0.0.1:${port}`] });
    t.after(() => c.stop());
    const res = await waitForHttp(`http://127.0.0.1:${port}/`, { alive: c.exited });
    assert.deepEqual(res, { status: 200, body: 'hello\n' });
    assert.deepEqual(processIds(c.pid), { uid: 10001, gid: 10001 });
    assert.match(await c.logs(), /^uid=10001 gid=10001 /m);
    const cfg = JSON.parse((await p.ok(['image', 'inspect', '--format', '{{json .Config}}', 'localhost/hello-init:test'])).stdout) as { User: string; Entrypoint: string[]; ExposedPorts: Record<string, unknown> };
    assert.equal(cfg.User, '10001:10001');
    assert.deepEqual(cfg.Entrypoint, ['/usr/local/bin/hello']);
    assert.deepEqual(Object.keys(cfg.ExposedPorts), ['9292/tcp']);
  });

  test('a vendored module: builds from vendor/ with no network and no module download, and loads a time zone in scratch', async (t) => {
    const p = await ready(t);
    if (!p) return;
    const app = await hooks(dir);
    assert.equal((await goscratch(['init', '-q', app])).code, 0);
    await build(p, app, 'localhost/hooks-init:test');
    const run = await p.ok(['run', '--rm', '--network', 'none', 'localhost/hooks-init:test', '-check']);
    assert.equal(run.stdout, 'hello from vendor America/New_York\n');
    const cfg = JSON.parse((await p.ok(['image', 'inspect', '--format', '{{json .Config}}', 'localhost/hooks-init:test'])).stdout) as { Entrypoint: string[]; ExposedPorts: Record<string, unknown> };
    assert.deepEqual(cfg.Entrypoint, ['/usr/local/bin/hooks']);
    assert.deepEqual(Object.keys(cfg.ExposedPorts), ['9000/tcp']);
  });

  after(async () => {
    await podman?.cleanup();
    if (dir) await removeTree(dir);
  });
});
