/**
 * goscratch push / pull against `skopeo copy` and `crane`, whole processes,
 * interleaved, on a loopback registry (distribution's `docker-registry`, started here
 * in a temp dir by test/helpers/registry.ts), with a ~100 MB image of 5 random
 * (incompressible) layers in an OCI layout:
 *   - re-push: every blob already there, nothing to upload. Target: <= 0.20 s.
 *   - cold push: a fresh, empty registry for every run (its start is not timed).
 *     Target: <= 1.0x skopeo.
 *   - pull into an OCI layout (the destination removed between runs). Target: <= 1.0x skopeo.
 */
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildLayer } from '../src/image/layerbuilder.js';
import { newImage } from '../src/image/model.js';
import { writeLayout } from '../src/io/layout.js';
import { startRegistry, type TestRegistry } from '../test/helpers/registry.js';
import { goscratch, skipReason, tool } from './lib/commands.js';
import { printTable, ratioAtMost, timeAtMost, type Row } from './lib/report.js';
import { interleave, runCount, timeOnce, type Contender, type Stats } from './lib/timing.js';

const RUNS = runCount(5);
const LAYERS = 5;
const LAYER_BYTES = 20 * 1024 * 1024;
const REPO = 'bench/app:v1';

/** One contender per tool: goscratch always, skopeo and crane when installed. */
interface Peers {
  goscratch: Contender;
  skopeo: Contender;
  crane: Contender;
}
const PEERS = ['skopeo', 'crane'] as const;

function rows(title: string, s: Map<string, Stats>, names: Record<keyof Peers, string>, verdict: (gs: Stats, skopeo: Stats | undefined) => Row['verdict']): Row[] {
  const gs = s.get('goscratch')!;
  const v = verdict(gs, s.get('skopeo'));
  return [
    { label: `${title}: ${names.goscratch}`, stats: gs, ...(v ? { verdict: v } : { note: 'target is against skopeo: not evaluated' }) },
    ...PEERS.map((p): Row => {
      const st = s.get(p);
      return st ? { label: `${title}: ${names[p]}`, stats: st } : { label: `${title}: ${names[p]}`, note: skipReason(p)! };
    }),
  ];
}

async function main(work: string): Promise<void> {
  const layout = join(work, 'src');
  const layers = [];
  for (let i = 0; i < LAYERS; i++) layers.push(await buildLayer([{ type: 'file', path: `/data/${i}.bin`, mode: 0o644, data: randomBytes(LAYER_BYTES) }], { mtime: 0 }));
  const img = newImage({ config: { architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [] } }, layers });
  await writeLayout(layout, img, { tags: ['bench:v1'] });
  const mb = (img.layers.reduce((n, l) => n + l.size, 0) / 1e6).toFixed(0);
  const have = (c: Peers): Contender[] => [c.goscratch, ...PEERS.filter((p) => tool(p)).map((p) => c[p])];
  const skopeo = tool('skopeo') ?? 'skopeo';
  const crane = tool('crane') ?? 'crane';
  const pushes = (ref: () => string, check?: (stdout: string) => void): Peers => ({
    goscratch: { name: 'goscratch', argv: () => goscratch('push', layout, ref(), '--json'), ...(check ? { after: check } : {}) },
    skopeo: { name: 'skopeo', argv: () => [skopeo, 'copy', '-q', '--dest-tls-verify=false', `oci:${layout}:v1`, `docker://${ref()}`] },
    crane: { name: 'crane', argv: () => [crane, 'push', '--insecure', layout, ref()] },
  });
  const pushNames = { goscratch: 'goscratch push', skopeo: 'skopeo copy oci: docker://', crane: 'crane push --insecure' };

  // Cold: a fresh registry for every run.
  let fresh: TestRegistry | undefined;
  const cold = pushes(() => `${fresh!.host}/${REPO}`);
  for (const c of Object.values(cold) as Contender[]) {
    c.before = async () => void (fresh = await startRegistry());
    const after = c.after;
    c.after = async (out) => {
      await after?.(out);
      await fresh?.stop();
      fresh = undefined;
    };
  }
  const coldStats = await interleave(have(cold), RUNS).finally(() => fresh?.stop());

  const reg = await startRegistry();
  try {
    const ref = `${reg.host}/${REPO}`;
    let uploads = 0;
    const warm = pushes(
      () => ref,
      (out) => void (uploads += Object.values((JSON.parse(out) as { blobs?: Record<string, string> }).blobs ?? {}).filter((o) => o === 'uploaded').length),
    );
    await timeOnce(warm.goscratch); // the image is there before any re-push
    uploads = 0;
    const warmStats = await interleave(have(warm), RUNS);

    const dest = join(work, 'pulled');
    const clear = (): void => rmSync(dest, { recursive: true, force: true });
    const pulls: Peers = {
      goscratch: { name: 'goscratch', argv: goscratch('pull', ref, dest, '-q'), before: clear },
      skopeo: { name: 'skopeo', argv: [skopeo, 'copy', '-q', '--src-tls-verify=false', `docker://${ref}`, `oci:${dest}:v1`], before: clear },
      crane: { name: 'crane', argv: [crane, 'pull', '--insecure', '--format', 'oci', ref, dest], before: clear },
    };
    const pullStats = await interleave(have(pulls), RUNS);
    clear();

    printTable(`registry, ${mb} MB in ${LAYERS} random layers, loopback docker-registry, whole processes (median of ${RUNS} interleaved runs, min - max)`, [
      ...rows('re-push, nothing to upload', warmStats, pushNames, (gs) => timeAtMost(gs, 200)),
      ...rows('cold push, fresh registry', coldStats, pushNames, (gs, sk) => (sk ? ratioAtMost(gs, sk, 'skopeo', 1.0) : undefined)),
      ...rows('pull to OCI layout', pullStats, { goscratch: 'goscratch pull', skopeo: 'skopeo copy docker:// oci:', crane: 'crane pull --format oci' }, (gs, sk) => (sk ? ratioAtMost(gs, sk, 'skopeo', 1.0) : undefined)),
    ]);
    console.log(`  blobs goscratch uploaded in its re-pushes: ${uploads} (should be 0)`);
  } finally {
    await reg.stop();
  }
}

const missing = skipReason('docker-registry');
if (missing) {
  console.log(`registry: ${missing}`);
} else {
  const work = mkdtempSync(join(tmpdir(), 'goscratch-bench-registry-'));
  try {
    await main(work);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
