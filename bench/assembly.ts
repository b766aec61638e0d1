/**
 * In-process figures for the packaging half of a build (no target), on a binary built
 * from examples/hello with goscratch's flags:
 *   - image assembly (layers + config, nothing written), fresh compression and from
 *     the layer cache an unchanged rebuild reads;
 *   - fresh assembly plus an OCI layout written, against `buildah bud` (vfs) of the
 *     equivalent two-file scratch Dockerfile on the same binary plus `buildah push`
 *     to an OCI layout (whole processes), when buildah is installed.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compileArgs, compileEnv, type CompileOptions } from '../src/golang/compile.js';
import { buildLayer } from '../src/image/layerbuilder.js';
import { appendLayers, emptyImage, setContainerConfig } from '../src/image/mutate.js';
import { baseEntries, bundledCaCertificates, DEFAULT_USER } from '../src/image/scratch.js';
import { writeLayout } from '../src/io/layout.js';
import { hostPlatform } from '../src/oci/platform.js';
import { Cache } from '../src/util/cache.js';
import { Buildah } from '../test/helpers/buildah.js';
import { copyExample } from '../test/helpers/fixtures.js';
import { missingTools } from '../test/helpers/tools.js';
import { skipReason, tool } from './lib/commands.js';
import { compared, printTable, type Row } from './lib/report.js';
import { runCount, timeInProcess } from './lib/timing.js';

const RUNS = runCount(5);

async function main(work: string): Promise<void> {
  const src = join(work, 'hello');
  await copyExample('hello', src);
  const opts: CompileOptions = { go: tool('go')!, dir: src, packages: ['.'], platform: hostPlatform(), tags: ['timetzdata'] };
  execFileSync(opts.go, compileArgs(opts, join(work, 'bin'), compileEnv(opts)), { cwd: src, env: compileEnv(opts), stdio: 'ignore' });
  const bin = join(work, 'bin', 'hello');
  const cache = new Cache(join(work, 'cache'));
  const assemble = async (c: Cache | false): Promise<ReturnType<typeof appendLayers>> => {
    const [base, app] = await Promise.all([
      buildLayer(baseEntries(DEFAULT_USER, bundledCaCertificates()), { mtime: 0, cache: c }),
      buildLayer([{ type: 'file', path: '/usr/local/bin/hello', mode: 0o555, source: bin, size: statSync(bin).size }], { mtime: 0, cache: c }),
    ]);
    const img = appendLayers(emptyImage(hostPlatform()), [{ layer: base, history: {} }, { layer: app, history: {} }]);
    return setContainerConfig(img, () => ({ User: '10001:10001', Entrypoint: ['/usr/local/bin/hello'] }));
  };
  let n = 0;
  const fresh = await timeInProcess(RUNS, () => assemble(false));
  const cached = await timeInProcess(RUNS, () => assemble(cache));
  const pack = await timeInProcess(RUNS, async () => writeLayout(join(work, `layout${n++}`), await assemble(false), { tags: ['hello:bench'] }));
  const rows: Row[] = [
    { label: `in-process: image assembly, ${(statSync(bin).size / 1e6).toFixed(1)} MB binary, fresh compression`, stats: fresh },
    { label: 'in-process: image assembly, layer cache', stats: cached },
    { label: 'in-process: fresh assembly + OCI layout written', stats: pack },
  ];
  const noBuildah = missingTools(['buildah']);
  if (noBuildah) rows.push({ label: 'buildah bud + push to OCI layout', note: `skipped: ${noBuildah}` });
  else {
    const buildah = await Buildah.create();
    try {
      const ctx = join(work, 'ctx');
      mkdirSync(ctx);
      cpSync(bin, join(ctx, 'hello'));
      writeFileSync(join(ctx, 'Dockerfile'), 'FROM scratch\nCOPY hello /usr/local/bin/hello\nUSER 10001:10001\nENTRYPOINT ["/usr/local/bin/hello"]\n');
      const b = await timeInProcess(RUNS, async () => {
        await buildah.build(ctx, 'hello:bench');
        await buildah.pushLayout('hello:bench', join(work, `bl${n++}`), 'bench');
      });
      rows.push({ label: 'buildah bud (vfs) + push to OCI layout (whole processes)', stats: b, note: `in-process packaging: ${compared(pack, b, 'buildah')}` });
    } finally {
      await buildah.cleanup();
    }
  }
  printTable(`packaging examples/hello (median of ${RUNS} runs, min - max; no target)`, rows);
}

const missing = skipReason('go');
if (missing) console.log(`assembly: ${missing}`);
else {
  const work = mkdtempSync(join(tmpdir(), 'goscratch-bench-assembly-'));
  try {
    await main(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
