import type { Finding, Severity } from '../model.js';

const COMMAND: Record<Severity, string> = { error: 'error', warning: 'warning', info: 'notice', style: 'notice' };

/** GitHub Actions workflow commands: one `::warning file=...,line=...::message` per finding. */
export function githubReport(findings: readonly Finding[]): string {
  return findings.map((f) => {
    const props = [`file=${prop(f.file)}`];
    if (f.line !== undefined) props.push(`line=${f.line}`);
    if (f.column !== undefined) props.push(`col=${f.column}`);
    if (f.endLine !== undefined) props.push(`endLine=${f.endLine}`);
    if (f.endColumn !== undefined && f.endLine === f.line) props.push(`endColumn=${f.endColumn}`);
    props.push(`title=${prop(f.rule)}`);
    const text = f.fix ? `${f.rule}: ${f.message} (fix: ${f.fix})` : `${f.rule}: ${f.message}`;
    return `::${COMMAND[f.severity]} ${props.join(',')}::${data(text)}\n`;
  }).join('');
}

function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function prop(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
