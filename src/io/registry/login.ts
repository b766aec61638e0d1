/** Checks credentials against a registry before they are stored (as `docker login` does). */
import type { Credentials } from './credentials.js';
import { withRetry } from './retry.js';
import { RegistrySession, type RegistryOptions } from './session.js';

export async function checkLogin(registry: string, credentials: Credentials, opts: RegistryOptions = {}): Promise<void> {
  const session = new RegistrySession(registry, { ...opts, credentials });
  await withRetry(`logging in to ${registry}`, session, () =>
    session.request({ method: 'GET', url: '/v2/', scopes: [], ok: [200], what: `logging in to ${registry}` }),
  );
}
