import { VERSION } from '../../version.js';
import { isAbsolute, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Finding, RuleInfo, Severity } from '../model.js';

const LEVEL: Record<Severity, 'error' | 'warning' | 'note'> = { error: 'error', warning: 'warning', info: 'note', style: 'note' };
// GitHub code scanning's own scale for a rule's severity.
const PROBLEM: Record<Severity, 'error' | 'warning' | 'recommendation'> = { error: 'error', warning: 'warning', info: 'recommendation', style: 'recommendation' };
const SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';
const INFO_URI = 'https://github.com/goscratch/goscratch';

/**
 * A SARIF 2.1.0 log with one run, as GitHub code scanning accepts it: every rule with
 * help text and help URI, results with relative artifact URIs and 1-based regions.
 */
export function sarifReport(findings: readonly Finding[], rules: readonly RuleInfo[], version = VERSION): string {
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const log = {
    $schema: SCHEMA,
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'goscratch',
          version,
          informationUri: INFO_URI,
          rules: rules.map((r) => ({
            id: r.id,
            name: pascal(r.title),
            shortDescription: { text: r.title },
            fullDescription: { text: r.help ?? r.title },
            help: { text: r.help ?? r.title, ...(r.helpUri ? { markdown: `${r.help ?? r.title}\n\n[Documentation](${r.helpUri})` } : {}) },
            ...(r.helpUri ? { helpUri: r.helpUri } : {}),
            defaultConfiguration: { level: LEVEL[r.severity] },
            properties: { tags: ['goscratch'], precision: 'high', problem: { severity: PROBLEM[r.severity] } },
          })),
        },
      },
      columnKind: 'utf16CodeUnits',
      results: findings.map((f) => ({
        ruleId: f.rule,
        ...(index.has(f.rule) ? { ruleIndex: index.get(f.rule) } : {}),
        level: LEVEL[f.severity],
        message: { text: f.fix ? `${f.message}. Fix: ${f.fix}` : f.message },
        locations: [{
          physicalLocation: {
            artifactLocation: { uri: toUri(f.file) },
            ...(f.line !== undefined ? { region: region(f) } : {}),
          },
        }],
      })),
    }],
  };
  return JSON.stringify(log, null, 2) + '\n';
}

function region(f: Finding): Record<string, number> {
  const r: Record<string, number> = { startLine: f.line! };
  if (f.column !== undefined) r.startColumn = f.column;
  if (f.endLine !== undefined && f.endLine >= f.line!) r.endLine = f.endLine;
  if (f.endColumn !== undefined && f.endColumn >= 1) r.endColumn = f.endColumn;
  return r;
}

/**
 * A URI GitHub code scanning can place: a path inside the working directory becomes
 * relative (to the checkout), any other absolute path a file: URI; a name that is no
 * path (an image reference) stays a relative reference.
 */
function toUri(file: string): string {
  if (isAbsolute(file)) {
    const rel = relative(process.cwd(), file);
    if (rel.startsWith('..') || isAbsolute(rel)) return pathToFileURL(file).href;
    file = rel;
  }
  return file.split(/[\\/]/).map((p) => encodeURIComponent(p)).join('/');
}

function pascal(title: string): string {
  return title.replace(/[^A-Za-z0-9]+/g, ' ').trim().split(' ').map((w) => w[0]!.toUpperCase() + w.slice(1)).join('');
}
