/**
 * goscratch.yaml: every option the build flags have, plus the lint and runtime
 * sections. Unknown keys and wrong types are rejected (strict objects), with the
 * key's path and line reported by load.ts.
 */
import * as z from 'zod/mini';
import './messages.js';
import { checkPackagePattern } from '../golang/toolchain.js';
import { lintConfigSchema } from './lint.js';
import { absolutePathSchema, imagePathSchema, ownedDirSchema } from './paths.js';
import { runtimeConfigSchema } from './runtime.js';

const envName = /^[A-Za-z_][A-Za-z0-9_]*$/;
const stringList = z.array(z.string());
const regex = (re: RegExp, message: string) => z.string().check(z.regex(re, message));
const scalar = z.union([z.string(), z.number(), z.boolean()]);

/** A check that throws an Error saying what is wrong, as a zod refinement. */
function fromCheck<T>(check: (value: T) => unknown): (value: T, ctx: z.core.$RefinementCtx<T>) => void {
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
export const packagePatternSchema = z.string().check(z.superRefine(fromCheck(checkPackagePattern)));

/**
 * SOURCE_DATE_EPOCH as reproducible-builds.org defines it: whole seconds since 1970, up
 * to 2038-01-19T03:14:07Z, the latest mtime a layer's tar headers record here.
 */
export const MAX_EPOCH = 2 ** 31 - 1;
export const epochSchema = z.pipe(
  z.pipe(regex(/^\d{1,12}$/, 'must be a whole number of seconds since 1970, as `date +%s` prints'), z.transform(Number)),
  z.number().check(z.refine((n) => n <= MAX_EPOCH, `must be at most ${MAX_EPOCH} (2038-01-19T03:14:07Z), the latest time goscratch's layers can record`)),
);

export const portSchema = z.union([
  z.int().check(z.minimum(1), z.maximum(65535)),
  regex(/^\d{1,5}(\/(tcp|udp|sctp))?$/, 'expected PORT or PORT/PROTO, e.g. 9292 or 9292/tcp'),
]);

/**
 * An image name for `{{.Name}}` and `--push REPO` (REPO/<name>): one path component of
 * a docker reference, lower case.
 */
export const imageNameSchema = regex(/^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/, 'must be a lower-case image name such as "server" or "api-gateway"');

/** A binary's file name, as go names it (the last element of its import path). */
export const binaryNameSchema = regex(/^[A-Za-z0-9_+~][A-Za-z0-9._+~-]*$/, 'must be the name of a binary, e.g. "cfssl" (the last element of its package path)');

/**
 * A mode written as octal text ("0755", "750", "1777"). A YAML number is refused:
 * YAML reads `0755` as seven hundred and fifty-five, not as the octal mode.
 */
export const modeSchema = z.pipe(
  z
    .string({ error: (i) => (typeof i.input === 'number' ? `write the mode as quoted octal text, e.g. "0755": YAML reads ${i.input} as a decimal number` : 'expected octal text such as "0755"') })
    .check(z.regex(/^[01]?[0-7]{3}$/, 'must be octal permission bits such as "0755" or "1777" (no setuid or setgid)')),
  z.transform((m: string) => parseInt(m, 8)),
);

/** A directory for the app user: `PATH` or `PATH:MODE` (mode default 0755), or {path, mode}. */
export const dirEntrySchema = z.pipe(
  z.transform((v: unknown) => {
    if (typeof v !== 'string') return v;
    const i = v.lastIndexOf(':');
    return i > 0 ? { path: v.slice(0, i), mode: v.slice(i + 1) } : { path: v };
  }),
  z.strictObject({ path: ownedDirSchema, mode: z._default(modeSchema, 0o755) }),
);

/** Who owns copied files: root (the default), the app user, or numeric `UID[:GID]`. */
export const ownerSchema = z.pipe(
  regex(/^(root|user|\d{1,10}(:\d{1,10})?)$/, 'must be "root", "user" (the image user) or numeric UID[:GID]'),
  z
    .transform((v: string) => {
      if (v === 'root' || v === 'user') return v;
      const [uid, gid] = v.split(':').map(Number);
      return { uid: uid!, gid: gid ?? uid! };
    })
    .check(z.refine((o) => typeof o === 'string' || (o.uid <= 2147483647 && o.gid <= 2147483647), 'ids go up to 2147483647')),
);

/** One image.files entry: project file or directory `src` copied to `dst`. */
export const fileEntrySchema = z.strictObject({
  src: z.string().check(z.minLength(1)),
  dst: imagePathSchema('any'),
  /** Owner of everything copied (default root). */
  owner: z.optional(ownerSchema),
  /** Mode of the copied files (default 0444, 0555 when executable); directories stay 0755. */
  mode: z.optional(modeSchema),
});

export const buildSectionSchema = z.strictObject({
  /** Extra -ldflags, added after "-s -w". */
  ldflags: z.optional(z.union([z.string(), stringList])),
  /** Go build tags. */
  tags: z.optional(stringList),
  /** Extra `go build` flags, e.g. ["-mod=vendor"]. */
  flags: z.optional(stringList),
  /** KEY=VALUE for the compiler's environment, e.g. ["GOAMD64=v3"]. */
  env: z.optional(z.array(regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'expected KEY=VALUE'))),
  /** auto: download the Go release go.mod asks for when the Go found is missing or older; local: never. */
  toolchain: z.optional(z.enum(['auto', 'local'])),
});

