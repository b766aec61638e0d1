/**
 * Memory sizes and CPU counts as users write them. Two dialects, because the same
 * text means different things in each:
 *
 * - `kubernetes` (manifests): Kubernetes quantities exactly as the API reads them:
 *   plain bytes, binary suffixes Ki Mi Gi Ti Pi Ei, decimal suffixes k M G T P E,
 *   exponents (`1e9`) and decimals (`1.5Gi`). `m` is milli, so `memory: 512m` is
 *   half a byte: refused with a hint, since no container can run in it.
 * - `flag` (`--memory`, goscratch.yaml): binary suffixes Ki Mi Gi Ti (also KiB...),
 *   docker's lowercase forms b k m g t, optionally with `b` (`512m` = `512mb` = 512 MiB,
 *   as `docker run --memory` reads them), and plain bytes. Upper-case K M G T alone mean
 *   powers of 1000 to Kubernetes but powers of 1024 to docker, so they are refused with
 *   a hint rather than guessed.
 */
export type SizeDialect = 'kubernetes' | 'flag';

export const MiB = 1024 * 1024;
/**
 * Limits past any machine. Above them the values baked into an image stop a Go binary
 * at start: GOMEMLIMIT past int64 bytes is "malformed GOMEMLIMIT", and GOMAXPROCS in
 * the millions allocates gigabytes before main (2147483647 crashes the runtime).
 */
export const MAX_MEMORY = 2 ** 50;
export const MAX_CPUS = 4096;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };
const DOCKER: Record<string, number> = { k: 2 ** 10, m: 2 ** 20, g: 2 ** 30, t: 2 ** 40 };

/** Parses a memory size to bytes (rounded up, as Kubernetes rounds memory); throws Error with the reason. */
export function parseMemory(text: string, dialect: SizeDialect): number {
  const s = text.trim();
  const bytes = dialect === 'kubernetes' ? kubernetesBytes(s) : flagBytes(s);
  if (!Number.isFinite(bytes) || bytes <= 0) throw new Error(`memory size ${JSON.stringify(text)} must be more than 0 bytes`);
  if (bytes > MAX_MEMORY) throw new Error(`memory size ${JSON.stringify(text)} is more than 1Pi, more than any machine has: give the container's real limit`);
  return Math.ceil(bytes);
}

function kubernetesBytes(s: string): number {
  const m = /^\+?(\d+(?:\.\d*)?|\.\d+)(?:(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E|m|u|n)|[eE]([+-]?\d+))?$/.exec(s);
  if (!m) throw new Error(`${JSON.stringify(s)} is not a Kubernetes quantity: write e.g. 512Mi, 1Gi or 1.5G`);
  const n = Number(m[1]);
  const suffix = m[2];
  if (m[3] !== undefined) return n * 10 ** Number(m[3]);
  if (suffix === 'm' || suffix === 'u' || suffix === 'n') {
    throw new Error(`memory ${JSON.stringify(s)} is a fraction of a byte in Kubernetes ('${suffix}' is ${suffix === 'm' ? 'milli' : suffix === 'u' ? 'micro' : 'nano'}): write ${m[1]}Mi for mebibytes`);
  }
  if (suffix === undefined) return n;
  return n * (BINARY[suffix] ?? DECIMAL[suffix]!);
}

function flagBytes(s: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([A-Za-z]*)$/.exec(s);
  if (!m) throw new Error(`${JSON.stringify(s)} is not a memory size: write e.g. 512Mi, 1Gi or 512m`);
  const n = Number(m[1]);
  const unit = m[2]!;
  if (unit === '' || unit === 'b' || unit === 'B') return n;
  const iec = /^([KMGTPE]i)B?$/.exec(unit);
  if (iec) return n * BINARY[iec[1]!]!;
  const docker = /^([kmgt])b?$/.exec(unit);
  if (docker) return n * DOCKER[docker[1]!]!;
  if (/^[KMGT]B?$/.test(unit)) {
    const u = unit[0]!;
    throw new Error(
      `memory ${JSON.stringify(s)} is ambiguous: Kubernetes reads ${u} as a power of 1000, docker as a power of 1024; write ${m[1]}${u}i (binary) or ${m[1]}${u.toLowerCase()} (docker's form, also binary)`,
    );
  }
  throw new Error(`unknown unit ${JSON.stringify(unit)} in memory size ${JSON.stringify(s)}: use Ki, Mi, Gi, Ti, or docker's k, m, g, t`);
}

/** CPUs as a number: `0.5`, `2`, or Kubernetes millicores `500m`. */
export function parseCpus(text: string | number): number {
  const s = String(text).trim();
  const m = /^(\d+(?:\.\d+)?|\.\d+)(m?)$/.exec(s);
  const n = m ? Number(m[1]) / (m[2] ? 1000 : 1) : NaN;
  if (!m || !(n > 0)) throw new Error(`CPU count ${JSON.stringify(s)} must be a positive number, e.g. 0.5, 2 or 500m`);
  if (n > MAX_CPUS) throw new Error(`CPU count ${JSON.stringify(s)} is more than ${MAX_CPUS}, more than any machine has: give the container's real limit`);
  return n;
}

/** GOMEMLIMIT's value for a byte count: whole MiB, rounded down (`460MiB`). */
export function formatMiB(bytes: number): string {
  return `${Math.floor(bytes / MiB)}MiB`;
}
