/** SPDX 2.3 JSON from the SBOM model: packages with purls and SHA-256 checksums, and their relationships. */
import type { SbomComponent, SbomModel } from './subject.js';

const PURPOSE = { container: 'CONTAINER', application: 'APPLICATION', library: 'LIBRARY', file: 'FILE' } as const;

function spdxId(c: SbomComponent): string {
  return `SPDXRef-${c.kind === 'container' ? 'Image' : 'Package'}-${c.key}-${c.name.replace(/[^A-Za-z0-9.-]+/g, '-')}`.slice(0, 200);
}

function pkg(c: SbomComponent): Record<string, unknown> {
  const p: Record<string, unknown> = {
    SPDXID: spdxId(c),
    name: c.name,
    downloadLocation: 'NOASSERTION',
    filesAnalyzed: false,
    primaryPackagePurpose: PURPOSE[c.kind],
  };
  if (c.version) p.versionInfo = c.version;
  if (c.sha256) p.checksums = [{ algorithm: 'SHA256', checksumValue: c.sha256 }];
  if (c.purl) p.externalRefs = [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: c.purl }];
  if (c.comment) p.comment = c.comment;
  return p;
}

export function spdxDocument(m: SbomModel): Record<string, unknown> {
  const all = [m.root, ...(m.main ? [m.main] : []), ...m.deps, ...m.files];
  const rel = (a: SbomComponent | 'doc', type: string, b: SbomComponent) => ({
    spdxElementId: a === 'doc' ? 'SPDXRef-DOCUMENT' : spdxId(a),
    relationshipType: type,
    relatedSpdxElement: spdxId(b),
  });
  const owner = m.main ?? m.root;
  const relationships = [
    rel('doc', 'DESCRIBES', m.root),
    ...(m.main ? [rel(m.root, m.root.kind === 'container' ? 'CONTAINS' : 'DEPENDS_ON', m.main)] : []),
    ...m.deps.map((d) => rel(owner, 'DEPENDS_ON', d)),
    ...m.files.map((f) => rel(m.root, 'CONTAINS', f)),
  ];
  return {
    spdxVersion: 'SPDX-2.3',
    dataLicense: 'CC0-1.0',
    SPDXID: 'SPDXRef-DOCUMENT',
    name: m.name,
    documentNamespace: `https://github.com/goscratch/goscratch/spdx/${encodeURIComponent(m.name.replace(/[^A-Za-z0-9._-]+/g, '-'))}-${m.fingerprint}`,
    creationInfo: { created: m.created, creators: [`Tool: goscratch-${m.toolVersion}`] },
    documentDescribes: [spdxId(m.root)],
    packages: all.map(pkg),
    relationships,
  };
}
