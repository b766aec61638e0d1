/** A rule's documentation page (docs/rules/GSnnn.md and `goscratch lint --explain`). */
import type { Rule } from './rule.js';

export function renderRuleDoc(rule: Rule): string {
  const { info, doc } = rule;
  const eq = Object.entries(info.equivalents ?? {}).map(([tool, id]) => `${tool} ${id}`).join(', ');
  return [
    `# ${info.id}: ${info.title}`,
    '',
    `Severity: **${info.severity}**${eq ? ` · Equivalent: ${eq}` : ''}`,
    '',
    '## What',
    '',
    doc.what,
    '',
    '## Why',
    '',
    doc.why,
    '',
    '## How to fix',
    '',
    doc.fix,
    '',
    '## Example',
    '',
    'Reported:',
    '',
    '```dockerfile',
    doc.bad,
    '```',
    '',
    'Fixed:',
    '',
    '```dockerfile',
    doc.good,
    '```',
    '',
    `To accept a finding, put \`# goscratch ignore=${info.id}\` on the line before the instruction, or add ${info.id} to \`lint.ignore\` in goscratch.yaml.`,
    '',
  ].join('\n');
}
