/**
 * How to reach a registry: `GET /v2/` over https, or plain http first where that is
 * allowed (loopback and insecure hosts), and the auth challenge the registry answers with.
 */
import { GoscratchError } from '../../util/errors.js';
import { parseChallenge, type Challenge } from './challenge.js';
import { RegistryError } from './errors.js';
import { parseRetryAfter, StallError, type RetryPolicy } from './retry.js';
import { discard, type Transport } from './transport.js';
import { Watchdog } from './watchdog.js';

export interface Endpoint {
  /** `https://host[:port]`: every request path goes under it. */
  base: string;
  challenge?: Challenge;
}

const NO_SECRETS = { inScope: () => false };

export async function probe(registry: string, apiHost: string, plainHttp: boolean, transport: Transport, policy: RetryPolicy): Promise<Endpoint> {
  // Plain HTTP is tried first where it is allowed: a TLS server answers it at once
  // (400), while a plain server may wait forever for the end of a TLS hello.
  const schemes = plainHttp ? ['http', 'https'] : ['https'];
  let lastError: unknown;
  for (const [i, scheme] of schemes.entries()) {
    const base = `${scheme}://${apiHost}`;
    const dog = new Watchdog(policy);
    try {
      const { res } = await transport.send({ method: 'GET', url: new URL(`${base}/v2/`) }, NO_SECRETS, dog, `pinging ${registry}`);
      discard(res);
      if (res.status === 401) {
        const challenge = parseChallenge(res.headers.get('www-authenticate'));
        return challenge ? { base, challenge } : { base };
      }
      if (res.ok) return { base };
      if (res.status === 429 || res.status >= 500) {
        throw new RegistryError(`${registry} answered ${res.status} to /v2/`, { status: res.status, retryAfterMs: parseRetryAfter(res.headers.get('retry-after')) });
      }
      // A 404 here means the host is not a registry (or the /v2/ API is elsewhere).
      const notRegistry = new GoscratchError(`${registry} does not look like a container registry: GET ${base}/v2/ answered ${res.status}`);
      if (i === schemes.length - 1) throw notRegistry;
    } catch (e) {
      if (e instanceof GoscratchError) throw e;
      // A stall over plain HTTP (a hung registry) says more than the TLS error after it;
      // otherwise the last scheme's error does (e.g. an untrusted certificate).
      if (!(lastError instanceof StallError)) lastError = dog.reason(e);
    } finally {
      dog.stop();
    }
  }
  throw lastError;
}
