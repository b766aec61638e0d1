import { test } from 'node:test';
import assert from 'node:assert/strict';
import { binarySbomSubject, imageSbomSubject, sbomFor } from '../../src/inspect/sbom/index.js';
import { goPurl, h1ToHex, type SbomSubject } from '../../src/inspect/sbom/subject.js';
import type { BuildInfo } from '../../src/binary/buildinfo.js';
import { requireTool } from '../helpers/tools.js';
import { AUTOMAXPROCS_STUB, USES_AUTOMAXPROCS, buildGo, goModWithAutomaxprocs } from '../binary/gobuild.js';
import { testImage } from './images.js';
import { errorsOf, validateCycloneDx, validateSpdx } from './schemas.js';

const GO: BuildInfo = {
  goVersion: 'go1.23.5',
  path: 'example.com/svc/cmd/server',
  main: { path: 'example.com/svc', version: 'v1.2.3', sum: 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' },
  deps: [
    { path: 'go.uber.org/automaxprocs', version: 'v1.6.0', sum: 'h1:O3y2/QNTOdbF+e/dpXNNW7Rx2hZ4sTIPyybbxyNqTUs=' },
    { path: 'github.com/Foo/Bar', version: 'v0.0.0-20240101000000-abcdefabcdef+incompatible', sum: 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' },
    { path: 'example.com/old', version: 'v1.0.0', replace: { path: 'example.com/new', version: 'v1.1.0', sum: 'h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=' } },
    { path: 'example.com/local', version: 'v0.1.0', replace: { path: './local', version: '(devel)' } },
  ],
  settings: [{ key: 'vcs.time', value: '2024-01-02T03:04:05Z' }],
};

interface SpdxPackage {
  name: string;
  versionInfo?: string;
  primaryPackagePurpose?: string;
  comment?: string;
  checksums?: { algorithm: string; checksumValue: string }[];
  externalRefs: { referenceCategory: string; referenceType: string; referenceLocator: string }[];
}
interface SpdxDoc {
  spdxVersion: string;
  dataLicense?: string;
  creationInfo: { created: string };
  packages: SpdxPackage[];
  relationships: { relationshipType: string }[];
}
interface CdxComponent {
  type: string;
  name: string;
  purl?: string;
  'bom-ref': string;
}
interface CdxDoc {
  specVersion: unknown;
  serialNumber: string;
  metadata: { component: CdxComponent };
  components: CdxComponent[];
  dependencies: { ref: string; dependsOn: string[] }[];
}
const spdxOf = (s: SbomSubject): SpdxDoc => JSON.parse(sbomFor(s, 'spdx')) as SpdxDoc;
const cdxOf = (s: SbomSubject): CdxDoc => JSON.parse(sbomFor(s, 'cyclonedx')) as CdxDoc;

const IMAGE_SUBJECT: SbomSubject = {
  name: 'registry.example.com/team/svc:1.2.3',
  image: { digest: 'sha256:' + 'a'.repeat(64), platform: 'linux/arm64', created: '2024-05-06T07:08:09Z' },
  binary: { path: '/app', sha256: 'sha256:' + 'b'.repeat(64), go: GO },
  toolVersion: '1.0.0',
};

test('h1 hashes and purls', () => {
  assert.equal(h1ToHex('h1:47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
  assert.equal(h1ToHex('h2:xyz'), undefined);
  assert.equal(goPurl('github.com/Foo/Bar', 'v1.0.0+incompatible'), 'pkg:golang/github.com/Foo/Bar@v1.0.0%2Bincompatible');
});

test('SPDX 2.3: valid against the official schema, with every module, sums and the standard library', () => {
  const doc = spdxOf(IMAGE_SUBJECT);
  assert.ok(validateSpdx(doc), errorsOf(validateSpdx));
  assert.equal(doc.spdxVersion, 'SPDX-2.3');
  assert.equal(doc.creationInfo.created, '2024-05-06T07:08:09Z');
  const byName = new Map(doc.packages.map((p) => [p.name, p]));
  assert.equal(byName.get(IMAGE_SUBJECT.name)?.primaryPackagePurpose, 'CONTAINER');
  assert.equal(byName.get(IMAGE_SUBJECT.name)?.externalRefs[0]?.referenceLocator, 'pkg:oci/svc@sha256%3A' + 'a'.repeat(64) + '?repository_url=registry.example.com%2Fteam%2Fsvc&arch=arm64');
  const amp = byName.get('go.uber.org/automaxprocs');
  assert.equal(amp?.versionInfo, 'v1.6.0');
  assert.deepEqual(amp?.externalRefs, [{ referenceCategory: 'PACKAGE-MANAGER', referenceType: 'purl', referenceLocator: 'pkg:golang/go.uber.org/automaxprocs@v1.6.0' }]);
  assert.deepEqual(amp?.checksums, [{ algorithm: 'SHA256', checksumValue: Buffer.from('O3y2/QNTOdbF+e/dpXNNW7Rx2hZ4sTIPyybbxyNqTUs=', 'base64').toString('hex') }]);
  assert.equal(byName.get('example.com/new')?.versionInfo, 'v1.1.0', 'a module replacement is what was compiled');
  assert.match(byName.get('example.com/local')?.comment ?? '', /replaced by \.\/local/);
  const std = byName.get('stdlib');
  assert.equal(std?.versionInfo, 'go1.23.5');
  assert.equal(std?.externalRefs[0]?.referenceLocator, 'pkg:golang/stdlib@1.23.5');
  assert.equal(doc.packages.length, 1 + 1 + 4 + 1);
  const rels = doc.relationships.map((r) => r.relationshipType);
  assert.deepEqual(rels, ['DESCRIBES', 'CONTAINS', 'DEPENDS_ON', 'DEPENDS_ON', 'DEPENDS_ON', 'DEPENDS_ON', 'DEPENDS_ON']);
  // Same input, same bytes.
  assert.equal(sbomFor(IMAGE_SUBJECT, 'spdx'), sbomFor(IMAGE_SUBJECT, 'spdx'));
});

test('CycloneDX 1.5: valid against the official schema', () => {
  const doc = cdxOf(IMAGE_SUBJECT);
  assert.ok(validateCycloneDx(doc), errorsOf(validateCycloneDx));
  assert.equal(doc.specVersion, '1.5');
  assert.equal(doc.metadata.component.type, 'container');
  assert.match(doc.serialNumber, /^urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const purls = doc.components.map((c) => c.purl);
  assert.ok(purls.includes('pkg:golang/go.uber.org/automaxprocs@v1.6.0'));
  assert.ok(purls.includes('pkg:golang/stdlib@1.23.5'));
  const main = doc.components.find((c) => c.name === 'example.com/svc');
  assert.equal(main?.type, 'application');
  assert.equal(doc.dependencies.find((d) => d.ref === main?.['bom-ref'])?.dependsOn.length, 5);
  // A schema violation is caught (the tests can fail).
  assert.equal(validateCycloneDx({ ...doc, specVersion: 1.5 }), false);
  const { dataLicense: _drop, ...noLicense } = spdxOf(IMAGE_SUBJECT);
  assert.equal(validateSpdx(noLicense), false);
});

test('SBOMs of a real image and a real binary validate and list the replaced module', async (t) => {
  if (!requireTool(t, 'go', 'git')) return;
  const bin = await buildGo({ files: { 'go.mod': goModWithAutomaxprocs(), 'main.go': USES_AUTOMAXPROCS, ...AUTOMAXPROCS_STUB }, git: true, args: ['-ldflags=-s -w'] });
  const img = await testImage({ binary: bin });
  const subject = await imageSbomSubject(img, 'oci:out:latest');
  assert.equal(subject.binary?.path, '/app');
  for (const s of [subject, await binarySbomSubject(bin, { name: 'app' })]) {
    const spdx = spdxOf(s);
    assert.ok(validateSpdx(spdx), errorsOf(validateSpdx));
    assert.equal(spdx.creationInfo.created, '2024-01-02T03:04:05Z', 'the VCS time makes the document reproducible');
    assert.ok(spdx.packages.some((p) => p.name === 'go.uber.org/automaxprocs'));
    const cdx = cdxOf(s);
    assert.ok(validateCycloneDx(cdx), errorsOf(validateCycloneDx));
  }
});
