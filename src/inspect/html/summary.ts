/** The page's first section: what was inspected, how it runs, how it was built, how many findings. */
import { SEVERITIES } from '../../findings/model.js';
import { buildSetting } from '../../binary/buildinfo.js';
import { humanSize } from '../render.js';
import type { InspectReport, PlatformReport } from '../report.js';
import { html, type Html, type Value } from './markup.js';

export function summarySection(r: InspectReport, p: PlatformReport): Html {
  const img = p.image;
  const b = p.binary;
  const go = b.go;
  const rows: [string, Value][] = [
    ['Source', r.source],
    ['Kind', r.kind],
  ];
  if (r.digest) rows.push([r.kind === 'index' ? 'Index digest' : 'Digest', html`<code>${r.digest}</code>`]);
  if (img && img.digest !== r.digest) rows.push(['Image digest', html`<code>${img.digest}</code>`]);
  if (p.platform) rows.push(['Platform', p.platform]);
  if (img) {
    rows.push(['Size', `${humanSize(img.totals.size)} compressed, ${humanSize(img.totals.uncompressedSize)} uncompressed, ${img.totals.layers} layer${img.totals.layers === 1 ? '' : 's'}`]);
    if (img.created) rows.push(['Created', img.created]);
    rows.push(['User', img.user ? img.user : html`<span class="bad">none: runs as root</span>`]);
    if (img.entrypoint) rows.push(['Entrypoint', html`<code>${JSON.stringify(img.entrypoint)}</code>`]);
    if (img.cmd) rows.push(['Cmd', html`<code>${JSON.stringify(img.cmd)}</code>`]);
    if (img.workdir) rows.push(['Workdir', img.workdir]);
    rows.push(['Ports', img.exposedPorts.length ? img.exposedPorts.join(', ') : 'none']);
    rows.push(['Env', img.env.length ? html`<ul class="plain">${img.env.map((e) => html`<li><code>${e}</code></li>`)}</ul>` : 'none']);
    const labels = Object.entries(img.labels);
    if (labels.length) rows.push(['Labels', html`<ul class="plain">${labels.map(([k, v]) => html`<li><code>${k}=${v}</code></li>`)}</ul>`]);
  }
  rows.push(['Binary', b.path ? `${b.path}${b.size !== undefined ? ` (${humanSize(b.size)})` : ''}` : b.error ?? 'none']);
  if (b.error && b.path) rows.push(['Binary error', b.error]);
  if (b.elf) {
    const e = b.elf;
    rows.push(['ELF', `${e.class}-bit ${e.machineName}, ${e.static ? 'static' : `dynamic (loader ${e.interpreter ?? 'none'})`}, ${e.pie ? 'PIE' : 'not PIE'}, ${e.stripped ? 'stripped' : 'not stripped'}`]);
  }
  if (go) {
    rows.push(['Go', go.goVersion]);
    if (go.main) rows.push(['Module', `${go.main.path} ${go.main.version}`]);
    if (go.path) rows.push(['Main package', go.path]);
    const rev = buildSetting(go, 'vcs.revision');
    if (rev) rows.push(['VCS revision', `${rev}${buildSetting(go, 'vcs.modified') === 'true' ? ' (modified)' : ''}${buildSetting(go, 'vcs.time') ? `, ${buildSetting(go, 'vcs.time')}` : ''}`]);
  } else if (b.goStatus) {
    rows.push(['Go', b.goStatus === 'not-go' ? 'not a Go binary' : b.goError ?? 'no build info']);
  }
  rows.push(['Findings', findingCounts(p)]);
  return html`<section class="summary"><h3>Summary</h3><dl>${rows.map(([k, v]) => html`<dt>${k}</dt><dd>${v}</dd>`)}</dl></section>`;
}

function findingCounts(p: PlatformReport): Html {
  const counts = SEVERITIES.map((s) => [s, p.findings.filter((f) => f.severity === s).length] as const);
  return html`${counts.map(([s, n]) => html`<span class="sev ${s}${n ? '' : ' zero'}">${n} ${s}</span> `)}`;
}
