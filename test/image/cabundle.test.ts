// The CA bundle in images is goscratch's own, frozen from one Node release, not the
// store of whichever Node runs the build; its source and date are in the image's
// labels and in its SBOM.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rootCertificates } from 'node:tls';
import { bundledCaCertificates, caBundleLabels, CA_BUNDLE_LABELS } from '../../src/image/scratch.js';
import { CA_BUNDLE_DATE, CA_BUNDLE_SOURCE } from '../../src/image/cabundle.js';
import { sha256 } from '../../src/oci/digest.js';
import { imageSbomSubject, sbomFor } from '../../src/inspect/sbom/index.js';
import { errorsOf, validateCycloneDx, validateSpdx } from '../inspect/schemas.js';
import { testImage } from '../inspect/images.js';

/** Node v20.20.2's tls.rootCertificates, joined: the bundle every image carries until a release changes it. */
const FROZEN = 'sha256:1ce54871c3e0e16c534d4cf464847113d55412fe48c3d5d881c600dd6932debd';

test('the bundled CA certificates are the frozen bytes, on every Node', () => {
  const pem = bundledCaCertificates();
  assert.equal(sha256(pem), FROZEN, `running Node ${process.version} with ${rootCertificates.length} roots of its own`);
  assert.equal(pem.toString().match(/-----BEGIN CERTIFICATE-----/g)?.length, 144);
  assert.match(CA_BUNDLE_SOURCE, /Node\.js v20\.20\.2/);
  assert.match(CA_BUNDLE_DATE, /^\d{4}-\d{2}-\d{2}$/);
});

test('an image with the bundled certificates is labelled with their source and date; others are not', () => {
  assert.deepEqual(caBundleLabels('bundled'), { [CA_BUNDLE_LABELS.source]: CA_BUNDLE_SOURCE, [CA_BUNDLE_LABELS.date]: CA_BUNDLE_DATE });
  assert.deepEqual(caBundleLabels('none'), {});
  assert.deepEqual(caBundleLabels('/etc/ssl/certs/ca-certificates.crt'), {});
});

test('the SBOM of such an image lists the CA bundle as a file with its source and date, and validates', async () => {
  const img = await testImage({ ca: true, config: { Labels: caBundleLabels('bundled') } });
  const subject = await imageSbomSubject(img, 'example.com/app:1');
  assert.deepEqual(subject.caBundle, { source: CA_BUNDLE_SOURCE, date: CA_BUNDLE_DATE });
  const spdx = JSON.parse(sbomFor(subject, 'spdx')) as { packages: { name: string; versionInfo?: string; primaryPackagePurpose: string; comment?: string }[]; relationships: { relationshipType: string; relatedSpdxElement: string }[] };
  assert.ok(validateSpdx(spdx), errorsOf(validateSpdx));
  const ca = spdx.packages.find((p) => p.name === 'ca-certificates');
  assert.equal(ca?.primaryPackagePurpose, 'FILE');
  assert.equal(ca?.versionInfo, CA_BUNDLE_DATE);
  assert.ok(ca?.comment?.includes(CA_BUNDLE_SOURCE));
  const cdx = JSON.parse(sbomFor(subject, 'cyclonedx')) as { components: { name: string; type: string; version?: string }[] };
  assert.ok(validateCycloneDx(cdx), errorsOf(validateCycloneDx));
  assert.deepEqual(cdx.components.filter((c) => c.name === 'ca-certificates').map((c) => [c.type, c.version]), [['file', CA_BUNDLE_DATE]]);

  const plain = await imageSbomSubject(await testImage({ ca: true }), 'example.com/app:1');
  assert.equal(plain.caBundle, undefined);
});
