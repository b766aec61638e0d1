/**
 * Where a Go program on Linux looks for CA certificates and time zones
 * (crypto/x509/root_linux.go, time/zoneinfo_unix.go), so inspect can tell whether
 * an image gives it what it needs.
 */
export const GO_CERT_FILES = [
  '/etc/ssl/certs/ca-certificates.crt',
  '/etc/pki/tls/certs/ca-bundle.crt',
  '/etc/ssl/ca-bundle.pem',
  '/etc/pki/tls/cacert.pem',
  '/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem',
  '/etc/ssl/cert.pem',
];

export const GO_CERT_DIRS = ['/etc/ssl/certs', '/etc/pki/tls/certs'];

export const GO_ZONEINFO_DIRS = ['/usr/share/zoneinfo', '/usr/share/lib/zoneinfo', '/usr/lib/locale/TZ', '/etc/zoneinfo'];

/** The module that embeds Mozilla's roots into a Go binary. */
export const CA_PACKAGE = 'golang.org/x/crypto/x509roots/fallback';
