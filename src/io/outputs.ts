/**
 * Checks of output paths made before any work starts, so a run that cannot write
 * its results fails at once, with the path and the fix, instead of after a compile
 * or a download. The same decision as the write itself (util/fs.ts choosePlan): a
 * new path or regular file, a symlink to one, a FIFO or character device for an
 * archive; never anything that would have to be replaced.
 */
import { stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { UsageError } from '../util/errors.js';
import { choosePlan } from '../util/fs.js';
import { isLayoutDir } from './layout.js';

async function parentExists(path: string): Promise<void> {
  const parent = await stat(dirname(path)).catch(() => undefined);
  if (!parent?.isDirectory()) throw new UsageError(`cannot write ${path}: the directory ${dirname(path)} does not exist`);
}

export async function checkOutputs(o: { layout?: string; tarball?: string }): Promise<void> {
  if (o.tarball) {
    await parentExists(o.tarball);
    const plan = await choosePlan(o.tarball, { devices: true });
    if (plan.how === 'refuse') {
      throw new UsageError(`cannot write the archive ${o.tarball}: ${plan.why}; give a file name such as image.tar`, { input: o.tarball });
    }
  }
  if (o.layout) {
    await parentExists(o.layout);
    const st = await stat(o.layout).catch(() => undefined);
    if (st && !(st.isDirectory() && (await isLayoutDir(o.layout)))) {
      throw new UsageError(`cannot write an OCI layout to ${o.layout}: it exists and is not an OCI layout; remove it or choose another path`);
    }
  }
}
