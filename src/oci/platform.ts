import { UsageError } from '../util/errors.js';
import type { Platform } from './types.js';

// GOARCH names are the OCI architecture names; the variant carries GOARM / arm64 v8.
const KNOWN_ARCH = new Set(['amd64', 'arm64', 'arm', '386', 'ppc64le', 's390x', 'riscv64', 'mips64le', 'loong64']);

// Variants Go can target: GOAMD64 levels, GOARM versions; arm64 is v8.
const VARIANTS: Record<string, string[]> = { amd64: ['v1', 'v2', 'v3', 'v4'], arm: ['v5', 'v6', 'v7'], arm64: ['v8'] };

/** Parses `os/arch[/variant]`, e.g. `linux/arm64`, `linux/arm/v7`. */
export function parsePlatform(s: string): Platform {
  const parts = s.trim().split('/');
  const [os, architecture, variant] = parts;
  if (parts.length < 2 || parts.length > 3 || !os || !architecture || (parts.length === 3 && !variant)) {
    throw new UsageError(`invalid platform ${JSON.stringify(s)}: expected os/arch[/variant], e.g. linux/amd64 or linux/arm/v7`);
  }
  if (os !== 'linux') {
    throw new UsageError(`unsupported platform ${JSON.stringify(s)}: scratch images run on linux only`);
  }
  if (!KNOWN_ARCH.has(architecture)) {
    throw new UsageError(`unsupported architecture ${JSON.stringify(architecture)} in ${JSON.stringify(s)}: use one of ${[...KNOWN_ARCH].join(', ')}`);
  }
  const variants = VARIANTS[architecture] ?? [];
  if (variant && !variants.includes(variant)) {
    throw new UsageError(`unsupported variant ${JSON.stringify(variant)} for ${architecture} in ${JSON.stringify(s)}: ${variants.length ? `use one of ${variants.join(', ')}` : 'this architecture has no variants'}`);
  }
  const p: Platform = { architecture, os };
  if (variant) p.variant = variant;
  return normalizePlatform(p);
}

/** Fills the default variants the way containerd does (arm -> v7, arm64 -> none, amd64/v1 -> none). */
export function normalizePlatform(p: Platform): Platform {
  const out: Platform = { architecture: p.architecture, os: p.os };
  let variant = p.variant;
  if (p.architecture === 'arm' && !variant) variant = 'v7';
  if (p.architecture === 'arm64' && variant === 'v8') variant = undefined;
  if (p.architecture === 'amd64' && variant === 'v1') variant = undefined;
  if (variant) out.variant = variant;
  return out;
}

/**
 * The platforms of one build, `linux/amd64,linux/arm64`: each parsed, none twice, and
 * never an index that engines cannot use on amd64. Docker 20.10, containerd 1.6/1.7,
 * podman 4 and skopeo 1.9 select on an amd64 host only an index entry `linux/amd64`
 * without a variant (containerd 2.x and newer containers/image also take v2-v4 on
 * CPUs that have them), so an index whose amd64 images are all v2+ fails there with
 * "no matching manifest". A variant alone is fine: one platform makes one image, no index.
 */
export function parsePlatforms(list: string): Platform[] {
  const platforms = list.split(',').filter((s) => s.trim() !== '').map(parsePlatform);
  const seen = new Set<string>();
  for (const p of platforms) {
    const k = formatPlatform(p);
    if (seen.has(k)) throw new UsageError(`platform ${k} is listed twice in ${JSON.stringify(list)}`);
    seen.add(k);
  }
  const amd64 = platforms.filter((p) => p.architecture === 'amd64');
  if (platforms.length > 1 && amd64.length > 0 && amd64.every((p) => p.variant)) {
    const v = amd64.map(formatPlatform).join(', ');
    throw new UsageError(
      `--platform ${list} would write an index whose only amd64 image is ${v}: docker 20.10, containerd 1.6/1.7 (ctr, Kubernetes), podman 4 and skopeo 1.9 ` +
        'select on amd64 hosts only linux/amd64 without a variant and fail with "no matching manifest for linux/amd64". ' +
        `Add the baseline image (--platform linux/amd64,${amd64[0] ? formatPlatform(amd64[0]) : 'linux/amd64/v3'},...): engines that know GOAMD64 levels pick the variant where the CPU has it, the others the baseline. ` +
        'Or build the variant alone, which writes a single image every engine runs.',
    );
  }
  return platforms;
}

export function formatPlatform(p: Platform): string {
  return [p.os, p.architecture, p.variant].filter(Boolean).join('/');
}

export function platformMatches(want: Platform, have: Platform): boolean {
  const a = normalizePlatform(want);
  const b = normalizePlatform(have);
  return a.os === b.os && a.architecture === b.architecture && (a.variant ?? '') === (b.variant ?? '');
}

/** The platform of the machine goscratch runs on, in OCI terms. */
export function hostPlatform(): Platform {
  const arch = { x64: 'amd64', arm64: 'arm64', arm: 'arm', ia32: '386', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' }[process.arch as string] ?? process.arch;
  return normalizePlatform({ os: 'linux', architecture: arch });
}
