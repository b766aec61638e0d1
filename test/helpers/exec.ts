/**
 * Running external tools from tests: capture stdout/stderr/exit code, bounded by a
 * timeout, and fail with the tool's own output so a broken run explains itself.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface ExecOptions {
  cwd?: string;
  /** Added to the current environment. */
  env?: Record<string, string | undefined>;
  input?: string;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
  /** Own process group (pid = pgid), so the whole group can be signalled like a terminal's Ctrl-C. */
  detached?: boolean;
}

export interface Running {
  child: ChildProcess;
  /** Resolves when the process has exited and its output is read. */
  done: Promise<ExecResult>;
  /** Output so far (to wait for a phase before signalling, say). */
  stdout(): string;
  stderr(): string;
}

/** Starts `cmd args` without waiting for it. */
export function start(cmd: string, args: readonly string[], opts: ExecOptions = {}): Running {
  const child = spawn(cmd, args, {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: [opts.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    detached: opts.detached ?? false,
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  child.stdout?.on('data', (b: Buffer) => out.push(b));
  child.stderr?.on('data', (b: Buffer) => err.push(b));
  const stdout = (): string => Buffer.concat(out).toString();
  const stderr = (): string => Buffer.concat(err).toString();
  const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 60_000);
  const done = new Promise<ExecResult>((resolve, reject) => {
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: stdout(), stderr: stderr() });
    });
  });
  if (opts.input !== undefined) child.stdin?.end(opts.input);
  return { child, done, stdout, stderr };
}

/** Runs `cmd args` to completion; never throws for a non-zero exit (see `execOk`). */
export function exec(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  return start(cmd, args, opts).done;
}

/** Runs `cmd args` and throws, with the command line and its output, unless it exits 0. */
export async function execOk(cmd: string, args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const r = await exec(cmd, args, opts);
  if (r.code !== 0) {
    throw new Error(
      `${cmd} ${args.join(' ')} exited ${r.code ?? r.signal}\n--- stdout\n${r.stdout}\n--- stderr\n${r.stderr}`,
    );
  }
  return r;
}

/** A tool bound to an environment (a private store, a daemon's socket), run through exec/execOk. */
export class BoundTool {
  constructor(
    readonly bin: string,
    readonly env: Record<string, string>,
  ) {}

  /** Runs the tool with `args`; never throws for a non-zero exit. */
  exec(args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return exec(this.bin, args, { ...opts, env: { ...this.env, ...opts.env } });
  }

  /** Runs the tool with `args`; throws with its output unless it exits 0. */
  ok(args: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return execOk(this.bin, args, { ...opts, env: { ...this.env, ...opts.env } });
  }
}
