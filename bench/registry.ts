/**
 * goscratch's registry client against `skopeo copy`, on a local registry
 * (distribution 2.8 on 127.0.0.1), medians of RUNS runs in this one process, with a
 * ~100 MB, 5-layer image read from the same OCI layout by both:
 *   - cold push into a new, empty registry storage;
 *   - re-push of the same image (every blob present: no blob may be uploaded);
 *   - pull of the same image into an OCI layout.
 * goscratch is timed in process (library calls, from reading the layout to the last
 * byte written); skopeo as a whole process, which includes its start-up (~tens of ms).
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../src/image/layerbuilder.js';
import { newImage } from '../src/image/model.js';
import { readLayout, writeLayout } from '../src/io/layout.js';
import { pullIntoLayout, pushArtifact } from '../src/io/registry/index.js';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.js';
import { median, ms, printTable } from './stats.js';

const RUNS = Number(process.env.RUNS ?? 5);
const LAYERS = 5;
const LAYER_BYTES = 20 * 1024 * 1024;
const work = mkdtempSync(join(tmpdir(), 'gs-bench-registry-'));
const layout = join(work, 'src');

const skopeo = (...args: string[]): void => {
  execFileSync('skopeo', args, { stdio: 'ignore' });
};
/** The built CLI as a whole process, start-up included, like skopeo. */
const cli = (...args: string[]): void => {
  execFileSync(process.execPath, [join(new URL('..', import.meta.url).pathname, 'dist/cli.js'), ...args], { stdio: 'ignore' });
};

async function timed(fn: () => Promise<unknown>): Promise<number> {
  const t = performance.now();
  await fn();
  return performance.now() - t;
}

/** Runs `fn` against a fresh registry each time (start and stop not timed). */
async function freshRegistry(fn: (reg: TestRegistry) => Promise<number>): Promise<number> {
  const reg = await startRegistry();
  try {
    return await fn(reg);
  } finally {
    await reg.stop();
  }
}

async function main(): Promise<void> {
  const layers = [];
  for (let i = 0; i < LAYERS; i++) layers.push(await buildLayer([{ type: 'file', path: `/data/${i}.bin`, mode: 0o644, data: randomBytes(LAYER_BYTES) }], { mtime: 0 }));
  const img = newImage({ config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, layers });
  await writeLayout(layout, img, { tags: ['bench:v1'] });
  const size = img.layers.reduce((n, l) => n + l.size, 0);

  const gsCold: number[] = [];
  const cliCold: number[] = [];
  const skCold: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    gsCold.push(await freshRegistry((reg) => timed(async () => pushArtifact(`${reg.host}/bench/app:v1`, await readLayout(layout)))));
    cliCold.push(await freshRegistry((reg) => timed(async () => cli('push', layout, `${reg.host}/bench/app:v1`))));
    skCold.push(await freshRegistry((reg) => timed(async () => skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${reg.host}/bench/app:v1`))));
  }

  const reg = await startRegistry();
  const gsWarm: number[] = [];
  const skWarm: number[] = [];
  const gsPull: number[] = [];
  const cliPull: number[] = [];
  const skPull: number[] = [];
  let uploads = 0;
  try {
    await pushArtifact(`${reg.host}/bench/app:v1`, await readLayout(layout));
    for (let i = 0; i < RUNS; i++) {
      gsWarm.push(await timed(async () => {
        const r = await pushArtifact(`${reg.host}/bench/app:v1`, await readLayout(layout));
        uploads += Object.values(r.blobs).filter((o) => o === 'uploaded').length;
      }));
      skWarm.push(await timed(async () => skopeo('copy', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${reg.host}/bench/app:v1`)));
    }
    for (let i = 0; i < RUNS; i++) {
      const gsDest = join(work, `gs-pull-${i}`);
      const skDest = join(work, `sk-pull-${i}`);
      gsPull.push(await timed(async () => pullIntoLayout(`${reg.host}/bench/app:v1`, gsDest, { tags: ['bench:v1'] })));
      cliPull.push(await timed(async () => cli('pull', `${reg.host}/bench/app:v1`, `${gsDest}-cli`)));
      rmSync(`${gsDest}-cli`, { recursive: true, force: true });
      skPull.push(await timed(async () => skopeo('copy', '--src-tls-verify=false', `docker://${reg.host}/bench/app:v1`, `oci:${skDest}:v1`)));
      rmSync(gsDest, { recursive: true, force: true });
      rmSync(skDest, { recursive: true, force: true });
    }
  } finally {
    await reg.stop();
  }

  const row = (label: string, gs: number[], sk: number[], note = '', whole?: number[]): Array<[string, string, string?]> => [
    [`${label}: goscratch (in process)`, ms(median(gs)), `ratio ${(median(gs) / median(sk)).toFixed(2)} vs skopeo${note}`],
    ...(whole ? [[`${label}: goscratch CLI (whole process)`, ms(median(whole)), `ratio ${(median(whole) / median(sk)).toFixed(2)} vs skopeo`] as [string, string, string]] : []),
    [`${label}: skopeo copy (whole process)`, ms(median(sk))],
  ];
  printTable(`registry, ${(size / 1e6).toFixed(0)} MB in ${LAYERS} layers, medians of ${RUNS} runs`, [
    ...row('cold push', gsCold, skCold, ' (target <= 1.0)', cliCold),
    ...row('re-push', gsWarm, skWarm, ` (target < 150 ms; blob uploads: ${uploads})`),
    ...row('pull to OCI layout', gsPull, skPull, ' (target <= 1.0)', cliPull),
  ]);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
