/**
 * Where this process has seen each blob (pulled from or pushed to), so a later push
 * to another repository of the same registry can mount it instead of uploading.
 */
const seen = new Map<string, Map<string, Set<string>>>();

export function rememberOrigin(digest: string, registry: string, repository: string): void {
  const byDigest = seen.get(registry) ?? new Map<string, Set<string>>();
  seen.set(registry, byDigest);
  const repos = byDigest.get(digest) ?? new Set<string>();
  byDigest.set(digest, repos);
  repos.add(repository);
}

/** Repositories of `registry` known to hold `digest`. */
export function originOf(digest: string, registry: string): string[] {
  return [...(seen.get(registry)?.get(digest) ?? [])];
}
