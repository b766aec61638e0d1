/**
 * The GS501-GS512 checks: pure functions from what was read (image facts, binary
 * analysis) to findings. Nothing here does I/O, so every rule is testable from
 * hand-written facts.
 */
import type { Finding } from '../findings/model.js';
import type { BinaryAnalysis } from '../binary/analyze.js';
import { buildSetting, hasDependency, type BuildInfo } from '../binary/buildinfo.js';
import type { ImageFacts } from './facts.js';
import { parseGoVersion, supportEnded, GO_RELEASES_UPDATED } from './goreleases.js';
import { splitUser } from './passwd.js';
import { CA_PACKAGE } from './cacerts.js';
import { AUTOMAXPROCS, AUTOMEMLIMIT, binaryHandles, goAtLeast } from '../runtime/env.js';

export interface AuditSubject {
  /** What the findings are about: an image reference or a binary path. */
  file: string;
  image?: ImageFacts;
  binary?: BinaryAnalysis;
  /** The entrypoint path in the image, for messages. */
  binaryPath?: string;
  /** For GS512: why the runtime cannot start the entrypoint at all. */
  entrypointMissing?: string;
  /** For GS511; defaults to now. */
  today?: Date;
}

type Emit = (rule: string, severity: Finding['severity'], message: string, fix?: string) => void;

export function audit(s: AuditSubject): Finding[] {
  const out: Finding[] = [];
  const emit: Emit = (rule, severity, message, fix) => out.push({ rule, severity, message, file: s.file, ...(fix ? { fix } : {}) });
  const bin = s.binary;
  const go = bin?.go;
  if (s.image && bin) {
    checkLoader(s.image, bin, s.binaryPath ?? 'the entrypoint', emit);
    checkMachine(s.image, bin, s.binaryPath ?? 'the entrypoint', emit);
  }
  if (s.image && s.entrypointMissing) {
    emit('GS512', 'error', `the container cannot start: ${s.entrypointMissing}, so the runtime fails with "exec: no such file or directory" (or "no command specified")`,
      'set ENTRYPOINT to the absolute path of a binary that is in the image, e.g. ["/usr/local/bin/app"]');
  }
  if (s.image) checkUser(s.image, emit);
  if (s.image && bin?.linked) checkFilesGoNeeds(s.image, bin, emit);
  if (go) {
    const env = s.image?.env;
    checkMaxprocs(go, env, emit);
    checkMemlimit(go, env, emit);
    checkSupported(go, s.today ?? new Date(), emit);
  }
  if (s.image) checkPorts(s.image, emit);
  return out.sort((a, b) => (a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0));
}

function checkLoader(img: ImageFacts, bin: BinaryAnalysis, path: string, emit: Emit): void {
  const interp = bin.elf.interpreter;
  if (interp === undefined || img.isFile(interp)) return;
  const libs = bin.elf.needed.length ? ` and libraries ${bin.elf.needed.join(', ')}` : '';
  const cgo = bin.go && buildSetting(bin.go, 'CGO_ENABLED') === '1' ? ' (built with CGO_ENABLED=1)' : '';
  emit('GS501', 'error',
    `${path} is dynamically linked${cgo}: it needs the loader ${interp}${libs}, but the image has no ${interp}; the container fails with "no such file or directory"`,
    'build with CGO_ENABLED=0 (add -tags netgo,osusergo if net or os/user are imported), or copy the loader and libraries into the image');
}

function checkMachine(img: ImageFacts, bin: BinaryAnalysis, path: string, emit: Emit): void {
  const arch = bin.elf.goarch;
  if (arch === img.architecture) return;
  emit('GS502', 'error',
    `${path} is built for ${bin.elf.machineName} (${arch ?? 'no Go architecture'}), but the image platform is ${img.architecture}: the container fails with "exec format error"`,
    `build with GOARCH=${img.architecture}, or label the image with the binary's platform`);
}

function checkUser(img: ImageFacts, emit: Emit): void {
  const { user, group } = splitUser(img.user);
  const numeric = /^\d+$/.test(user);
  const entry = numeric ? img.passwd?.find((p) => p.uid === Number(user)) : img.passwd?.find((p) => p.name === user);
  const isRoot = user === '' || user === 'root' || (numeric && Number(user) === 0) || entry?.uid === 0;
  if (isRoot) {
    const how = user === '' ? 'sets no user' : `runs as ${JSON.stringify(img.user)}`;
    emit('GS503', 'error', `the image ${how}, so the container runs as root`, 'set a numeric non-root user, e.g. USER 10001:10001 (goscratch build does this by default)');
  }
  if (user !== '' && !numeric && !isRoot) {
    const uid = entry ? `${entry.uid}` : '10001';
    emit('GS504', 'warning', `the user ${JSON.stringify(user)} is a name: Kubernetes runAsNonRoot cannot verify that it is not root`, `use the numeric id, e.g. USER ${uid}:${entry?.gid ?? uid}`);
  }
  if (user !== '' && !numeric && !entry) {
    const why = img.passwd ? 'is not in the image\'s /etc/passwd' : 'cannot be looked up: the image has no /etc/passwd';
    emit('GS505', 'error', `the user ${JSON.stringify(user)} ${why}; the container fails with "unable to find user ${user}"`, 'add the user to /etc/passwd in the image, or use a numeric uid:gid');
  }
  if (group !== undefined && group !== '' && !/^\d+$/.test(group) && !img.group?.some((g) => g.name === group)) {
    const why = img.group ? 'is not in the image\'s /etc/group' : 'cannot be looked up: the image has no /etc/group';
    emit('GS505', 'error', `the group ${JSON.stringify(group)} ${why}; the container fails with "unable to find group ${group}"`, 'add the group to /etc/group in the image, or use a numeric gid');
  }
}

