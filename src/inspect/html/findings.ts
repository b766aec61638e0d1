/** Every finding with its severity, message and fix, linked to its rule's documentation. */
import { severityRank, type RuleInfo } from '../../findings/model.js';
import type { PlatformReport } from '../report.js';
import { html, type Html } from './markup.js';

export function findingsSection(p: PlatformReport, rules: readonly RuleInfo[]): Html {
  const head = html`<h3>Findings</h3>`;
  if (!p.findings.length) return html`<section class="findings">${head}<p class="note">No findings.</p></section>`;
  const byId = new Map(rules.map((r) => [r.id, r]));
  const rows = [...p.findings].sort((a, b) => severityRank(b.severity) - severityRank(a.severity)).map((f) => {
    const rule = byId.get(f.rule);
    const id = rule?.helpUri ? html`<a href="${rule.helpUri}" title="${rule.title}">${f.rule}</a>` : html`${f.rule}`;
    return html`<tr class="${f.severity}" data-rule="${f.rule}"><td><span class="sev ${f.severity}">${f.severity}</span></td><td>${id}${rule ? html`<div class="rtitle">${rule.title}</div>` : ''}</td><td>${f.message}</td><td>${f.fix ?? ''}</td></tr>`;
  });
  return html`<section class="findings">${head}<table><thead><tr><th>Severity</th><th>Rule</th><th>Message</th><th>Fix</th></tr></thead><tbody>${rows}</tbody></table></section>`;
}
