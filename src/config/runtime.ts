/**
 * The `runtime:` section of goscratch.yaml: the container limits the image will run
 * under, from which build bakes GOMAXPROCS and GOMEMLIMIT (see runtime/env.ts).
 */
import { z } from 'zod';
import { parseCpus, parseMemory } from '../runtime/size.js';

export const runtimeConfigSchema = z.strictObject({
  /** CPU limit, e.g. 0.5, 2 or Kubernetes' 500m: GOMAXPROCS = ceil(cpus). */
  cpus: z
    .union([z.number(), z.string()])
    .transform((v, ctx) => {
      try {
        return parseCpus(v);
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
        return z.NEVER;
      }
    })
    .optional(),
  /** Memory limit, e.g. 512Mi, 1Gi or 512m (docker's MiB). */
  memory: z
    .string()
    .superRefine((s, ctx) => {
      try {
        parseMemory(s, 'flag');
      } catch (e) {
        ctx.addIssue({ code: 'custom', message: (e as Error).message });
      }
    })
    .optional(),
  /** Share of the memory limit given to GOMEMLIMIT. */
  memoryRatio: z.number().gt(0).max(1).default(0.9),
});

export type RuntimeConfig = z.infer<typeof runtimeConfigSchema>;