function checkFilesGoNeeds(img: ImageFacts, bin: BinaryAnalysis, emit: Emit): void {
  const linked = bin.linked;
  if (!linked) return;
  const embedsRoots = linked.fallbackRoots || (bin.go !== undefined && hasDependency(bin.go, CA_PACKAGE));
  if (linked.cryptoTls && !img.caCertificates && !embedsRoots) {
    emit('GS506', 'warning',
      'the binary links crypto/tls but the image has no CA certificates (/etc/ssl/certs/ca-certificates.crt or another path Go reads): HTTPS calls fail with "x509: certificate signed by unknown authority"',
      `copy a CA bundle to /etc/ssl/certs/ca-certificates.crt, or import _ "${CA_PACKAGE}"`);
  }
  const tags = bin.go ? (buildSetting(bin.go, '-tags') ?? '').split(',') : [];
  if (linked.loadLocation && !linked.tzdata && !tags.includes('timetzdata') && !img.zoneinfo) {
    emit('GS507', 'info',
      'the binary calls time.LoadLocation, but the image has no zoneinfo (/usr/share/zoneinfo) and the binary does not embed time/tzdata: loading any zone but UTC and Local fails',
      'import _ "time/tzdata" in package main, or build with -tags timetzdata');
  }
}

/** GS508/GS509 use the same rule as runtime tuning (runtime/env.ts) for what the binary handles itself. */
function envList(env: Record<string, string> | undefined): string[] {
  return Object.entries(env ?? {}).map(([k, v]) => `${k}=${v}`);
}

function checkMaxprocs(go: BuildInfo, env: Record<string, string> | undefined, emit: Emit): void {
  if (env?.GOMAXPROCS !== undefined || binaryHandles(go, envList(env)).GOMAXPROCS) return;
  const why = !goAtLeast(go.goVersion, 1, 25)
    ? `${go.goVersion} sets GOMAXPROCS from the host's CPU count, ignoring the container's CPU quota`
    : `containermaxprocs=0 in GODEBUG (the module's go line is below 1.25, or the image env sets it), so ${go.goVersion} ignores the container's CPU quota`;
  emit('GS508', 'warning', `${why}: with a CPU limit the kernel throttles the process`,
    `set GOMAXPROCS in the image env to the CPU limit, import _ "${AUTOMAXPROCS}", or build with Go >= 1.25 and go >= 1.25 in go.mod`);
}

function checkMemlimit(go: BuildInfo, env: Record<string, string> | undefined, emit: Emit): void {
  if (env?.GOMEMLIMIT !== undefined || binaryHandles(go, envList(env)).GOMEMLIMIT) return;
  emit('GS509', 'info', 'no GOMEMLIMIT in the image env and no automemlimit: the Go garbage collector does not know the container memory limit and may let the heap grow into an OOM kill',
    `set GOMEMLIMIT to about 90% of the container memory limit (e.g. GOMEMLIMIT=460MiB for 512Mi), or import _ "${AUTOMEMLIMIT}"`);
}

function checkSupported(go: BuildInfo, today: Date, emit: Emit): void {
  const v = parseGoVersion(go.goVersion);
  if (!v || v.major !== 1) return;
  const ended = supportEnded(v.minor, today);
  if (!ended) return;
  const when = ended.projected ? `about ${ended.date.slice(0, 7)} (projected; release table of ${GO_RELEASES_UPDATED})` : `${ended.date}, when go1.${v.minor + 2} was released`;
  emit('GS511', 'info', `the binary is built with ${go.goVersion}; go1.${v.minor} is no longer supported upstream (since ${when}) and gets no security fixes`,
    'rebuild with a supported Go release');
}

function checkPorts(img: ImageFacts, emit: Emit): void {
  const { user } = splitUser(img.user);
  const root = user === '' || user === 'root' || user === '0';
  if (root) return;
  for (const p of img.exposedPorts) {
    const port = Number(p.split('/')[0]);
    if (Number.isInteger(port) && port > 0 && port < 1024) {
      emit('GS510', 'warning', `port ${p} is below 1024, but the container runs as ${JSON.stringify(img.user)}: a non-root process cannot bind it on every runtime`,
        'listen on a port above 1024 (e.g. 8080) and map it at the service or load balancer');
    }
  }
}
