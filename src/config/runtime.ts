/**
 * The `runtime:` section of goscratch.yaml: the container limits the image will run
 * under, from which build bakes GOMAXPROCS and GOMEMLIMIT (see runtime/env.ts).
 */
import * as z from 'zod/mini';
import './messages.js';
import { parseCpus, parseMemory } from '../runtime/size.js';

export const runtimeConfigSchema = z.strictObject({
  /** CPU limit, e.g. 0.5, 2 or Kubernetes' 500m: GOMAXPROCS = ceil(cpus). */
  cpus: z.optional(
    z.pipe(
      z.union([z.number(), z.string()]),
      z.transform((v: number | string, ctx) => {
        try {
          return parseCpus(v);
        } catch (e) {
          ctx.issues.push({ code: 'custom', message: (e as Error).message, input: v });
          return z.NEVER;
        }
      }),
    ),
  ),
  /** Memory limit, e.g. 512Mi, 1Gi or 512m (docker's MiB). */
  memory: z.optional(
    z.string().check(
      z.superRefine((s, ctx) => {
        try {
          parseMemory(s, 'flag');
        } catch (e) {
          ctx.addIssue({ code: 'custom', message: (e as Error).message });
        }
      }),
    ),
  ),
  /** Share of the memory limit given to GOMEMLIMIT. */
  memoryRatio: z._default(z.number().check(z.gt(0), z.maximum(1)), 0.9),
});

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;
