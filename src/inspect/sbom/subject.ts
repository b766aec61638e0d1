/**
 * What an SBOM describes, independent of its format: the image (or bare binary),
 * the Go main module, every linked module with its go.sum hash, and the standard
 * library at the toolchain's version. Both writers read only this.
 */
import { VERSION } from '../../version.js';
import { createHash } from 'node:crypto';
import type { BuildInfo, GoModule } from '../../binary/buildinfo.js';

export type SbomFormat = 'spdx' | 'cyclonedx';
export const SBOM_FORMATS: readonly SbomFormat[] = ['spdx', 'cyclonedx'];

export interface SbomSubject {
  /** Image reference or binary name, as the user knows it. */
  name: string;
  image?: { digest: string; platform: string; created?: string };
  binary?: { path: string; sha256?: string; go?: BuildInfo };
  /** The CA bundle goscratch put into the image, from its labels. */
  caBundle?: { source: string; date: string };
  /** Document time; defaults to the image's creation time, else the VCS time, else now. */
  created?: string;
  toolVersion?: string;
}

export interface SbomComponent {
  /** Stable key for ids and references. */
  key: string;
  name: string;
  version?: string;
  purl?: string;
  /** Hex SHA-256 (from a go.sum `h1:` hash or a digest). */
  sha256?: string;
  kind: 'container' | 'application' | 'library' | 'file';
  comment?: string;
}

export interface SbomModel {
  name: string;
  created: string;
  toolVersion: string;
  /** A stable hash of the content, for the document namespace and serial number. */
  fingerprint: string;
  root: SbomComponent;
  /** The Go main module (contained in the image, or the binary itself). */
  main?: SbomComponent;
  /** Dependencies and the standard library; the main module depends on each. */
  deps: SbomComponent[];
  /** Files the image holds besides the binary (the CA bundle). */
  files: SbomComponent[];
}

/** `h1:<base64 sha256>` (go.sum) -> hex, or undefined for other hash kinds. */
export function h1ToHex(sum: string | undefined): string | undefined {
  if (!sum?.startsWith('h1:')) return undefined;
  const raw = Buffer.from(sum.slice(3), 'base64');
  return raw.length === 32 ? raw.toString('hex') : undefined;
}

const purlPart = (s: string): string => encodeURIComponent(s);

/** pkg:golang/<path>@<version>, each path segment encoded (purl spec). */
export function goPurl(path: string, version?: string): string {
  const p = path.split('/').map(purlPart).join('/');
  return `pkg:golang/${p}${version ? '@' + purlPart(version) : ''}`;
}

function imagePurl(name: string, digest: string, platform: string): string {
  // pkg:oci/<last path segment>@<digest>?repository_url=<rest>&arch=<arch>
  const ref = name.replace(/^(docker:\/\/|oci:|archive:)/, '').replace(/@sha256:[0-9a-f]{64}$/, '').replace(/:[^/:]+$/, '');
  const slash = ref.lastIndexOf('/');
  const base = (slash >= 0 ? ref.slice(slash + 1) : ref).toLowerCase() || 'image';
  const arch = platform.split('/')[1];
  const q = [slash >= 0 && ref.includes('.') ? `repository_url=${purlPart(ref)}` : '', arch ? `arch=${purlPart(arch)}` : ''].filter(Boolean).join('&');
  return `pkg:oci/${purlPart(base)}@${purlPart(digest)}${q ? '?' + q : ''}`;
}

const isLocalDir = (p: string): boolean => p.startsWith('./') || p.startsWith('../') || p.startsWith('/');

function moduleComponent(m: GoModule, key: string): SbomComponent {
  // A module replacement changes what was compiled; a local directory keeps the original identity.
  const eff = m.replace && !isLocalDir(m.replace.path) ? m.replace : m;
  const version = eff.version && eff.version !== '(devel)' ? eff.version : undefined;
  const c: SbomComponent = { key, name: eff.path, kind: 'library', purl: goPurl(eff.path, version) };
  if (version) c.version = version;
  const sha = h1ToHex(eff.sum);
  if (sha) c.sha256 = sha;
  if (m.replace) c.comment = `${m.path} ${m.version} replaced by ${m.replace.path} ${m.replace.version}`;
  return c;
}

export function sbomModel(s: SbomSubject): SbomModel {
  const go = s.binary?.go;
  const toolVersion = s.toolVersion ?? VERSION;
  const vcsTime = go?.settings.find((x) => x.key === 'vcs.time')?.value;
  const created = normalizeTime(s.created ?? s.image?.created ?? vcsTime ?? new Date().toISOString());
  const digestHex = (d: string | undefined): string | undefined => d?.replace(/^sha256:/, '');
  let root: SbomComponent;
  if (s.image) {
    root = { key: 'image', name: s.name, version: s.image.digest, kind: 'container', purl: imagePurl(s.name, s.image.digest, s.image.platform) };
    const hex = digestHex(s.image.digest);
    if (hex) root.sha256 = hex;
  } else {
    root = { key: 'binary', name: s.name, kind: 'application' };
    const hex = digestHex(s.binary?.sha256);
    if (hex) root.sha256 = hex;
  }
  let main: SbomComponent | undefined;
  const deps: SbomComponent[] = [];
  if (go) {
    if (go.main) {
      main = { ...moduleComponent(go.main, 'main'), kind: 'application' };
      const hex = digestHex(s.binary?.sha256);
      if (hex && !main.sha256) main.sha256 = hex;
    }
    go.deps.forEach((d, i) => deps.push(moduleComponent(d, `dep-${i + 1}`)));
    const std = go.goVersion.replace(/^go/, '').split(/[ -]/)[0] ?? go.goVersion;
    deps.push({ key: 'stdlib', name: 'stdlib', version: go.goVersion, kind: 'library', purl: goPurl('stdlib', std), comment: 'the Go standard library and runtime, at the toolchain version' });
  }
  const files: SbomComponent[] = s.caBundle
    ? [{ key: 'ca-bundle', name: 'ca-certificates', version: s.caBundle.date, kind: 'file', comment: `/etc/ssl/certs/ca-certificates.crt: ${s.caBundle.source}, frozen ${s.caBundle.date}` }]
    : [];
  const fingerprint = createHash('sha256').update(JSON.stringify({ n: s.name, r: root, m: main, d: deps, f: files })).digest('hex');
  return { name: s.name, created, toolVersion, fingerprint, root, ...(main ? { main } : {}), deps, files };
}

/** SPDX and CycloneDX want UTC `YYYY-MM-DDThh:mm:ssZ`. */
function normalizeTime(t: string): string {
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? new Date().toISOString().replace(/\.\d{3}Z$/, 'Z') : d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
