/** The human-readable inspect report (`--format text`); findings follow it, printed by the shared text reporter. */
import { packageList } from '../binary/sizes.js';
import type { BinaryReport, InspectReport, PlatformReport } from './report.js';

export function humanSize(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} B` : `${v.toFixed(1)} ${units[i]}`;
}

const row = (k: string, v: string): string => `  ${k.padEnd(11)}${v}`;

export function renderReport(r: InspectReport): string {
  const out: string[] = [];
  const what = r.kind === 'binary' ? 'binary' : r.kind === 'index' ? 'index' : 'image';
  out.push(`${what} ${r.source}${r.digest ? ` (${r.digest})` : ''}`);
  for (const p of r.platforms) out.push(...renderPlatform(p, r.platforms.length > 1));
  return out.join('\n') + '\n';
}

function renderPlatform(p: PlatformReport, many: boolean): string[] {
  const out: string[] = [];
  if (many) out.push('', `platform ${p.platform ?? 'unknown'}`);
  const img = p.image;
  if (img) {
    out.push(row('digest', img.digest), row('platform', img.platform));
    if (img.created) out.push(row('created', img.created));
    out.push(row('user', img.user ? img.user : '(none: root)'));
    if (img.entrypoint) out.push(row('entrypoint', JSON.stringify(img.entrypoint)));
    if (img.cmd) out.push(row('cmd', JSON.stringify(img.cmd)));
    if (img.workdir) out.push(row('workdir', img.workdir));
    for (const [i, e] of img.env.entries()) out.push(row(i === 0 ? 'env' : '', e));
    if (img.exposedPorts.length) out.push(row('ports', img.exposedPorts.join(', ')));
    for (const [i, [k, v]] of Object.entries(img.labels).entries()) out.push(row(i === 0 ? 'labels' : '', `${k}=${v}`));
    out.push(row('layers', `${img.totals.layers}, ${humanSize(img.totals.size)} compressed, ${humanSize(img.totals.uncompressedSize)} uncompressed`));
    for (const l of img.layers) out.push(row('', `${l.digest}  ${humanSize(l.size)} -> ${humanSize(l.uncompressedSize)}`));
  }
  out.push(...renderBinary(p.binary));
  for (const w of p.warnings) out.push(row('warning', w));
  return out;
}

function renderBinary(b: BinaryReport): string[] {
  const out: string[] = [];
  const head = [b.path ?? b.command ?? '(none)', b.size !== undefined ? `(${humanSize(b.size)})` : ''].filter(Boolean).join(' ');
  out.push(row('binary', head));
  if (b.error) out.push(row('', `cannot read: ${b.error}`));
  const e = b.elf;
  if (e) {
    const link = e.static ? 'static' : `dynamic (loader ${e.interpreter ?? 'none'}${e.needed.length ? `, needs ${e.needed.join(', ')}` : ''})`;
    out.push(row('', `ELF ${e.class}-bit ${e.machineName} (${e.goarch ?? 'no GOARCH'}), ${link}, ${e.pie ? 'PIE' : 'not PIE'}, ${e.stripped ? 'stripped' : 'not stripped'}`));
  }
  if (b.goStatus === 'not-go') out.push(row('go', 'not a Go binary'));
  if (b.goStatus === 'go-without-buildinfo') out.push(row('go', 'Go binary without build info (Go < 1.13, or removed)'));
  if (b.goError) out.push(row('go', b.goError));
  const go = b.go;
  if (go) {
    out.push(row('go', go.goVersion));
    if (go.path) out.push(row('path', go.path));
    if (go.main) out.push(row('module', `${go.main.path} ${go.main.version}${go.main.sum ? ' ' + go.main.sum : ''}`));
    for (const [i, d] of go.deps.entries()) {
      const repl = d.replace ? ` => ${d.replace.path} ${d.replace.version}` : '';
      out.push(row(i === 0 ? 'deps' : '', `${d.path} ${d.version}${repl}`));
    }
    for (const [i, s] of go.settings.entries()) out.push(row(i === 0 ? 'build' : '', `${s.key}=${s.value}`));
  }
  if (b.linked) {
    const l = b.linked;
    const names = [l.cryptoTls && 'crypto/tls', l.loadLocation && 'time.LoadLocation', l.tzdata && 'time/tzdata', l.fallbackRoots && 'x509roots/fallback'].filter(Boolean);
    out.push(row('links', `${names.length ? names.join(', ') : 'none of crypto/tls, time.LoadLocation, time/tzdata'} (from ${l.source === 'pclntab' ? 'the pclntab' : 'symbol-name strings'})`));
  }
  if (b.sizes && b.size) out.push(...topPackages(b.sizes, b.size));
  return out;
}

const TOP = 10;

/** The ten packages with the most code, with their share of the file. */
function topPackages(sizes: NonNullable<BinaryReport['sizes']>, fileSize: number): string[] {
  const all = packageList(sizes);
  const code = all.reduce((n, p) => n + p.bytes, 0);
  const out = [row('size', `Go code ${humanSize(code)} of ${humanSize(fileSize)} in ${all.length} packages; top ${Math.min(TOP, all.length)}:`)];
  for (const p of all.slice(0, TOP)) {
    const share = `${((100 * p.bytes) / fileSize).toFixed(1)}%`;
    out.push(row('', `${humanSize(p.bytes).padStart(10)} ${share.padStart(6)}  ${p.package}${p.module === p.package ? '' : `  (${p.module})`}`));
  }
  return out;
}
