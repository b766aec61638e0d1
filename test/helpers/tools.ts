/**
 * Tests that need a real tool (go, runc, podman, dockerd, ...) check for it here. A
 * missing tool skips the test with the reason on a developer's machine, but fails it
 * when CI=true: in CI every tool is installed by .ci/install and nothing may be skipped.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';

/**
 * Tools whose path is fixed: the Debian docker client, not a wrapper earlier on PATH;
 * crane as scripts/build-crane.sh builds it from Debian's go-containerregistry 0.14.
 */
const FIXED: Record<string, string> = { docker: '/usr/bin/docker', crane: '/usr/local/bin/crane' };

/** Tools the helpers drive as root (rootful runtimes, umoci unpack without --rootless). */
const NEEDS_ROOT = new Set(['runc', 'umoci', 'podman', 'buildah', 'dockerd', 'docker', 'containerd', 'ctr']);

const inCi = (): boolean => process.env.CI === 'true';

function executable(p: string): boolean {
  try {
    accessSync(p, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The absolute path of a tool, or undefined. `go` honours $GOSCRATCH_GO like the CLI. */
export function toolPath(name: string): string | undefined {
  if (name === 'go' && process.env.GOSCRATCH_GO) {
    return executable(process.env.GOSCRATCH_GO) ? process.env.GOSCRATCH_GO : undefined;
  }
  const fixed = FIXED[name];
  if (fixed) return executable(fixed) ? fixed : undefined;
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/local/sbin', '/usr/sbin', '/sbin'];
  return dirs.filter(Boolean).map((d) => join(d, name)).find(executable);
}

/** Why the tools cannot be used here, or undefined when all of them can. */
export function missingTools(names: readonly string[]): string | undefined {
  const missing = names.filter((n) => !toolPath(n));
  if (missing.length) return `needs ${missing.join(', ')} (not found; .ci/install installs it)`;
  const rooted = names.filter((n) => NEEDS_ROOT.has(n));
  if (rooted.length && process.getuid?.() !== 0) return `needs root to run ${rooted.join(', ')}`;
  return undefined;
}

/**
 * In a test: `if (!requireTool(t, 'runc')) return;`. Skips with the reason, or fails
 * the test under CI=true.
 */
export function requireTool(t: TestContext, ...names: string[]): boolean {
  const reason = missingTools(names);
  if (!reason) return true;
  if (inCi()) assert.fail(`${reason}; CI=true, so a missing tool is a failure`);
  t.skip(reason);
  return false;
}

/**
 * For a whole suite whose hooks start a daemon: `describe('x', needTools('dockerd'), ...)`.
 * Gives `{ skip: reason }` when a tool is missing; under CI=true it throws, failing the file.
 */
export function needTools(...names: string[]): { skip?: string } {
  return needAll(missingTools(names));
}

/** needTools for any other missing prerequisite: `reason` undefined means everything is there. */
export function needAll(reason: string | undefined): { skip?: string } {
  if (!reason) return {};
  if (inCi()) throw new Error(`${reason}; CI=true, so a missing tool is a failure`);
  return { skip: reason };
}
