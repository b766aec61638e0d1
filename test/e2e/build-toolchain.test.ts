/**
 * The Go toolchain a build runs, chosen from go.mod as GOTOOLCHAIN=auto would: a
 * release downloaded (from a loopback server holding the installed Go repackaged under
 * the release name go.mod asks for), checked against the published SHA-256 before it
 * is unpacked, kept in the cache and announced in one line; refused when the checksum
 * is wrong or the download is cut off, with nothing left behind; and, with downloads
 * forbidden, a clear error (exit 2) naming the version and how to provide it.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { access, mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { goscratch } from '../helpers/run.js';
import { writeModule } from '../helpers/fixtures.js';
import { goReleaseArchive, serveGoReleases, type GoReleases } from '../helpers/godl.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, toolPath } from '../helpers/tools.js';

const MAIN = 'package main\n\nimport "os"\n\nfunc main() { os.Stdout.WriteString("hi\\n") }\n';

describe('goscratch build picks, downloads and verifies the Go toolchain go.mod asks for', needTools('go', 'tar', 'gzip'), () => {
  let dir = '';
  let archive = '';
  const servers: GoReleases[] = [];
  let n = 0;

  before(async () => {
    dir = await makeTempDir('e2e-toolchain');
    archive = await goReleaseArchive(dir);
  });
  after(async () => {
    for (const s of servers) await s.stop();
    await removeTree(dir);
  });

  const serve = async (release: string, mode?: 'ok' | 'wrong-checksum' | 'cut'): Promise<GoReleases> => {
    const s = await serveGoReleases(archive, release, mode);
    servers.push(s);
    return s;
  };
  /** A module and a cache of its own. */
  const project = async (goMod: string): Promise<{ mod: string; cache: string }> => {
    const base = join(dir, `p${++n}`);
    return { mod: await writeModule(join(base, 'mod'), { 'go.mod': goMod, 'main.go': MAIN }), cache: join(base, 'cache') };
  };
  const build = (mod: string, env: Record<string, string | undefined>) =>
    goscratch(['build', mod, '--oci-layout', join(mod, '..', `out-${++n}`)], { env, timeoutMs: 300_000 });
  /** Nothing of `release` in the cache's toolchains directory: no entry, no temporary files. */
  const leftovers = async (cache: string, release: string): Promise<string[]> =>
    (await readdir(join(cache, 'toolchains')).catch(() => [] as string[])).filter((f) => f.includes(release));

  it('a module whose go line is newer than the installed Go, downloads forbidden: the version needed and how to provide it, exit 2', async () => {
    const server = await serve('go1.99.0');
    const { mod, cache } = await project('module example.com/app\n\ngo 1.99\n');
    const r = await build(mod, { GOSCRATCH_TOOLCHAIN: 'local', GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /needs Go 1\.99 or newer \(its go\.mod go line\), but the Go found \(.*\) is go1\.\d+\.\d+, and GOSCRATCH_TOOLCHAIN=local forbids downloading one/);
    assert.match(r.stderr, /put its bin directory on PATH, or set GOSCRATCH_GO=/);
    assert.doesNotMatch(r.stderr, /cannot read Go package/);
    assert.deepEqual(server.requests, [], 'nothing is downloaded');
    // The same through goscratch.yaml.
    await writeFile(join(mod, 'goscratch.yaml'), 'build:\n  toolchain: local\n');
    const fromFile = await build(mod, { GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache, GOTOOLCHAIN: undefined });
    assert.equal(fromFile.code, 2, fromFile.stderr);
    assert.match(fromFile.stderr, /build\.toolchain: local \(goscratch\.yaml\) forbids downloading one/);
    assert.deepEqual(server.requests, []);
  });

  it('no Go installed: downloads the release of the go line once, verified, into the cache, in one line; builds with it', async () => {
    const server = await serve('go1.22.0');
    const { mod, cache } = await project('module example.com/app\n\ngo 1.22\n');
    // A killed earlier run left a partial toolchain: it is never run, and is removed.
    const stale = join(cache, 'toolchains', `.${server.file.replace('.tar.gz', '')}.tmp-0dead`, 'go', 'bin');
    await mkdir(stale, { recursive: true });
    const ran = join(dir, 'stale-go-ran');
    await writeFile(join(stale, 'go'), `#!/bin/sh\n: > '${ran}'\n`, { mode: 0o755 });
    const env = { PATH: '/nonexistent', GOSCRATCH_GO: undefined, GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache };

    const first = await build(mod, env);
    assert.equal(first.code, 0, first.stderr);
    const lines = first.stderr.split('\n').filter((l) => l.includes('downloading'));
    assert.equal(lines.length, 1, first.stderr);
    assert.match(lines[0]!, new RegExp(`go\\.mod's go line asks for go1\\.22\\.0 and no Go is installed .*: downloading ${server.file.replace(/\./g, '\\.')} \\(\\d+\\.\\d MB\\) from ${server.url} into ${cache}/toolchains`));
    assert.deepEqual(server.requests, ['/?mode=json&include=all', `/${server.file}`]);
    assert.deepEqual(await readdir(join(cache, 'toolchains')), [server.file.replace('.tar.gz', '')], 'the release, and no temporary files');
    assert.equal(await access(ran).then(() => true, () => false), false, 'nothing from a partial download runs');

    const second = await build(mod, env);
    assert.equal(second.code, 0, second.stderr);
    assert.doesNotMatch(second.stderr, /downloading/);
    assert.equal(server.requests.length, 2, 'the cached release is used');
  });

  it('a Go older than the toolchain line: the newer release is downloaded and used', async () => {
    const server = await serve('go1.23.99');
    const { mod, cache } = await project('module example.com/app\n\ngo 1.22\n\ntoolchain go1.23.99\n');
    const r = await build(mod, { GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache, GOSCRATCH_GO: toolPath('go') });
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /go\.mod's toolchain line asks for go1\.23\.99 and the Go found \(.*\) is go1\.\d+\.\d+: downloading/);
    assert.deepEqual(await leftovers(cache, 'go1.23.99'), [server.file.replace('.tar.gz', '')]);
  });

  it('a wrong SHA-256 in the published list: refused, nothing unpacked', async () => {
    const server = await serve('go1.22.0', 'wrong-checksum');
    const { mod, cache } = await project('module example.com/app\n\ngo 1.22\n');
    const r = await build(mod, { PATH: '/nonexistent', GOSCRATCH_GO: undefined, GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /its SHA-256 is [0-9a-f]{64}, but the published list says [0-9a-f]{64}; refusing it \(nothing was unpacked\)/);
    assert.deepEqual(await leftovers(cache, 'go1.22.0'), []);
  });

  it('a download cut off halfway: an error, nothing half-installed, and the next run installs it', async () => {
    const server = await serve('go1.22.0', 'cut');
    const { mod, cache } = await project('module example.com/app\n\ngo 1.22\n');
    const env = { PATH: '/nonexistent', GOSCRATCH_GO: undefined, GOSCRATCH_TOOLCHAIN_URL: server.url, GOSCRATCH_CACHE: cache };
    const r = await build(mod, env);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, new RegExp(`downloading ${server.url}${server.file.replace(/\./g, '\\.')} (failed|was cut short)`));
    assert.deepEqual(await leftovers(cache, 'go1.22.0'), []);
    server.mode = 'ok';
    const again = await build(mod, env);
    assert.equal(again.code, 0, again.stderr);
    assert.deepEqual(await leftovers(cache, 'go1.22.0'), [server.file.replace('.tar.gz', '')]);
  });
});
