/** The layers section: each layer's sizes and the step that made it, then the merged file tree. */
import { humanSize } from '../render.js';
import type { PlatformReport } from '../report.js';
import { fileTree } from './filetree.js';
import { html, type Html } from './markup.js';

export function layersSection(p: PlatformReport): Html {
  const img = p.image;
  if (!img) return html`<section class="layers"><h3>Layers</h3><p class="note">A plain binary: no image layers.</p></section>`;
  const rows = img.layers.map((l, i) => html`<tr><td class="num">${i + 1}</td><td><code title="${l.digest}">${l.digest.slice(0, 19)}…</code></td><td class="num">${humanSize(l.size)}</td><td class="num">${humanSize(l.uncompressedSize)}</td><td><code>${l.createdBy ?? ''}</code></td></tr>`);
  return html`<section class="layers"><h3>Layers</h3>
<table><thead><tr><th>#</th><th>Digest</th><th>Compressed</th><th>Uncompressed</th><th>Created by</th></tr></thead><tbody>${rows}</tbody></table>
${p.warnings.length ? html`<ul class="warnings">${p.warnings.map((w) => html`<li>${w}</li>`)}</ul>` : ''}
<h4>Files</h4>${p.files ? fileTree(p) : html`<p class="note">File list not collected.</p>`}</section>`;
}
