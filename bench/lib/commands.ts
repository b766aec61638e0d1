/**
 * The commands the bench times: goscratch as users run it (`node dist/cli.js`, the
 * package's bin, so `npm run bench` builds first), and peer tools found as the tests
 * find them (test/helpers/tools.ts), or a reason to skip their rows.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { toolPath } from '../../test/helpers/tools.js';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLI = join(ROOT, 'dist/cli.js');

/** argv of the built CLI; throws when dist/ is missing. */
export function goscratch(...args: string[]): string[] {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` (npm run bench does)`);
  return [process.execPath, CLI, ...args];
}

/** argv of the Node that runs the bench (and the CLI). */
export function node(...args: string[]): string[] {
  return [process.execPath, ...args];
}

/** The tool's absolute path, or undefined when it is not installed. */
export function tool(name: string): string | undefined {
  return toolPath(name);
}

/** Why rows needing these tools cannot run ("skipped: crane not found"), or undefined. */
export function skipReason(...names: string[]): string | undefined {
  const missing = names.filter((n) => !toolPath(n));
  return missing.length ? `skipped: ${missing.join(', ')} not found` : undefined;
}
