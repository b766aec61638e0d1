#!/usr/bin/env node
/**
 * The goscratch command line's entry: as little as possible before the first output.
 * `goscratch --version` answers here, before the option parser or any command is
 * loaded; everything else turns on Node's compile cache and loads cli/main.ts.
 */

/** Set by scripts/bundle.mjs; see version.ts. Used here directly so the bundle's entry imports nothing. */
declare const GOSCRATCH_BUNDLED_VERSION: string | undefined;

const first = process.argv[2];
if (first === '--version' || first === '-V') {
  // As commander does for a leading --version: print it and stop, whatever follows.
  const version = typeof GOSCRATCH_BUNDLED_VERSION === 'string' ? GOSCRATCH_BUNDLED_VERSION : (await import('./version.js')).VERSION;
  process.stdout.write(`${version}\n`);
} else {
  // Node's compile cache (`module.enableCompileCache`, Node >= 22.8; absent on Node 20,
  // where this does nothing) keeps V8's compiled code of the modules loaded after this
  // call, so later runs skip most of the parsing and compiling.
  //
  // It lives where Node puts it by default: $NODE_COMPILE_CACHE, else
  // <tmpdir>/node-compile-cache (NODE_DISABLE_COMPILE_CACHE=1 turns it off). Not in
  // goscratch's own cache ($GOSCRATCH_CACHE, util/cache.ts): that one holds build
  // outputs, which `goscratch cache info|prune` accounts for and GOSCRATCH_CACHE_MAX
  // bounds, and is often set per build or per CI job; compiled code is tied to one
  // Node binary, checked against the source before use, and shared with other Node
  // tools that use it. A cache that cannot be written only means a slower start.
  // (Inline rather than a function: the bundle's entry then needs no helper chunk.)
  try {
    (process.getBuiltinModule?.('node:module') as { enableCompileCache?: () => unknown } | undefined)?.enableCompileCache?.();
  } catch {
    // Not available or not writable: start without it.
  }
  // `goscratch build`: the go build the same command ran last time starts now, before
  // the option parser and the pipeline load (golang/headstart.ts).
  if (first === 'build' && !process.argv.includes('--help') && !process.argv.includes('-h')) void import('./cli/headstart.js').then((h) => h.beginHeadStart());
  await (await import('./cli/main.js')).run(process.argv);
}
