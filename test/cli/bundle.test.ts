/**
 * The CLI as it ships: dist/cli.js, the esbuild bundle `npm run build` makes
 * (scripts/bundle.mjs), with its commands in dist/chunks/. The other CLI tests run the
 * sources through tsx; these check that the bundle behaves the same: the version
 * written in, each command's chunk loading when it runs, CommonJS dependencies finding
 * Node's modules, typed errors keeping their exit codes, and a build giving the same
 * digest as the sources, on every Node in .ci/node-versions (whose compile cache
 * the CLI turns on where Node has one).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { exec, type ExecOptions } from '../helpers/exec.js';
import { copyExample } from '../helpers/fixtures.js';
import { missingNodes, nodeBinary, NODE_VERSIONS } from '../helpers/nodes.js';
import { goscratch, REPO_ROOT } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { missingTools, needAll } from '../helpers/tools.js';

const CLI = join(REPO_ROOT, 'dist/cli.js');
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
let tmp: string;
/** Runs dist/cli.js; Node's compile cache (where it has one) goes under the test's directory. */
const bundled = (args: readonly string[], opts: ExecOptions & { node?: string } = {}) => {
  const { node, env, ...rest } = opts;
  return exec(node ?? process.execPath, [CLI, ...args], { cwd: REPO_ROOT, timeoutMs: 180_000, env: { NODE_COMPILE_CACHE: join(tmp, 'compile-cache'), ...env }, ...rest });
};

