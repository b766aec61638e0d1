/** The modules the SBOM lists (with versions, hashes, replacements) and the Go build settings. */
import { buildSetting } from '../../binary/buildinfo.js';
import { sbomModel } from '../sbom/subject.js';
import type { PlatformReport } from '../report.js';
import { html, type Html } from './markup.js';

/** The settings people ask about first, shown even when unset. */
const KEY_SETTINGS = ['-trimpath', '-ldflags', 'CGO_ENABLED', 'GOOS', 'GOARCH', '-tags'];

export function depsSection(p: PlatformReport, source: string): Html {
  const head = html`<h3>Dependencies</h3>`;
  const go = p.binary.go;
  if (!go || !p.binary.path) return html`<section class="deps">${head}<p class="note">No Go build info, so no module list.</p></section>`;
  const m = sbomModel({ name: source, binary: { path: p.binary.path, go } });
  const comps = [...(m.main ? [m.main] : []), ...m.deps];
  const rows = comps.map((c) => html`<tr><td>${c.name}</td><td>${c.version ?? ''}</td><td>${c.kind === 'application' ? 'main module' : c.key === 'stdlib' ? 'standard library' : 'dependency'}</td><td><code>${c.purl ?? ''}</code></td><td>${c.comment ?? ''}</td></tr>`);
  const key = KEY_SETTINGS.map((k) => html`<tr class="key"><td><code>${k}</code></td><td><code>${buildSetting(go, k) ?? '(not set)'}</code></td></tr>`);
  const others = go.settings.filter((s) => !KEY_SETTINGS.includes(s.key)).map((s) => html`<tr><td><code>${s.key}</code></td><td><code>${s.value}</code></td></tr>`);
  return html`<section class="deps">${head}
<table class="modules-sbom"><thead><tr><th>Module</th><th>Version</th><th>Role</th><th>Package URL</th><th>Note</th></tr></thead><tbody>${rows}</tbody></table>
<h4>Build settings</h4><table class="settings"><tbody>${key}${others}</tbody></table></section>`;
}
