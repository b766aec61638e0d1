/**
 * A head start for `go build`. A build spends its first 100 ms or so loading the
 * pipeline, reading goscratch.yaml and working out what to compile, all before go
 * starts, and the answer is nearly always the go build that the same command line ran
 * the last time. So `goscratch build` starts that go build first, from a record of it
 * (in the cache's lists/, keyed by the command line, directory and environment), and
 * loads the rest while go runs. The pipeline still works out its compile as always, and
 * adopts the head start only when it is that very invocation (go binary, arguments,
 * directory, environment) and it succeeded; otherwise the head start is stopped and go
 * runs as usual. A wrong guess costs time, never a wrong binary.
 *
 * A record is data that names a program to run, so it is checked before it runs: the
 * go that this environment finds (or one goscratch downloaded), a `go build` into the
 * cache, no flag or variable that makes go run another program (execflags.ts), and the
 * head start takes the cache entry's lock as the compile does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { acquireLock, type Lock } from '../util/lock.js';
import type { ExecResult } from './exec.js';
import { execEnv, execFlag } from './execflags.js';
import { locateGo } from './locate.js';

// Everything here loads before go starts, so only small modules: not util/fs.ts nor
// the cache class, nor node:crypto (a record's name needs no cryptographic hash: two
// command lines that shared one would only make a head start that is not taken).

/** One go command: what must be the same for a head start to stand for it. */
export interface GoRun {
  go: string;
  args: readonly string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
}

/** As kept: the environment as its differences from the command's own (null: unset). */
interface Kept {
  format: typeof FORMAT;
  go: string;
  args: string[];
  cwd: string;
  env: Array<[string, string | null]>;
}

const FORMAT = 1;

interface Started {
  run: GoRun;
  lock: Lock;
  child: ChildProcess;
  done: Promise<ExecResult>;
}

export class HeadStart {
  private started: Started | undefined;

  private constructor(
    private readonly cacheRoot: string,
    private readonly recordFile: string,
  ) {}

  /** Starts the go build this command line ran last time, when there is a sound record of one. */
  static async begin(root: string, argv: readonly string[], cwd: string, env: NodeJS.ProcessEnv = process.env): Promise<HeadStart> {
    const vars = Object.entries(env).sort(([a], [b]) => (a < b ? -1 : 1));
    const head = new HeadStart(root, join(root, 'lists', fnv64(JSON.stringify(['head start', argv, cwd, vars]))));
    const run = await head.recorded(env);
    if (run) head.started = await launch(run);
    return head;
  }

  /**
   * The head start's outcome and the cache entry's lock, when it is `run`; undefined
   * otherwise (a head start that is another invocation is stopped first). Once only.
   */
  async take(run: GoRun): Promise<{ result: ExecResult; lock: Lock } | undefined> {
    const s = this.started;
    this.started = undefined;
    if (!s) return undefined;
    if (!sameRun(s.run, run)) {
      await stop(s);
      return undefined;
    }
    return { result: await s.done, lock: s.lock };
  }

  /** Stops a head start no compile took (the build failed before compiling, or compiled something else). */
  async stop(): Promise<void> {
    const s = this.started;
    this.started = undefined;
    if (s) await stop(s);
  }

  /** Keeps `run` as this command line's go build, for the next time. */
  async record(run: GoRun): Promise<void> {
    const diff: Array<[string, string | null]> = [];
    for (const [k, v] of Object.entries(run.env)) if (v !== undefined && process.env[k] !== v) diff.push([k, v]);
    for (const k of Object.keys(process.env)) if (run.env[k] === undefined) diff.push([k, null]);
    const record: Kept = { format: FORMAT, go: run.go, args: [...run.args], cwd: run.cwd, env: diff };
    const tmp = `${this.recordFile}.${process.pid}.tmp`;
    await mkdir(dirname(this.recordFile), { recursive: true })
      .then(() => writeFile(tmp, JSON.stringify(record)))
      .then(() => rename(tmp, this.recordFile))
      .catch(() => undefined); // a cache that cannot be written only means no head start next time
  }

