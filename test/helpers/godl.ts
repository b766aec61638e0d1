/**
 * Go releases without the network: `goReleaseArchive` repackages the installed Go
 * (GOROOT of `toolPath('go')`) as an official archive would hold it (one `go/`
 * directory, links followed), leaving out tests, docs and the sources of cmd/ that no
 * build of a program reads; `serveGoReleases` serves it under a release name of the
 * test's choosing on 127.0.0.1, with the published list (`?mode=json&include=all`)
 * that names its SHA-256 and size, the way https://go.dev/dl/ does. Fault modes: a list
 * with the wrong SHA-256, and a download cut off halfway.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename, dirname, join } from 'node:path';
import { hostArchive } from '../../src/golang/download.js';
import { execOk } from './exec.js';
import { toolPath } from './tools.js';

/** Writes `dir/go.tar.gz` from the installed Go and returns its path. */
export async function goReleaseArchive(dir: string): Promise<string> {
  const go = toolPath('go');
  if (!go) throw new Error('no go to repackage');
  const goroot = (await execOk(go, ['env', 'GOROOT'], { cwd: '/', env: { GOTOOLCHAIN: 'local' } })).stdout.trim();
  const out = join(dir, 'go.tar.gz');
  const top = basename(goroot);
  const excluded = ['test', 'misc', 'api', 'doc', 'src/cmd'].map((p) => `--exclude=${top}/${p}`);
  const script = 'set -o pipefail; out=$0; from=$1; shift; tar -C "$from" -chf - "$@" | gzip -1 > "$out"';
  await execOk('bash', ['-c', script, out, dirname(goroot), ...excluded, '--exclude=testdata', '--exclude=*_test.go', `--transform=s,^${top},go,`, top]);
  return out;
}

export type ServeMode = 'ok' | 'wrong-checksum' | 'cut';

export interface GoReleases {
  /** The download base, for GOSCRATCH_TOOLCHAIN_URL. */
  url: string;
  /** The archive's file name for this machine, e.g. go1.22.0.linux-amd64.tar.gz. */
  file: string;
  /** Paths requested so far. */
  requests: string[];
  mode: ServeMode;
  stop(): Promise<void>;
}

/** Serves `archive` as release `release` (e.g. go1.22.0) for this machine. */
export async function serveGoReleases(archive: string, release: string, mode: ServeMode = 'ok'): Promise<GoReleases> {
  const file = hostArchive(release);
  const size = (await stat(archive)).size;
  const sha256 = createHash('sha256').update(await readFile(archive)).digest('hex');
  const requests: string[] = [];
  const state: GoReleases = { url: '', file, requests, mode, stop: async () => undefined };
  const [os, arch] = file.slice(release.length + 1, -'.tar.gz'.length).split('-');
  const entry = (name: string, sum: string) => ({ filename: name, os, arch, version: release, sha256: sum, size, kind: 'archive' });
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    requests.push(url.pathname + url.search);
    if (url.pathname === '/' && url.searchParams.get('mode') === 'json') {
      const sum = state.mode === 'wrong-checksum' ? createHash('sha256').update('something else').digest('hex') : sha256;
      const list = [
        { version: release, stable: true, files: [entry(file.replace('.tar.gz', '.src.tar.gz'), '0'.repeat(64)), entry(file, sum)] },
        { version: 'go1.1', stable: false, files: [] },
      ];
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(list));
      return;
    }
    if (url.pathname !== `/${file}`) {
      res.writeHead(404).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(size) });
    if (state.mode !== 'cut') {
      createReadStream(archive).pipe(res);
      return;
    }
    // Half the bytes, then the connection drops, as a flaky network would.
    const half = createReadStream(archive, { end: Math.floor(size / 2) });
    half.on('data', (c) => res.write(c));
    half.on('end', () => res.socket?.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  state.stop = () => new Promise<void>((resolve) => {
    server.closeAllConnections();
    server.close(() => resolve());
  });
  return state;
}
