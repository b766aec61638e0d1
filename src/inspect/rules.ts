/**
 * The checks `goscratch inspect` runs on an image and its entrypoint binary. Ids are
 * stable (GS5xx) and shared with the reporters and SARIF output.
 */
import type { RuleInfo } from '../findings/model.js';

// The findings table of goscratch inspect in the README.
const DOC = 'https://github.com/goscratch/goscratch#findings';

const rule = (id: string, severity: RuleInfo['severity'], title: string, help: string, equivalents?: Record<string, string>): RuleInfo => ({
  id,
  severity,
  title,
  help,
  helpUri: DOC,
  ...(equivalents ? { equivalents } : {}),
});

export const AUDIT_RULES: readonly RuleInfo[] = [
  rule('GS501', 'error', 'Dynamically linked binary in an image without its loader',
    'The entrypoint needs a dynamic loader (PT_INTERP) the image does not contain, so the container fails with "no such file or directory". Build with CGO_ENABLED=0, or copy the loader and libraries into the image.'),
  rule('GS502', 'error', 'Binary built for another CPU than the image platform',
    'The ELF machine of the entrypoint differs from the architecture in the image config: the container fails with "exec format error". Build with GOARCH matching the platform (goscratch build --platform does this).'),
  rule('GS503', 'error', 'Container runs as root',
    'The image config has no user, or user 0/root. Run as a numeric non-root user such as 10001:10001.', { dockle: 'CIS-DI-0001' }),
  rule('GS504', 'warning', 'User is a name, not a numeric uid',
    'Kubernetes runAsNonRoot can only verify a numeric user; a name makes the kubelet refuse to start the pod. Use USER 10001:10001.'),
  rule('GS505', 'error', 'User or group name not in the image',
    'A user or group given by name must be listed in the image\'s /etc/passwd or /etc/group, or the runtime fails with "unable to find user". Add the entries or use numeric ids.'),
  rule('GS506', 'warning', 'crypto/tls linked but no CA certificates',
    'The binary links crypto/tls but the image has no CA bundle, so HTTPS calls fail with "x509: certificate signed by unknown authority". Add /etc/ssl/certs/ca-certificates.crt or embed golang.org/x/crypto/x509roots/fallback.'),
  rule('GS507', 'info', 'time.LoadLocation linked without zoneinfo',
    'The binary calls time.LoadLocation but the image has no zoneinfo database and the binary does not embed time/tzdata, so every zone but UTC fails to load. Import _ "time/tzdata" or build with -tags timetzdata.'),
  rule('GS508', 'warning', 'GOMAXPROCS is not container-aware',
    'Before Go 1.25 (or with a go.mod go line below 1.25) the runtime uses the host\'s CPU count and ignores the cgroup CPU quota, so the kernel throttles the process. Set GOMAXPROCS in the image env, link go.uber.org/automaxprocs, or build with Go >= 1.25 and go >= 1.25 in go.mod.'),
  rule('GS509', 'info', 'No memory limit awareness',
    'Go does not read the cgroup memory limit: without GOMEMLIMIT the garbage collector lets the heap grow until the container is OOM-killed. Set GOMEMLIMIT to about 90% of the memory limit, or link github.com/KimMachineGun/automemlimit.'),
  rule('GS510', 'warning', 'Port below 1024 exposed with a non-root user',
    'A non-root process cannot bind ports below 1024 on every runtime (Kubernetes without NET_BIND_SERVICE, rootless Podman). Listen on a port above 1024.'),
  rule('GS511', 'info', 'Go version no longer supported upstream',
    'Each Go release is supported until two newer major releases exist; unsupported releases get no security fixes. Rebuild with a supported Go.'),
  rule('GS512', 'error', 'Entrypoint not in the image',
    'The image sets no entrypoint or cmd, or its argv[0] is not a file in the image (nor on its PATH): the container cannot start. Point ENTRYPOINT at the binary by absolute path.'),
];
