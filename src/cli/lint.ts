/**
 * `goscratch lint [PATH...]`: lint Dockerfiles for the mistakes that break Go images
 * in containers. The engine and reporters load only when the command runs, so the
 * CLI starts fast enough to lint on every commit.
 */
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { Command, Option } from '@commander-js/extra-typings';
import type { LintConfig } from '../config/lint.js';
import { UsageError } from '../util/errors.js';
import { ExitCode } from './errors.js';
import { collectList } from './options.js';

const THRESHOLDS = ['error', 'warning', 'info', 'style', 'none'] as const;


export function lintCommand(): Command<[string[]]> {
  return new Command('lint')
    .description('Lint Dockerfiles for what breaks Go images in containers (cgo in scratch, hard-coded GOARCH, swallowed lines, root user, ...)')
    .argument('[paths...]', 'Dockerfiles, directories to search (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile), or - for stdin', ['.'])
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'sarif', 'github'] as const).default('text' as const))
    .option('--json', 'same as --format json')
    .addOption(new Option('-t, --failure-threshold <severity>', 'exit 1 when a finding is at or above this severity (default: warning, or lint.failureThreshold)').choices(THRESHOLDS))
    .option('--ignore <ids>', 'rule ids to skip, comma-separated (repeatable)', collectList, [] as string[])
    .option('--trusted-registry <host>', 'registry base images may come from (repeatable; enables GS306)', collectList, [] as string[])
    .option('-c, --config <file>', 'goscratch.yaml to read the lint: section from', 'goscratch.yaml')
    .option('--no-config', 'ignore goscratch.yaml')
    .option('--stdin-filename <name>', 'file name to report for - (stdin)', '-')
    .option('--no-color', 'no colours in text output')
    .option('--list-rules', 'print every rule (id, severity, title, equivalents) and exit')
    .option('--explain <rule>', 'print the documentation of a rule and exit')
    // Usage errors surface as CommanderError, which the CLI turns into exit code 2.
    .exitOverride()
    .addHelpText('after', '\nExit codes: 0 clean, 1 findings at or above --failure-threshold, 2 usage or I/O error.\nPragmas: "# goscratch ignore=GS301,GS104" before an instruction; "# goscratch global ignore=GS204" anywhere.')
    .action(async (paths, opts, cmd) => {
      const [{ lintText }, { splitLines }, { RULES, ruleById }, { formatReport }, { findDockerfiles }] = await Promise.all([
        import('../lint/engine.js'),
        import('../lint/model.js'),
        import('../lint/rules/index.js'),
        import('../findings/report/index.js'),
        import('../lint/files.js'),
      ]);
      const format = opts.json ? 'json' : opts.format;
      const infos = RULES.map((r) => r.info);
      if (opts.listRules) {
        process.stdout.write(format === 'json' ? JSON.stringify(infos, null, 2) + '\n' : ruleTable(infos));
        return;
      }
      if (opts.explain !== undefined) {
        const rule = ruleById(opts.explain);
        if (!rule) throw new UsageError(`unknown rule ${opts.explain}: goscratch lint --list-rules shows the rule ids`);
        const { renderRuleDoc } = await import('../lint/docs.js');
        process.stdout.write(renderRuleDoc(rule));
        return;
      }
      const config = await readConfig(opts.config, cmd.getOptionValueSource('config') === 'cli');
      for (const id of [...opts.ignore, ...config.ignore, ...Object.keys(config.severity)]) {
        if (!ruleById(id)) throw new UsageError(`unknown rule ${id}: goscratch lint --list-rules shows the rule ids`);
      }
      const threshold = opts.failureThreshold ?? config.failureThreshold ?? 'warning';
      const files = findDockerfiles(paths.length > 0 ? paths : ['.']);
      const sources = new Map<string, string[]>();
      const findings = [];
      for (const file of files) {
        const name = file === '-' ? opts.stdinFilename : displayPath(file);
        const text = file === '-' ? await readStdin() : readText(file);
        if (format === 'text') sources.set(name, splitLines(text));
        findings.push(...lintText(text, name, {
          ignore: [...opts.ignore, ...config.ignore],
          severity: config.severity,
          trustedRegistries: [...opts.trustedRegistry, ...config.trustedRegistries],
        }));
      }
      const { VERSION } = await import('../version.js');
      process.stdout.write(formatReport(format, findings, infos, {
        sourceLines: (f) => sources.get(f),
        color: opts.color && Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        toolVersion: VERSION,
      }));
      const { severityRank } = await import('../findings/model.js');
      const failing = threshold !== 'none' && findings.some((f) => severityRank(f.severity) >= severityRank(threshold));
      process.exitCode = failing ? ExitCode.failure : ExitCode.ok;
    });
}

/**
 * The lint settings from goscratch.yaml; `false` (from --no-config) means defaults.
 * Without a file the schema (and zod, ~0.2 s to load) is not needed at all.
 */
async function readConfig(path: string | false, explicit: boolean): Promise<LintConfig> {
  if (path === false || (!explicit && !existsSync(path))) return { ignore: [], severity: {}, trustedRegistries: [] };
  const { loadLintConfig } = await import('../config/lint.js');
  return loadLintConfig(path, explicit);
}

function ruleTable(rules: readonly import('../findings/model.js').RuleInfo[]): string {
  return rules.map((r) => {
    const eq = Object.entries(r.equivalents ?? {}).map(([tool, id]) => `${tool}:${id}`).join(' ');
    return [r.id, r.severity.padEnd(7), r.title, eq ? `(${eq})` : ''].join('  ').trimEnd() + '\n';
  }).join('');
}

function readText(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${file}: ${(e as Error).message}`);
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Paths inside the working directory are shown relative to it (as code scanning wants). */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}