describe('the bundled CLI (dist/cli.js)', needAll(existsSync(CLI) ? undefined : 'dist/cli.js is not built: npm run build'), () => {
  before(async () => {
    tmp = await makeTempDir('bundle');
  });
  after(async () => {
    if (tmp) await removeTree(tmp);
  });

  it('is an executable ES module with a shebang that imports only its own chunks', () => {
    const text = readFileSync(CLI, 'utf8');
    assert.ok(text.startsWith('#!/usr/bin/env node\n'));
    assert.ok((readFileSync(join(REPO_ROOT, 'dist/cli.js')).length) < 4096, 'the entry stays small');
    for (const m of text.matchAll(/from\s*["']([^"']+)["']|import\(["']([^"']+)["']\)/g)) {
      const spec = m[1] ?? m[2]!;
      assert.ok(spec.startsWith('node:') || spec.startsWith('./chunks/'), `the entry imports ${spec}`);
    }
  });

  it('loads the option parser and what every command shares as one file: the entry starts main and the head start only, and main imports no other chunk', () => {
    const entry = readFileSync(CLI, 'utf8');
    const started = [...entry.matchAll(/import\(["']\.\/chunks\/([^"']+)["']\)/g)].map((m) => m[1]!);
    assert.deepEqual(started.map((f) => f.replace(/-[\w-]{8}\.js$/, '')).sort(), ['headstart', 'main']);
    const main = readFileSync(join(REPO_ROOT, 'dist/chunks', started.find((f) => f.startsWith('main-'))!), 'utf8');
    const statics = [...main.matchAll(/^import\b[^;]*?["']([^"']+)["'];?$/gm)].map((m) => m[1]!);
    assert.ok(statics.includes('node:module'), 'import lines are found');
    assert.deepEqual(statics.filter((s) => !s.startsWith('node:')), [], 'main imports other chunks at load');
    assert.match(main, /Usage|usage/, 'the option parser is inside main');
  });

  it("requires the built-in modules whose ES facade is costly instead of importing them (an ES import of node:fs loads its streams at every start)", () => {
    const chunks = join(REPO_ROOT, 'dist/chunks');
    for (const f of readdirSync(chunks)) {
      for (const m of readFileSync(join(chunks, f), 'utf8').matchAll(/\bfrom\s*["'](node:[^"']+)["']/g)) {
        assert.doesNotMatch(m[1]!, /^node:(fs|fs\/promises|crypto|child_process|zlib|stream|stream\/promises|util|readline)$/, `${f} imports ${m[1]}`);
      }
    }
  });

  it('writes help to a pipe and to a file alike, 80 columns wide', async () => {
    const piped = await bundled(['build', '--help']);
    const file = join(tmp, 'help.txt');
    const toFile = await exec('/bin/sh', ['-c', `"$0" "$1" build --help > "$2"`, process.execPath, CLI, file]);
    assert.equal(toFile.code, 0, toFile.stderr);
    assert.equal(readFileSync(file, 'utf8'), piped.stdout);
    assert.ok(piped.stdout.split('\n').every((line) => line.length <= 80), piped.stdout);
    assert.match(piped.stdout, /^Usage: goscratch build /);
  });

  it('answers --version and -V with the package version, also when package.json is not next to it', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await bundled([flag], { cwd: tmp });
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stdout, `${VERSION}\n`);
    }
    const late = await bundled(['--debug', '--version']);
    assert.equal(late.stdout, `${VERSION}\n`, 'commander answers --version after another option');
  });

  it('shows help for the program and for each command, and exits 2 on usage errors', async () => {
    const help = await bundled(['--help']);
    assert.equal(help.code, 0, help.stderr);
    for (const c of ['build', 'push', 'pull', 'login', 'logout', 'init', 'lint', 'inspect', 'sbom', 'resolve', 'apply', 'cache']) {
      assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'));
      const r = await bundled([c, '--help']);
      assert.equal(r.code, 0, `${c} --help: ${r.stderr}`);
      assert.match(r.stdout, new RegExp(`^Usage: goscratch ${c} `));
    }
    assert.equal((await bundled(['lint', '--no-such-flag'])).code, 2);
    assert.equal((await bundled(['no-such-command'])).code, 2);
    const nothing = await bundled(['build', '.']);
    assert.equal(nothing.code, 2, 'a UsageError from a command chunk keeps its exit code');
    assert.match(nothing.stderr, /^error: nothing to write/);
  });

  it('lints a Dockerfile from stdin (dockerfile-ast, a CommonJS dependency, inside a chunk)', async () => {
    const r = await bundled(['lint', '-', '--format', 'json', '--no-config'], { input: 'FROM golang:1.22\nRUN go build -o /app .\nUSER root\nENTRYPOINT /app\n' });
    assert.equal(r.code, 1, r.stderr);
    const findings = JSON.parse(r.stdout) as { findings?: Array<{ rule: string }> } | Array<{ rule: string }>;
    assert.ok((Array.isArray(findings) ? findings : findings.findings ?? []).length > 0, r.stdout);
    const sarif = await bundled(['lint', '-', '--format', 'sarif', '--no-config'], { input: 'FROM scratch\n' });
    assert.match(sarif.stdout, new RegExp(`"version": "${VERSION.replaceAll('.', '\\.')}"`), 'the SARIF report names the bundled version');
  });

  it('reads the cache GOSCRATCH_CACHE names', async () => {
    const r = await bundled(['cache', 'info', '--json'], { env: { GOSCRATCH_CACHE: join(tmp, 'cache') } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { entries: number }).entries, 0);
  });

  it(`builds examples/hello to the digest the sources give, on Node ${NODE_VERSIONS.join(', ')} and ${process.version}, with a compile cache where Node has one`, needAll(missingTools(['go']) ?? missingNodes()), async () => {
    const src = await copyExample('hello', join(tmp, 'hello'));
    const args = (out: string) => ['build', src, '--platform', 'linux/amd64', '--oci-layout', join(tmp, out), '--sbom', 'none', '--quiet'];
    const fromSource = await goscratch(args('out-source'), { timeoutMs: 300_000 });
    assert.equal(fromSource.code, 0, fromSource.stderr);
    for (const [version, node] of [...NODE_VERSIONS.map((v) => [v, nodeBinary(v)] as const), [process.version.slice(1), process.execPath] as const]) {
      const compileCache = join(tmp, `compile-cache-${version}`);
      const r = await bundled(args(`out-${version}`), { node, env: { NODE_COMPILE_CACHE: compileCache, NODE_DISABLE_COMPILE_CACHE: undefined } });
      assert.equal(r.code, 0, `Node ${version}: ${r.stderr}`);
      assert.equal(r.stdout, fromSource.stdout, `Node ${version}: same digest as the sources`);
      const [major, minor] = version.split('.').map(Number) as [number, number];
      const hasCache = major > 22 || (major === 22 && minor >= 8);
      assert.equal(existsSync(compileCache) && readdirSync(compileCache).length > 0, hasCache, `Node ${version}: compile cache ${hasCache ? 'written' : 'not available'}`);
    }
  });
});
