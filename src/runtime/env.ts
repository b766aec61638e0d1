/**
 * Runtime tuning: which GOMAXPROCS / GOMEMLIMIT to bake into an image for a CPU and
 * memory limit, and why. Pure: no I/O.
 *
 *   runtimeEnv(opts: RuntimeEnvOptions): RuntimeDecision
 *
 *   opts.cpus         CPU limit (0.5, 2): GOMAXPROCS = ceil(cpus), at least 1
 *   opts.memory       memory limit, a SIZE in the flag dialect of size.ts ("512Mi", "1g")
 *                     or a byte count: GOMEMLIMIT = floor(memoryRatio * bytes) in MiB
 *   opts.memoryRatio  share of the memory limit for GOMEMLIMIT (default 0.9)
 *   opts.buildInfo    the binary's Go build info (binary/buildinfo.ts); when it shows the
 *                     binary handles a variable itself, that variable is left alone
 *   opts.env          KEY=VALUE entries the image already has; a variable set there is kept
 *
 *   returns { env: ["GOMAXPROCS=1", "GOMEMLIMIT=460MiB"], choices: [one per variable asked for] }
 *
 * Why: before Go 1.25 the runtime sets GOMAXPROCS to the host's CPU count and ignores
 * the cgroup quota, so a 0.5-CPU container running 2 threads is throttled; and no Go
 * version sets a memory limit by itself, so the GC only reacts when the container is
 * already being OOM-killed.
 */
import { buildSetting, hasDependency, type BuildInfo } from '../binary/buildinfo.js';
import { UsageError } from '../util/errors.js';
import { formatMiB, parseMemory } from './size.js';

export const DEFAULT_MEMORY_RATIO = 0.9;
export const AUTOMAXPROCS = 'go.uber.org/automaxprocs';
export const AUTOMEMLIMIT = 'github.com/KimMachineGun/automemlimit';

export interface RuntimeEnvOptions {
  cpus?: number;
  memory?: string | number;
  memoryRatio?: number;
  buildInfo?: BuildInfo;
  env?: readonly string[];
}

export type RuntimeVariable = 'GOMAXPROCS' | 'GOMEMLIMIT';

export interface RuntimeChoice {
  variable: RuntimeVariable;
  /** The value set; absent when the variable was left alone. */
  value?: string;
  reason: string;
}

export interface RuntimeDecision {
  /** KEY=VALUE entries to add to the image env. */
  env: string[];
  choices: RuntimeChoice[];
}

/** Why the binary sets each variable itself, when it does. */
export interface BinaryHandles {
  GOMAXPROCS?: string;
  GOMEMLIMIT?: string;
}

/** True for Go versions at or above `minor` (`go1.25.0`, `go1.25rc1`); unknown or devel versions are not assumed new. */
export function goAtLeast(goVersion: string, major: number, minor: number): boolean {
  const m = /^go(\d+)\.(\d+)/.exec(goVersion);
  if (!m) return false;
  const [a, b] = [Number(m[1]), Number(m[2])];
  return a > major || (a === major && b >= minor);
}

/** `containermaxprocs=0` in a GODEBUG list turns container-aware GOMAXPROCS off. */
function godebugDisables(godebug: string | undefined): boolean {
  return (godebug ?? '').split(',').some((kv) => kv.trim() === 'containermaxprocs=0');
}

/** What the binary already tunes: Go >= 1.25's container-aware GOMAXPROCS, automaxprocs, automemlimit. */
export function binaryHandles(bi: BuildInfo | undefined, env: readonly string[] = []): BinaryHandles {
  if (!bi) return {};
  const out: BinaryHandles = {};
  const godebugEnv = env.find((e) => e.startsWith('GODEBUG='))?.slice('GODEBUG='.length);
  if (hasDependency(bi, AUTOMAXPROCS)) {
    out.GOMAXPROCS = `the binary links ${AUTOMAXPROCS}, which sets GOMAXPROCS from the CPU quota at start`;
  } else if (goAtLeast(bi.goVersion, 1, 25)) {
    const defaults = buildSetting(bi, 'DefaultGODEBUG');
    if (!godebugDisables(defaults) && !godebugDisables(godebugEnv)) {
      out.GOMAXPROCS = `${bi.goVersion} sets GOMAXPROCS from the container's CPU limit itself (container-aware GOMAXPROCS)`;
    }
  }
  if (hasDependency(bi, AUTOMEMLIMIT)) {
    out.GOMEMLIMIT = `the binary links ${AUTOMEMLIMIT}, which sets GOMEMLIMIT from the memory limit at start`;
  }
  return out;
}

export function gomaxprocsFor(cpus: number): number {
  if (!(cpus > 0)) throw new UsageError(`CPU limit ${cpus} must be more than 0, e.g. 0.5 or 2`);
  return Math.max(1, Math.ceil(cpus));
}

export function runtimeEnv(opts: RuntimeEnvOptions): RuntimeDecision {
  const ratio = opts.memoryRatio ?? DEFAULT_MEMORY_RATIO;
  if (!(ratio > 0 && ratio <= 1)) throw new UsageError(`memory ratio ${ratio} must be more than 0 and at most 1 (default 0.9)`);
  const existing = new Map((opts.env ?? []).map((e) => [e.slice(0, Math.max(0, e.indexOf('='))), e.slice(e.indexOf('=') + 1)]));
  const handles = binaryHandles(opts.buildInfo, opts.env);
  const env: string[] = [];
  const choices: RuntimeChoice[] = [];

  const decide = (variable: RuntimeVariable, value: string, why: string): void => {
    const already = existing.get(variable);
    const handled = handles[variable];
    if (already !== undefined) choices.push({ variable, reason: `${variable}=${already} is already set in the image env` });
    else if (handled) choices.push({ variable, reason: handled });
    else {
      env.push(`${variable}=${value}`);
      choices.push({ variable, value, reason: why });
    }
  };

  if (opts.cpus !== undefined) {
    const procs = gomaxprocsFor(opts.cpus);
    const goVersion = opts.buildInfo ? `${opts.buildInfo.goVersion} sets` : 'Go before 1.25 sets';
    decide('GOMAXPROCS', String(procs), `${goVersion} GOMAXPROCS to the host's CPU count, ignoring the ${opts.cpus}-CPU limit; ceil(${opts.cpus}) = ${procs} avoids CFS throttling`);
  }
  if (opts.memory !== undefined) {
    let bytes: number;
    try {
      bytes = typeof opts.memory === 'number' ? opts.memory : parseMemory(opts.memory, 'flag');
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    const limit = formatMiB(Math.floor(ratio * bytes));
    if (limit === '0MiB') throw new UsageError(`memory limit ${opts.memory} is too small: ${ratio} of it is less than 1 MiB`);
    decide('GOMEMLIMIT', limit, `no Go version sets a memory limit by itself; ${Math.round(ratio * 100)}% of ${opts.memory} leaves room for memory outside the Go heap`);
  }
  return { env, choices };
}
