/**
 * `goscratch lint [PATH...]`: lint Dockerfiles for the mistakes that break Go images
 * in containers. The engine and reporters load only when the command runs, so the
 * CLI starts fast enough to lint on every commit.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, relative, sep } from 'node:path';
import { Command } from '@commander-js/extra-typings';
import type { LintConfig } from '../config/lint.js';
import { UsageError } from '../util/errors.js';
import { checkRuleIds, exitForFindings, formatOption, ruleList, thresholdOption, useColor } from './findings.js';
import { collectList } from './options.js';

export function lintCommand(): Command<[string[]]> {
  return new Command('lint')
    .description('Lint Dockerfiles for what breaks Go images in containers (cgo in scratch, hard-coded GOARCH, swallowed lines, root user, ...)')
    .argument('[paths...]', 'Dockerfiles, directories to search (Dockerfile, *.Dockerfile, Dockerfile.*, Containerfile), or - for stdin', ['.'])
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .addOption(thresholdOption('exit 1 when a finding is at or above this severity (default: warning, or lint.failureThreshold)'))
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
      const [{ lintText }, { splitLines }, { RULES, ruleById }, { formatReport }, { findDockerfiles }, { readBounded }, { readBoundedStream }] = await Promise.all([
        import('../lint/engine.js'),
        import('../lint/model.js'),
        import('../lint/rules/index.js'),
        import('../findings/report/index.js'),
        import('../lint/files.js'),
        import('../util/fs.js'),
        import('../config/read.js'),
      ]);
      const format = opts.json ? 'json' : opts.format;
      const infos = RULES.map((r) => r.info);
      if (opts.listRules) {
        process.stdout.write(ruleList(infos, format === 'json'));
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
      checkRuleIds([...opts.ignore, ...config.ignore, ...Object.keys(config.severity)], infos, 'lint');
      const threshold = opts.failureThreshold ?? config.failureThreshold ?? 'warning';
      const files = findDockerfiles(paths.length > 0 ? paths : ['.']);
      const sources = new Map<string, string[]>();
      const findings = [];
      for (const file of files) {
        const name = file === '-' ? opts.stdinFilename : displayPath(file);
        const text = (file === '-' ? await readBoundedStream(process.stdin, MAX_DOCKERFILE, 'standard input') : await readBounded(file, MAX_DOCKERFILE, file, { as: UsageError })).toString('utf8');
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
        color: useColor(opts),
        toolVersion: VERSION,
      }));
      await exitForFindings(findings, threshold);
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

/** A Dockerfile is text of a few kilobytes; anything past this bound is not one. */
const MAX_DOCKERFILE = 16 * 1024 * 1024;

/** Paths inside the working directory are shown relative to it (as code scanning wants). */
function displayPath(file: string): string {
  if (!isAbsolute(file)) return file;
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}
