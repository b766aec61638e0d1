/**
 * Base images whose contents the rules know: `scratch`, and the minimal images that
 * ship Go binaries without a shell (distroless static/base-nossl/base/cc, Chainguard
 * static). Every other image is assumed to bring a shell and a libc, and its default
 * user is known only for official Docker Hub images (root).
 *
 * The list (also in the README under "Empty bases"):
 *
 * | image | libc | shell | CA certs, tzdata, /etc/passwd | default user |
 * | --- | --- | --- | --- | --- |
 * | scratch | no | no | no | root |
 * | gcr.io/distroless/static, static-debian11/12/13 | no | no | yes | root; `:nonroot` 65532 |
 * | gcr.io/distroless/base-nossl, base, cc (+ -debianNN) | glibc | no | yes | root; `:nonroot` 65532 |
 * | cgr.dev/chainguard/static, chainguard/static | no | no | yes | 65532 (nonroot) |
 *
 * Tags `latest`, `nonroot` and their `-amd64`/`-arm64`/... variants count, with or
 * without a digest; `:debug` tags carry a busybox shell and do not count.
 */
export interface BaseFacts {
  /** The image as written in FROM, for messages. */
  name: string;
  /** A C library and its dynamic loader: cgo and PIE binaries can start. */
  libc: boolean;
  /** /bin/sh: shell-form CMD/ENTRYPOINT/RUN work. */
  shell: boolean;
  caCerts: boolean;
  zoneinfo: boolean;
  /** Users its /etc/passwd defines; empty when there is no /etc/passwd. */
  users: readonly string[];
  /** The user a container runs as without USER: undefined means root. */
  defaultUser?: string;
  /** The base sets an ENTRYPOINT or CMD of its own. */
  command: boolean;
}

const SCRATCH: Omit<BaseFacts, 'name'> = { libc: false, shell: false, caCerts: false, zoneinfo: false, users: [], command: false };
const DISTROLESS_USERS = ['root', 'nonroot', 'nobody'];

/** `repository` (lower case, registry included) to the facts of its non-debug tags. */
const KNOWN: ReadonlyArray<{ repo: RegExp; facts: Omit<BaseFacts, 'name' | 'defaultUser'>; nonrootByDefault?: boolean }> = [
  { repo: /^gcr\.io\/distroless\/static(-debian\d+)?$/, facts: { libc: false, shell: false, caCerts: true, zoneinfo: true, users: DISTROLESS_USERS, command: false } },
  { repo: /^gcr\.io\/distroless\/(base-nossl|base|cc)(-debian\d+)?$/, facts: { libc: true, shell: false, caCerts: true, zoneinfo: true, users: DISTROLESS_USERS, command: false } },
  { repo: /^(cgr\.dev\/chainguard|(docker\.io\/)?chainguard)\/static$/, facts: { libc: false, shell: false, caCerts: true, zoneinfo: true, users: DISTROLESS_USERS, command: false }, nonrootByDefault: true },
];

/** Tags of those repositories that have the listed contents (not `debug`, not `-glibc`). */
const PLAIN_TAG = /^(latest|nonroot)(-(amd64|arm64|arm|s390x|ppc64le|riscv64))?$/;

/** What is known about an image used as a base, or undefined for an image of unknown content. */
export function baseFacts(image: string): BaseFacts | undefined {
  const name = image.trim();
  const lower = name.toLowerCase();
  if (lower === 'scratch') return { name: 'scratch', ...SCRATCH };
  const noDigest = lower.split('@')[0]!;
  const slash = noDigest.lastIndexOf('/');
  const colon = noDigest.indexOf(':', slash + 1);
  const repo = colon < 0 ? noDigest : noDigest.slice(0, colon);
  const tag = colon < 0 ? 'latest' : noDigest.slice(colon + 1);
  const known = KNOWN.find((k) => k.repo.test(repo));
  if (!known || !PLAIN_TAG.test(tag)) return undefined;
  const nonroot = known.nonrootByDefault || tag.startsWith('nonroot');
  return { name, ...known.facts, ...(nonroot ? { defaultUser: '65532' } : {}) };
}

/**
 * Whether an image of unknown content runs as root without USER: official Docker Hub
 * images (`alpine`, `golang`, `library/debian`) do. For others nothing is known.
 */
export function officialImage(image: string): boolean {
  const lower = image.toLowerCase().replace(/^(docker\.io|index\.docker\.io|registry-1\.docker\.io)\//, '');
  return !lower.includes('$') && (!lower.includes('/') || lower.startsWith('library/'));
}
