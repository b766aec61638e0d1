/** CycloneDX 1.5 JSON from the SBOM model: the image or binary as metadata.component, modules as components. */
import type { SbomComponent, SbomModel } from './subject.js';

function ref(c: SbomComponent): string {
  return c.purl ? `${c.key}:${c.purl}` : c.key;
}

function component(c: SbomComponent): Record<string, unknown> {
  const out: Record<string, unknown> = { type: c.kind, 'bom-ref': ref(c), name: c.name };
  if (c.version) out.version = c.version;
  if (c.sha256) out.hashes = [{ alg: 'SHA-256', content: c.sha256 }];
  if (c.purl) out.purl = c.purl;
  if (c.comment) out.description = c.comment;
  return out;
}

/** A version-4-shaped UUID from the content hash, so the same input gives the same serial number. */
function uuidFrom(hex: string): string {
  const h = hex.slice(0, 32).split('');
  h[12] = '4';
  h[16] = ((parseInt(h[16] ?? '0', 16) & 0x3) | 0x8).toString(16);
  const s = h.join('');
  return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}

export function cyclonedxDocument(m: SbomModel): Record<string, unknown> {
  const components = [...(m.main ? [m.main] : []), ...m.deps, ...m.files];
  const owner = m.main ?? m.root;
  const dependencies = [
    ...(m.main ? [{ ref: ref(m.root), dependsOn: [m.main, ...m.files].map(ref) }] : []),
    { ref: ref(owner), dependsOn: [...m.deps, ...(m.main ? [] : m.files)].map(ref) },
    ...[...m.deps, ...m.files].map((d) => ({ ref: ref(d), dependsOn: [] as string[] })),
  ];
  return {
    $schema: 'http://cyclonedx.org/schema/bom-1.5.schema.json',
    bomFormat: 'CycloneDX',
    specVersion: '1.5',
    serialNumber: `urn:uuid:${uuidFrom(m.fingerprint)}`,
    version: 1,
    metadata: {
      timestamp: m.created,
      tools: { components: [{ type: 'application', name: 'goscratch', version: m.toolVersion }] },
      component: component(m.root),
    },
    components: components.map(component),
    dependencies,
  };
}
