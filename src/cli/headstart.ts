/**
 * This process's head start (golang/headstart.ts), from its command line, directory and
 * environment: cli.ts begins it before the option parser loads, so go starts as early
 * as it can, and `build` takes it.
 */
import { HeadStart } from '../golang/headstart.js';
import { cacheRoot } from '../util/cacheroot.js';

let ofProcess: Promise<HeadStart | undefined> | undefined;

export function beginHeadStart(): void {
  ofProcess ??= Promise.resolve()
    .then(() => HeadStart.begin(cacheRoot(), process.argv.slice(2), process.cwd()))
    .catch(() => undefined); // a GOSCRATCH_GO that is no program and the like: the build says so, with no head start
}

/** This process's head start (begun now if cli.ts did not). */
export function headStartOfProcess(): Promise<HeadStart | undefined> {
  beginHeadStart();
  return ofProcess!;
}