  /** The recorded run, when it passes every check; undefined otherwise. */
  private async recorded(env: NodeJS.ProcessEnv): Promise<GoRun | undefined> {
    const parsed = readSmallFile(this.recordFile) as Partial<Kept> | undefined;
    if (!parsed || parsed.format !== FORMAT || typeof parsed.go !== 'string' || typeof parsed.cwd !== 'string') return undefined;
    if (!Array.isArray(parsed.args) || !parsed.args.every((a) => typeof a === 'string')) return undefined;
    if (!Array.isArray(parsed.env) || !parsed.env.every((e) => Array.isArray(e) && typeof e[0] === 'string' && (typeof e[1] === 'string' || e[1] === null))) return undefined;
    const toolchains = join(this.cacheRoot, 'toolchains') + sep;
    if (parsed.go !== (await locateGo(env)) && !(parsed.go.startsWith(toolchains) && parsed.go.endsWith(`${sep}bin${sep}go`))) return undefined;
    if (!safeArgs(parsed.args, join(this.cacheRoot, 'bin') + sep)) return undefined;
    const runEnv: NodeJS.ProcessEnv = { ...env };
    for (const [k, v] of parsed.env) {
      if (v === null) {
        delete runEnv[k];
        continue;
      }
      const toolchainVar = (k === 'GOTOOLCHAIN' && v === 'local') || (k === 'GOROOT' && v.startsWith(toolchains));
      if (!toolchainVar && execEnv(`${k}=${v}`)) return undefined;
      runEnv[k] = v;
    }
    return { go: parsed.go, args: parsed.args, cwd: parsed.cwd, env: runEnv };
  }
}

/** A record's JSON: a regular file of at most 64 KiB (never a FIFO a neighbour left there), else undefined. */
function readSmallFile(path: string): unknown {
  try {
    const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOFOLLOW);
    try {
      const st = fstatSync(fd);
      if (!st.isFile() || st.size > 64 * 1024) return undefined;
      const buf = Buffer.alloc(st.size);
      return JSON.parse(buf.subarray(0, readSync(fd, buf, 0, st.size, 0)).toString('utf8'));
    } finally {
      closeSync(fd);
    }
  } catch {
    return undefined;
  }
}

/** FNV-1a, 64 bits, as 16 hex digits. */
function fnv64(text: string): string {
  let h = 0xcbf29ce484222325n;
  for (const byte of Buffer.from(text)) h = ((h ^ BigInt(byte)) * 0x100000001b3n) & 0xffffffffffffffffn;
  return h.toString(16).padStart(16, '0');
}

/** `go build ... -o <cache>/bin/<key>/out/ -- <packages>`, with no flag that runs another program. */
function safeArgs(args: readonly string[], bin: string): boolean {
  const end = args.indexOf('--');
  const o = args.indexOf('-o');
  if (args[0] !== 'build' || end < 0 || o < 0 || o > end) return false;
  const out = args[o + 1] ?? '';
  if (!out.startsWith(bin) || !/^[a-f0-9]+\/out\/$/.test(out.slice(bin.length))) return false;
  return args.slice(0, end).every((a) => !execFlag(a)) && args.slice(end + 1).every((p) => p !== '' && !p.startsWith('-'));
}

/** The output directory of a checked run (the argument after -o). */
function outDir(run: GoRun): string {
  return run.args[run.args.indexOf('-o') + 1]!;
}

/** Starts `run` under its cache entry's lock; undefined when another build holds the lock. */
async function launch(run: GoRun): Promise<Started | undefined> {
  const entry = dirname(outDir(run));
  const lock = await acquireLock(`${entry}.lock`, { what: `the cache entry ${entry}`, tryOnly: true }).catch(() => undefined);
  if (!lock) return undefined;
  try {
    await mkdir(outDir(run), { recursive: true });
  } catch {
    await lock.release();
    return undefined;
  }
  const child = spawn(run.go, run.args, { cwd: run.cwd, env: run.env, stdio: ['ignore', 'ignore', 'pipe'] });
  const kill = (): void => void child.kill();
  process.once('exit', kill);
  const stderr: Buffer[] = [];
  child.stderr!.on('data', (c: Buffer) => stderr.push(c));
  const done = new Promise<ExecResult>((resolve) => {
    child.on('error', () => resolve({ code: 127, stdout: '', stderr: '' }));
    child.on('close', (code, signal) => {
      process.removeListener('exit', kill);
      resolve({ code: code ?? (signal ? 128 : 1), stdout: '', stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
  return { run, lock, child, done };
}

async function stop(s: Started): Promise<void> {
  s.child.kill();
  await s.done;
  await s.lock.release();
}

function sameRun(a: GoRun, b: GoRun): boolean {
  if (a.go !== b.go || a.cwd !== b.cwd || a.args.length !== b.args.length || a.args.some((x, i) => x !== b.args[i])) return false;
  const keys = (e: NodeJS.ProcessEnv): string[] => Object.keys(e).filter((k) => e[k] !== undefined);
  const ka = keys(a.env);
  return ka.length === keys(b.env).length && ka.every((k) => a.env[k] === b.env[k]);
}
