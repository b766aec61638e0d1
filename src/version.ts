import { readFileSync } from 'node:fs';

/** Set by scripts/bundle.mjs in the bundled CLI, where package.json is not next to the code. */
declare const GOSCRATCH_BUNDLED_VERSION: string | undefined;

/**
 * The package version: the one the bundle was made with, else read once from the
 * package.json next to dist/ or src/ (the library as tsc emits it, the sources).
 */
export const VERSION: string = typeof GOSCRATCH_BUNDLED_VERSION === 'string'
  ? GOSCRATCH_BUNDLED_VERSION
  : (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
