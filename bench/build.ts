/**
 * `goscratch build` against its peers on examples/hello, warm Go cache, medians of
 * RUNS runs in this one process:
 *   - whole `goscratch build --tarball` (a CLI process) vs `go build` with the same flags;
 *   - goscratch's packaging alone (layers + config + OCI layout, in process) vs
 *     `buildah bud` (vfs) of the equivalent two-file scratch Dockerfile on the same
 *     prebuilt binary plus `buildah push` to an OCI layout;
 *   - image assembly alone (layers + config, no writing) for the ~5 MB binary, with
 *     fresh compression and with the layer cache an unchanged rebuild reads.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../src/image/layerbuilder.js';
import { Cache } from '../src/util/cache.js';
import { appendLayers, emptyImage, setContainerConfig } from '../src/image/mutate.js';
import { baseEntries, bundledCaCertificates, DEFAULT_USER } from '../src/image/scratch.js';
import { writeLayout } from '../src/io/layout.js';
import { hostPlatform } from '../src/oci/platform.js';
import { Buildah } from '../test/helpers/buildah.js';
import { median, ms, printTable, timeRuns } from './stats.js';

const RUNS = Number(process.env.RUNS ?? 5);
const root = new URL('..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'gs-bench-build-'));
const src = join(work, 'hello');
cpSync(join(root, 'examples/hello'), src, { recursive: true });
const bin = join(work, 'hello.bin');
const goBuild = (): void => {
  execFileSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', bin, '.'], { cwd: src, env: { ...process.env, CGO_ENABLED: '0' } });
};
const cli = (args: string[]): void => {
  execFileSync(process.execPath, [join(root, 'dist/cli.js'), ...args], { cwd: src, stdio: 'ignore' });
};

async function assemble(cache: Cache | false = Cache.fromEnv()): Promise<ReturnType<typeof appendLayers>> {
  const [base, app] = await Promise.all([
    buildLayer(baseEntries(DEFAULT_USER, bundledCaCertificates()), { mtime: 0, cache }),
    buildLayer([{ type: 'file', path: '/usr/local/bin/hello', mode: 0o555, source: bin, size: statSync(bin).size }], { mtime: 0, cache }),
  ]);
  const img = appendLayers(emptyImage(hostPlatform()), [{ layer: base, history: {} }, { layer: app, history: {} }]);
  return setContainerConfig(img, () => ({ User: '10001:10001', Entrypoint: ['/usr/local/bin/hello'] }));
}

async function main(): Promise<void> {
  goBuild(); // warm the Go build cache
  cli(['build', '.', '--tarball', join(work, 'warm.tar')]);
  let n = 0;
  const goMs = median(await timeRuns(RUNS, async () => goBuild()));
  const gsMs = median(await timeRuns(RUNS, async () => cli(['build', '.', '--tarball', join(work, `out${n++}.tar`)])));
  const coldMs = median(await timeRuns(RUNS, () => assemble(false)));
  await assemble(); // fill the layer cache
  const asmMs = median(await timeRuns(RUNS, assemble));
  // Packaging against buildah with fresh compression: buildah bud caches no layers by default.
  const packMs = median(await timeRuns(RUNS, async () => writeLayout(join(work, `layout${n++}`), await assemble(false), { tags: ['hello:bench'] })));

  const rows: Array<[string, string, string?]> = [
    ['go build (same flags)', ms(goMs)],
    ['goscratch build --tarball (whole CLI)', ms(gsMs), `ratio ${(gsMs / goMs).toFixed(2)}x go build (target <= 2x)`],
    [`image assembly, ${(statSync(bin).size / 1e6).toFixed(1)} MB binary, fresh compression`, ms(coldMs), 'target < 100 ms'],
    ['image assembly, unchanged binary (layer cache)', ms(asmMs), 'target < 100 ms'],
    ['goscratch packaging (fresh assembly + OCI layout)', ms(packMs)],
  ];
  try {
    const buildah = await Buildah.create();
    const ctx = join(work, 'ctx');
    cpSync(bin, join(ctx, 'hello'), { recursive: true });
    writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello /usr/local/bin/hello\nUSER 10001:10001\nENTRYPOINT ["/usr/local/bin/hello"]\n');
    const bMs = median(await timeRuns(RUNS, async () => {
      await buildah.build(ctx, 'hello:bench');
      await buildah.pushLayout('hello:bench', join(work, `bl${n++}`), 'bench');
    }));
    await buildah.cleanup();
    rows.push(['buildah bud (vfs) + push to OCI layout', ms(bMs), `goscratch packaging is ${(bMs / packMs).toFixed(1)}x faster (target >= 3x)`]);
  } catch (e) {
    rows.push(['buildah bud', 'n/a', `not measured: ${(e as Error).message.split('\n')[0]}`]);
  }
  printTable(`goscratch build on examples/hello (median of ${RUNS} runs)`, rows);
  rmSync(work, { recursive: true, force: true });
}

await main();