export const imageSectionSchema = z.strictObject({
  /** Name of the non-root user written to /etc/passwd. */
  user: z.optional(z.string()),
  uid: z.optional(z.int().check(z.minimum(0))),
  gid: z.optional(z.int().check(z.minimum(0))),
  /** Where the binary goes in the image (the entrypoint). */
  binary: z.optional(imagePathSchema('file')),
  /** Default arguments (the image's Cmd). */
  args: z.optional(stringList),
  ports: z.optional(z.array(portSchema)),
  env: z.optional(z.record(regex(envName, 'not a valid environment variable name'), scalar)),
  workdir: z.optional(absolutePathSchema),
  labels: z.optional(z.record(z.string(), scalar)),
  annotations: z.optional(z.record(z.string(), scalar)),
  /** Extra files from the project: src (relative to the module root) -> dst (absolute). */
  files: z.optional(z.array(fileEntrySchema)),
  /** Directories the app user owns and may write (the workdir is one when it is not /). */
  dirs: z.optional(z.array(dirEntrySchema)),
  /** VOLUMEs; each is also a directory the app user owns, so a new volume starts writable. */
  volumes: z.optional(z.array(ownedDirSchema)),
  /** "bundled" (Node's Mozilla store), "none", or a PEM bundle inside the project. */
  caCerts: z.optional(z.string().check(z.minLength(1))),
  allowRoot: z.optional(z.boolean()),
});

/**
 * A per-package build entry, like ko's `builds`: settings for one main package when it
 * is built. The toolchain is the module's, so it is `build:`'s alone.
 */
export const buildEntrySchema = z.extend(z.omit(buildSectionSchema, { toolchain: true }), {
  /** The package, as ./path or import path (no wildcard). */
  main: packagePatternSchema.check(z.refine((p) => !p.includes('...'), 'names one package: no "..." here')),
  /** Image name ({{.Name}}, REPO/<name>), default the binary's name. */
  name: z.optional(imageNameSchema),
});

export const configSchema = z.strictObject({
  /** Package(s) to build, relative to the file's directory; patterns such as ./cmd/... allowed. */
  main: z.optional(z.union([packagePatternSchema, z.array(packagePatternSchema).check(z.minLength(1))])),
  /** Per-package build settings (ldflags, tags, flags, env add to `build:`'s) and image names. */
  builds: z.optional(z.array(buildEntrySchema)),
  /** One image holding every binary built, this one the entrypoint (the cfssl toolkit case). */
  bundle: z.optional(binaryNameSchema),
  platforms: z.optional(stringList),
  /** Base image (ko's defaultBaseImage): scratch (the default), a registry reference, an OCI layout or an archive in the project. */
  base: z.optional(z.string().check(z.minLength(1))),
  /** Image names/tags, as docker's --tag (name:tag). */
  tags: z.optional(stringList),
  /** Default repository for --push (like KO_DOCKER_REPO). */
  repo: z.optional(z.string()),
  sbom: z.optional(z.enum(['spdx', 'cyclonedx', 'none'])),
  build: z.optional(buildSectionSchema),
  image: z.optional(imageSectionSchema),
  runtime: z.optional(runtimeConfigSchema),
  lint: z.optional(lintConfigSchema),
});

export type Config = z.infer<typeof configSchema>;
