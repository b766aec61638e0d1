/**
 * Running the goscratch CLI from source, as a user would run the built one:
 * `node --import tsx src/cli.ts ...`, capturing stdout, stderr and the exit code.
 */
import { fileURLToPath } from 'node:url';
import { start, type ExecOptions, type ExecResult, type Running } from './exec.js';

/** The repository root (this file is test/helpers/run.ts). */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = fileURLToPath(new URL('../../src/cli.ts', import.meta.url));
// Absolute, so the CLI also starts with a cwd outside the repository.
const TSX = import.meta.resolve('tsx');

/** Starts `goscratch args` (cwd: the repository root unless given), e.g. to interrupt it mid-run. */
export function startGoscratch(args: readonly string[], opts: ExecOptions & { node?: string } = {}): Running {
  const { node, ...rest } = opts;
  return start(node ?? process.execPath, ['--import', TSX, CLI, ...args], { cwd: REPO_ROOT, timeoutMs: 180_000, ...rest });
}

/** Runs `goscratch args` (under another Node binary with `node`) and waits for it; never throws on exit codes. */
export function goscratch(args: readonly string[], opts: ExecOptions & { node?: string } = {}): Promise<ExecResult> {
  return startGoscratch(args, opts).done;
}
