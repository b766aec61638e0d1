/**
 * Runs every rule over one Dockerfile and turns reports into findings: applies
 * `# goscratch ignore=` pragmas (next instruction) and `# goscratch global ignore=`
 * (whole file), the configured ignore list and severity overrides. Any input, even
 * binary or truncated, yields findings; it never throws.
 */
import type { Finding, Severity } from '../findings/model.js';
import { parseDockerfile, type DockerfileModel, type Span } from './model.js';
import type { Rule } from './rule.js';
import { RULES, ruleById } from './rules/index.js';

export interface LintOptions {
  /** Rule ids to skip. */
  ignore?: readonly string[];
  /** Severity per rule id, replacing the rule's own. */
  severity?: Readonly<Record<string, Severity>>;
  /** Registries base images may come from (GS306); empty means any. */
  trustedRegistries?: readonly string[];
}

const PRAGMA = /^\s*#\s*goscratch\s+(global\s+)?ignore\s*=\s*(.*?)\s*$/i;

interface Suppression {
  ids: Set<string>;
  /** 0-based line range; undefined for a global pragma. */
  lines?: [number, number];
}

export function lintText(text: string, file: string, opts: LintOptions = {}): Finding[] {
  const ignored = new Set((opts.ignore ?? []).map((i) => i.toUpperCase()));
  const make = (rule: Rule, span: Span, message: string, fix?: string): Finding => ({
    file,
    line: span.start.line + 1,
    column: span.start.character + 1,
    endLine: span.end.line + 1,
    endColumn: span.end.character + 1,
    rule: rule.info.id,
    severity: opts.severity?.[rule.info.id] ?? rule.info.severity,
    message,
    ...(fix === undefined ? {} : { fix }),
  });
  const notDockerfile = ruleById('GS400')!;
  const origin: Span = { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } };
  if (text.includes('\0')) {
    return ignored.has('GS400') ? [] : [make(notDockerfile, origin, 'binary content (NUL bytes): this is not a Dockerfile')];
  }
  let model: DockerfileModel;
  try {
    model = parseDockerfile(text);
  } catch (e) {
    return ignored.has('GS400') ? [] : [make(notDockerfile, origin, `cannot parse: ${e instanceof Error ? e.message : String(e)}`)];
  }

  const findings: Finding[] = [];
  const suppressions = readPragmas(model, (span, message) => findings.push(make(ruleById('GS406')!, span, message, 'goscratch lint --list-rules shows the rule ids')));
  for (const rule of RULES) {
    if (ignored.has(rule.info.id)) continue;
    rule.check({
      model,
      trustedRegistries: opts.trustedRegistries ?? [],
      report: (span, message, fix) => findings.push(make(rule, span, message, fix)),
    });
  }
  const kept = findings.filter((f) => !ignored.has(f.rule) && !suppressions.some((s) => s.ids.has(f.rule) && (!s.lines || (f.line! - 1 >= s.lines[0] && f.line! - 1 <= s.lines[1]))));
  return dedupe(kept).sort((a, b) => a.line! - b.line! || a.column! - b.column! || a.rule.localeCompare(b.rule));
}

function readPragmas(model: DockerfileModel, unknown: (span: Span, message: string) => void): Suppression[] {
  const out: Suppression[] = [];
  // Raw lines, not the parser's comments: it takes a first-line `# x=y` for a directive.
  const heredoc = new Set(model.instrs.flatMap((i) => [...i.heredocLines]));
  for (const [line, text] of model.lines.entries()) {
    const m = PRAGMA.exec(text);
    if (!m || heredoc.has(line)) continue;
    const c = { line };
    const ids = new Set<string>();
    for (const raw of m[2]!.split(/[\s,]+/).filter(Boolean)) {
      const id = raw.toUpperCase();
      if (ruleById(id)) ids.add(id);
      else unknown({ start: { line: c.line, character: 0 }, end: { line: c.line, character: (model.lines[c.line] ?? '').length } }, `unknown rule id ${raw.slice(0, 40)} in goscratch pragma: it silences nothing`);
    }
    if (m[1]) {
      out.push({ ids });
      continue;
    }
    const next = model.instrs.find((i) => i.span.start.line > c.line);
    if (next) out.push({ ids, lines: [next.span.start.line, next.span.end.line] });
  }
  return out;
}

function dedupe(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.rule}\0${f.line}\0${f.column}\0${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
