/**
 * `goscratch inspect --html`: one self-contained page per report. It loads nothing
 * (no scripts, fonts or images; the CSP says so and allows only its own stylesheet
 * by hash), so it opens from disk or a CI artifact and cannot leak or run what an
 * image smuggles into a file name or label. One section per platform.
 */
import { createHash } from 'node:crypto';
import type { RuleInfo } from '../../findings/model.js';
import type { InspectReport, PlatformReport } from '../report.js';
import { binarySection } from './binary.js';
import { depsSection } from './deps.js';
import { findingsSection } from './findings.js';
import { layersSection } from './layers.js';
import { Html, html } from './markup.js';
import { CSS } from './style.js';
import { summarySection } from './summary.js';

export function htmlReport(r: InspectReport, rules: readonly RuleInfo[], toolVersion: string): string {
  const styleHash = createHash('sha256').update(CSS).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;
  const many = r.platforms.length > 1;
  const nav = many ? html`<nav>${r.platforms.map((p, i) => html`<a href="#p${i + 1}">${p.platform ?? `platform ${i + 1}`}</a>`)}</nav>` : '';
  const page = html`<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>goscratch inspect: ${r.source}</title>
<style>${new Html(CSS)}</style></head>
<body><header><h1>goscratch inspect</h1><p class="src">${r.source}${r.digest ? ` · ${r.digest}` : ''}</p>${nav}</header>
<main>${r.platforms.map((p, i) => platformSection(r, p, i, rules))}</main>
<footer>Written by goscratch ${toolVersion}. This page loads nothing from the network.</footer>
</body></html>
`;
  return page.text;
}

function platformSection(r: InspectReport, p: PlatformReport, i: number, rules: readonly RuleInfo[]): Html {
  return html`<section class="platform" id="p${i + 1}" data-platform="${p.platform ?? ''}"><h2>${p.platform ?? 'unknown platform'}</h2>
${summarySection(r, p)}
${layersSection(p)}
${binarySection(p.binary)}
${findingsSection(p, rules)}
${depsSection(p, r.source)}</section>`;
}
