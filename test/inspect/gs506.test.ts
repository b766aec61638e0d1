import { auditCases, binary, goInfo, image, linked } from './auditcases.js';

const tls = binary({ linked: linked({ cryptoTls: true }) });

auditCases('GS506', {
  catches: [
    { name: 'crypto/tls without a CA bundle', subject: { binary: tls, image: image({ caCertificates: undefined }) }, message: /x509: certificate signed by unknown authority/ },
  ],
  passes: [
    { name: 'a CA bundle in the image', subject: { binary: tls } },
    { name: 'roots embedded with x509roots/fallback', subject: { binary: binary({ linked: linked({ cryptoTls: true, fallbackRoots: true }) }), image: image({ caCertificates: undefined }) } },
    { name: 'the fallback module in the build info', subject: { binary: binary({ linked: linked({ cryptoTls: true }), go: goInfo({ deps: [{ path: 'golang.org/x/crypto/x509roots/fallback', version: 'v0.1.0' }] }) }), image: image({ caCertificates: undefined }) } },
    { name: 'no crypto/tls', subject: { image: image({ caCertificates: undefined }) } },
  ],
});
