import { hasDependency } from '../../binary/buildinfo.js';
import { CA_PACKAGE } from '../cacerts.js';
import { defineAuditRule } from '../rule.js';

export default defineAuditRule({
  id: 'GS506',
  severity: 'warning',
  title: 'crypto/tls linked but no CA certificates',
  help: 'The binary links crypto/tls but the image has no CA bundle, so HTTPS calls fail with "x509: certificate signed by unknown authority". Add /etc/ssl/certs/ca-certificates.crt or embed golang.org/x/crypto/x509roots/fallback.',
  check(ctx) {
    const { image, binary } = ctx;
    const linked = binary?.linked;
    if (!image || !linked?.cryptoTls || image.caCertificates) return;
    if (linked.fallbackRoots || (binary?.go !== undefined && hasDependency(binary.go, CA_PACKAGE))) return;
    ctx.report('the binary links crypto/tls but the image has no CA certificates (/etc/ssl/certs/ca-certificates.crt or another path Go reads): HTTPS calls fail with "x509: certificate signed by unknown authority"',
      `copy a CA bundle to /etc/ssl/certs/ca-certificates.crt, or import _ "${CA_PACKAGE}"`);
  },
});
