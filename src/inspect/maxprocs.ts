/**
 * GOMAXPROCS against the container's CPU limit: whether the binary follows the CPU
 * quota by itself (runtime/env.ts decides that for `build` too), and which limit the
 * image says it runs under. Shared by GS508 (no known limit: advice) and GS513 (a
 * declared limit the process would exceed).
 */
import type { BuildInfo } from '../binary/buildinfo.js';
import { binaryHandles, goAtLeast } from '../runtime/env.js';
import { parseCpus } from '../runtime/size.js';
import type { ImageFacts } from './facts.js';

/** The image label that declares the CPU limit the container runs under (`0.5`, `2`, `500m`). */
export const CPU_LABEL = 'io.goscratch.cpus';

/** The CPU limit the image's labels declare, when they do (and the value parses). */
export function declaredCpus(image: ImageFacts | undefined): number | undefined {
  const v = image?.labels[CPU_LABEL];
  if (v === undefined) return undefined;
  try {
    return parseCpus(v);
  } catch {
    return undefined;
  }
}

/** Why the runtime would set GOMAXPROCS from the host's CPU count, or undefined when the env or the binary takes care of it. */
export function hostMaxprocs(go: BuildInfo, env: Record<string, string>): string | undefined {
  if (env.GOMAXPROCS !== undefined) return undefined;
  if (binaryHandles(go, Object.entries(env).map(([k, v]) => `${k}=${v}`)).GOMAXPROCS) return undefined;
  return !goAtLeast(go.goVersion, 1, 25)
    ? `${go.goVersion} sets GOMAXPROCS from the host's CPU count, ignoring the container's CPU quota`
    : `containermaxprocs=0 in GODEBUG (the module's go line is below 1.25, or the image env sets it), so ${go.goVersion} ignores the container's CPU quota`;
}
