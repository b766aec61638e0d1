/**
 * goscratch.yaml: every option the build flags have, plus the lint and runtime
 * sections. Unknown keys and wrong types are rejected (strict objects), with the
 * key's path and line reported by load.ts.
 */
import { z } from 'zod';
import { lintConfigSchema } from './lint.js';
import { runtimeConfigSchema } from './runtime.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const stringList = z.array(z.string());
const scalar = z.union([z.string(), z.number(), z.boolean()]);

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
});

export const imageSectionSchema = z.strictObject({
  /** Name of the non-root user written to /etc/passwd. */
  user: z.string().optional(),
  uid: z.number().int().min(0).optional(),
  gid: z.number().int().min(0).optional(),
  /** Where the binary goes in the image (the entrypoint). */
  binary: z.string().startsWith('/', 'must be an absolute path').optional(),
  /** Default arguments (the image's Cmd). */
  args: stringList.optional(),
  ports: z.array(portSchema).optional(),
  env: z.record(z.string().regex(envName, 'not a valid environment variable name'), scalar).optional(),
  workdir: z.string().startsWith('/', 'must be an absolute path').optional(),
  labels: z.record(z.string(), scalar).optional(),
  annotations: z.record(z.string(), scalar).optional(),
  /** Extra files from the project: src (relative to the module root) -> dst (absolute). */
  files: z.array(z.strictObject({ src: z.string(), dst: z.string().startsWith('/', 'must be an absolute path') })).optional(),
  /** "bundled" (Node's Mozilla store), "none", or a path to a PEM bundle. */
  caCerts: z.string().optional(),
  allowRoot: z.boolean().optional(),
});

export const configSchema = z.strictObject({
  /** Package to build, relative to the file's directory (default "."). */
  main: z.string().optional(),
  platforms: stringList.optional(),
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
