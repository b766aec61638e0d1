/**
 * goscratch.yaml: every option the build flags have, plus the lint and runtime
 * sections. Unknown keys and wrong types are rejected (strict objects), with the
 * key's path and line reported by load.ts.
 */
import { z } from 'zod';
import { checkPackagePattern } from '../golang/toolchain.js';
import { lintConfigSchema } from './lint.js';
import { absolutePathSchema, imagePathSchema } from './paths.js';
import { runtimeConfigSchema } from './runtime.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const stringList = z.array(z.string());
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A check that throws an Error saying what is wrong, as a zod refinement. */
function fromCheck<T>(check: (value: T) => unknown): (value: T, ctx: z.RefinementCtx<T>) => void {
  return (value, ctx) => {
    try {
      check(value);
    } catch (e) {
      ctx.addIssue({ code: 'custom', message: (e as Error).message });
    }
  };
}

/** An issue's own words; a bad record key says what is wrong with the key. */
export function issueMessage(issue: z.core.$ZodIssue): string {
  return issue.code === 'invalid_key' && issue.issues[0] ? issue.issues[0].message : issue.message;
}

/** A Go package path or pattern, never one go would read as a flag. */
export const packagePatternSchema = z.string().superRefine(fromCheck(checkPackagePattern));

/**
 * SOURCE_DATE_EPOCH as reproducible-builds.org defines it: whole seconds since 1970, up
 * to 2038-01-19T03:14:07Z, the latest mtime a layer's tar headers record here.
 */
export const MAX_EPOCH = 2 ** 31 - 1;
export const epochSchema = z
  .string()
  .regex(/^\d{1,12}$/, 'must be a whole number of seconds since 1970, as `date +%s` prints')
  .transform(Number)
  .refine((n) => n <= MAX_EPOCH, `must be at most ${MAX_EPOCH} (2038-01-19T03:14:07Z), the latest time goscratch's layers can record`);

export const portSchema = z.union([
  z.number().int().min(1).max(65535),
  z.string().regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'expected PORT or PORT/PROTO, e.g. 9292 or 9292/tcp'),
]);

export const buildSectionSchema = z.strictObject({
  /** Extra -ldflags, added after "-s -w". */
  ldflags: z.union([z.string(), stringList]).optional(),
  /** Go build tags. */
  tags: stringList.optional(),
  /** Extra `go build` flags, e.g. ["-mod=vendor"]. */
  flags: stringList.optional(),
  /** KEY=VALUE for the compiler's environment, e.g. ["GOAMD64=v3"]. */
  env: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'expected KEY=VALUE')).optional(),
  /** auto: download the Go release go.mod asks for when the Go found is missing or older; local: never. */
  toolchain: z.enum(['auto', 'local']).optional(),
});

export const imageSectionSchema = z.strictObject({
  /** Name of the non-root user written to /etc/passwd. */
  user: z.string().optional(),
  uid: z.number().int().min(0).optional(),
  gid: z.number().int().min(0).optional(),
  /** Where the binary goes in the image (the entrypoint). */
  binary: imagePathSchema('file').optional(),
  /** Default arguments (the image's Cmd). */
  args: stringList.optional(),
  ports: z.array(portSchema).optional(),
  env: z.record(z.string().regex(envName, 'not a valid environment variable name'), scalar).optional(),
  workdir: absolutePathSchema.optional(),
  labels: z.record(z.string(), scalar).optional(),
  annotations: z.record(z.string(), scalar).optional(),
  /** Extra files from the project: src (relative to the module root) -> dst (absolute). */
  files: z.array(z.strictObject({ src: z.string(), dst: imagePathSchema('any') })).optional(),
  /** "bundled" (Node's Mozilla store), "none", or a PEM bundle inside the project. */
  caCerts: z.string().min(1).optional(),
  allowRoot: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  /** Package to build, relative to the file's directory (default "."). */
  main: packagePatternSchema.optional(),
  platforms: stringList.optional(),
  /** Base image (ko's defaultBaseImage): scratch (the default), a registry reference, an OCI layout or an archive in the project. */
  base: z.string().min(1).optional(),
  /** Image names/tags, as docker's --tag (name:tag). */
  tags: stringList.optional(),
  /** Default repository for --push (like KO_DOCKER_REPO). */
  repo: z.string().optional(),
  sbom: z.enum(['spdx', 'cyclonedx', 'none']).optional(),
  build: buildSectionSchema.optional(),
  image: imageSectionSchema.optional(),
  runtime: runtimeConfigSchema.optional(),
  lint: lintConfigSchema.optional(),
});

export type Config = z.infer<typeof configSchema>;
