/**
 * Image references, parsed and normalised the way Docker does
 * (distribution/reference): `nginx` is `docker.io/library/nginx:latest`, a first
 * component with a dot, a colon or named `localhost` is a registry, and a
 * reference may carry a tag, a digest or both.
 */
import { GoscratchError } from '../util/errors.js';

export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's registry API actually lives. */
export const DOCKER_HUB_API = 'registry-1.docker.io';

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const DOMAIN_LABEL = /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;
const TAG = /^[\w][\w.-]{0,127}$/;
const DIGEST = /^[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[a-zA-Z0-9=_-]+$/;
const SHA256 = /^sha256:[a-f0-9]{64}$/;
const HEX64 = /^[a-f0-9]{64}$/;
const MAX_NAME = 255;

export class Reference {
  constructor(
    readonly registry: string,
    readonly repository: string,
    readonly tag?: string,
    readonly digest?: string,
  ) {}

  /** `registry/repository`, without tag or digest. */
  get name(): string {
    return `${this.registry}/${this.repository}`;
  }

  /** The tag or digest manifests are fetched by (the digest wins when both are set). */
  get identifier(): string {
    return this.digest ?? this.tag ?? 'latest';
  }

  withTag(tag: string): Reference {
    if (!TAG.test(tag)) throw new GoscratchError(`invalid tag ${JSON.stringify(tag)}: ${TAG_RULE}`);
    return new Reference(this.registry, this.repository, tag);
  }

  withDigest(digest: string): Reference {
    return new Reference(this.registry, this.repository, undefined, digest);
  }

  toString(): string {
    return this.name + (this.tag ? `:${this.tag}` : '') + (this.digest ? `@${this.digest}` : '');
  }
}

const TAG_RULE = 'a tag is 1 to 128 letters, digits, underscores, dots and dashes, not starting with a dot or dash';

function invalid(s: string, why: string): GoscratchError {
  return new GoscratchError(`invalid image reference ${JSON.stringify(s)}: ${why}`);
}

function isDomain(s: string): boolean {
  if (/^\[[a-fA-F0-9:]+\](?::\d+)?$/.test(s)) return true;
  const m = /^(.+?)(?::(\d+))?$/.exec(s);
  if (!m?.[1]) return false;
  return m[1].split('.').every((label) => DOMAIN_LABEL.test(label));
}

/**
 * Parses `[registry[:port]/]repo[:tag][@digest]`. A bare name gets Docker Hub's
 * `library/` prefix; with neither tag nor digest the tag is `latest`.
 */
export function parseReference(s: string): Reference {
  const input = s.trim();
  if (!input) throw invalid(s, 'it is empty');
  let rest = input;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) throw invalid(s, `${JSON.stringify(digest)} is not a digest (expected sha256:<64 hex digits>)`);
    if (!SHA256.test(digest)) throw invalid(s, `unsupported digest ${JSON.stringify(digest)}: only sha256:<64 lowercase hex digits> is supported`);
  }
  let tag: string | undefined;
  const slash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > slash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    if (!TAG.test(tag)) throw invalid(s, `invalid tag ${JSON.stringify(tag)}: ${TAG_RULE}`);
  }
  if (!rest) throw invalid(s, 'the repository name is missing');

  let registry = DOCKER_HUB;
  let path = rest;
  const firstSlash = rest.indexOf('/');
  if (firstSlash >= 0) {
    const first = rest.slice(0, firstSlash);
    if (first.includes('.') || first.includes(':') || first === 'localhost' || first.startsWith('[')) {
      if (!isDomain(first)) throw invalid(s, `${JSON.stringify(first)} is not a valid registry host`);
      registry = first;
      path = rest.slice(firstSlash + 1);
    } else if (first !== first.toLowerCase()) {
      throw invalid(s, 'repository names must be lowercase');
    }
  }
  if (HEX64.test(path)) throw invalid(s, 'a 64-character hexadecimal string is an image id, not a repository name');
  if (registry === 'index.docker.io') registry = DOCKER_HUB;
  if (registry === DOCKER_HUB && !path.includes('/')) path = `library/${path}`;

  if (path !== path.toLowerCase()) throw invalid(s, 'repository names must be lowercase');
  for (const c of path.split('/')) {
    if (!COMPONENT.test(c)) {
      throw invalid(s, `${JSON.stringify(c)} is not a valid path component (lowercase letters and digits, separated by '.', '_', '__' or '-')`);
    }
  }
  if (registry.length + 1 + path.length > MAX_NAME) throw invalid(s, `the name is longer than ${MAX_NAME} characters`);
  if (!tag && !digest) tag = 'latest';
  return new Reference(registry, path, tag, digest);
}

/** Accepts either form the public functions take. */
export function toReference(ref: string | Reference): Reference {
  return typeof ref === 'string' ? parseReference(ref) : ref;
}

/**
 * Where `build --push REF` goes. A REF that names its registry (`host.tld/…`,
 * `host:port/…`, `localhost/…`) is used as it is; a short one (`app:v1`) is put under
 * the default repository `repo` (the build settings' `$GOSCRATCH_REPO` or config
 * `repo`, like ko's KO_DOCKER_REPO), when there is one, and read as docker would otherwise.
 */
export function resolvePushReference(arg: string, defaultRepo?: string): Reference {
  const repo = defaultRepo?.trim().replace(/\/+$/, '');
  const first = arg.split('/')[0] ?? '';
  const namesRegistry = arg.includes('/') && (first.includes('.') || first.includes(':') || first === 'localhost');
  return parseReference(repo && !namesRegistry ? `${repo}/${arg}` : arg);
}
