/**
 * Image names as `docker save` (>= 25) writes them into an OCI layout: the tag alone
 * in `org.opencontainers.image.ref.name` (what umoci and skopeo's oci: transport
 * match) and the full name in `io.containerd.image.name` (what docker and containerd
 * load).
 */
import { parseReference } from '../oci/reference.js';

export const REF_NAME = 'org.opencontainers.image.ref.name';
export const CONTAINERD_NAME = 'io.containerd.image.name';

export interface ImageName {
  /** Full normalised name, e.g. docker.io/library/hello:latest. */
  full: string;
  /** Short form for docker's manifest.json RepoTags, e.g. hello:latest. */
  short: string;
  /** Repository path without registry, e.g. library/hello. */
  repository: string;
  tag: string;
}

export function imageName(s: string): ImageName {
  const ref = parseReference(s);
  const tag = ref.tag ?? 'latest';
  const full = `${ref.registry}/${ref.repository}:${tag}`;
  const short = full.replace(/^docker\.io\/(library\/)?/, '');
  return { full, short, repository: ref.repository, tag };
}
