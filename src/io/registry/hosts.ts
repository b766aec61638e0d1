/**
 * Which hosts may be reached over plain HTTP (and with a certificate that does not
 * verify): loopback, and the hosts the user named as insecure, as with docker's
 * `--insecure-registry`. Credentials never travel in cleartext to any other host.
 */
import { isIP } from 'node:net';

export function isLoopback(host: string): boolean {
  const h = hostname(host);
  if (h === 'localhost' || h === '::1') return true;
  return isIP(h) === 4 && h.startsWith('127.');
}

/** `host:port` -> `host`, `[::1]:5000` -> `::1`. */
function hostname(host: string): string {
  const m = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (m?.[1]) return m[1];
  const i = host.lastIndexOf(':');
  return i > 0 && host.indexOf(':') === i ? host.slice(0, i) : host;
}

export class HostRules {
  constructor(private readonly insecure: readonly string[] = []) {}

  /** Named by the user (as `host` or `host:port`): plain HTTP and unverified TLS are accepted. */
  isInsecure(host: string): boolean {
    return this.insecure.some((h) => h === host || h === hostname(host));
  }

  /** Plain HTTP to `host` (a URL's `host`, with its port) may carry credentials. */
  allowsPlainHttp(host: string): boolean {
    return isLoopback(host) || this.isInsecure(host);
  }
}
