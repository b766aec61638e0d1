/** Options and parsers the commands share: repeatable values, checked numbers, registry access. */
import { Option } from '@commander-js/extra-typings';
import { UsageError } from '../util/errors.js';
import type { RegistryOptions } from '../io/registry/session.js';
import { log } from './ui/log.js';

/** A repeatable option: each use adds one value. */
export const collect = (v: string, prev: string[] = []): string[] => [...prev, v];

/** A repeatable option whose values may also be comma-separated (`--ignore A,B --ignore C`). */
export const collectList = (v: string, prev: string[] = []): string[] => [...prev, ...v.split(',').map((s) => s.trim()).filter(Boolean)];

/** A whole number of at least `min`. */
export const wholeNumber = (flag: string, min = 0) => (v: string): number => {
  if (!/^\d+$/.test(v) || Number(v) < min) throw new UsageError(`${flag} expects a whole number${min ? ` of at least ${min}` : ''}, got ${JSON.stringify(v)}`);
  return Number(v);
};

/** A number above 0, and at most `max` when given. */
export const positiveNumber = (flag: string, max?: number) => (v: string): number => {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || (max !== undefined && n > max)) {
    throw new UsageError(`${flag} expects a number above 0${max !== undefined ? ` and at most ${max}` : ''}, got ${JSON.stringify(v)}`);
  }
  return n;
};

export const jobsOption = wholeNumber('--jobs', 1);

/** `--insecure-registry`, with one meaning everywhere (same as docker's flag). */
export const insecureRegistryOption = () =>
  new Option('--insecure-registry <host>', 'allow plain HTTP or unverified TLS to this host[:port] (repeatable)').argParser(collect).default([] as string[]);

/** Registry options from the shared flags: `--insecure-registry`, and the CLI's logger for retries and `--debug`. */
export function registryOptions(o: { insecureRegistry: string[] }): RegistryOptions {
  return { ...(o.insecureRegistry.length ? { insecureRegistries: o.insecureRegistry } : {}), logger: log };
}
