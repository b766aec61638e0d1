/**
 * `goscratch inspect SRC`: what an image or Go binary will do at run time (who it
 * runs as, whether its entrypoint can start, whether Go is tuned for the container)
 * as a report and GS5xx findings.
 */
import { Command } from '@commander-js/extra-typings';
import { UsageError } from '../util/errors.js';
import { checkRuleIds, exitForFindings, formatOption, ruleList, thresholdOption, useColor } from './findings.js';
import { collectList, insecureRegistryOption, registryOptions } from './options.js';

export function inspectCommand(): Command<[string | undefined]> {
  return new Command('inspect')
    .description('Audit an image or Go binary for what fails at run time: loader, CPU, user, CA certificates, zoneinfo, GOMAXPROCS/GOMEMLIMIT; prints ELF facts and Go build info')
    .argument('[src]', 'OCI layout dir[:tag], archive tarball, registry reference, or ELF file (force with oci:, archive:, docker://, file:)')
    .option('--platform <os/arch[/variant]>', 'inspect only this platform of a multi-platform image')
    .addOption(formatOption())
    .option('--json', 'same as --format json')
    .addOption(thresholdOption('exit 1 when a finding is at or above this severity').default('error' as const))
    .option('--ignore <ids>', 'rule ids to skip, comma-separated (repeatable)', collectList, [] as string[])
    .addOption(insecureRegistryOption())
    .option('--no-color', 'no colours in text output')
    .option('--html <file>', 'also write a self-contained HTML page: summary, layers and files, the binary by size, findings, dependencies')
    .option('--list-rules', 'print every inspect rule and exit')
    .addHelpText('after', '\nExit codes: 0 no finding at or above --failure-threshold, 1 findings at or above it, 2 usage or unreadable input.')
    .action(async (src, opts) => {
      const [{ AUDIT_RULES }, { formatReport }] = await Promise.all([import('../inspect/rules.js'), import('../findings/report/index.js')]);
      const format = opts.json ? 'json' : opts.format;
      if (opts.listRules) {
        process.stdout.write(ruleList(AUDIT_RULES, format === 'json'));
        return;
      }
      if (!src) throw new UsageError('missing SRC: give an OCI layout directory, an archive, a registry reference or an ELF file');
      checkRuleIds(opts.ignore, AUDIT_RULES, 'inspect');
      if (opts.html) await checkPagePath(opts.html);
      const { parsePlatform } = await import('../oci/platform.js');
      const platform = opts.platform ? parsePlatform(opts.platform) : undefined;
      const { inspectSource } = await import('../inspect/inspect.js');
      const report = await inspectSource(src, { ...(platform ? { platform } : {}), registry: registryOptions(opts), files: Boolean(opts.html) });
      const ignored = new Set(opts.ignore);
      for (const p of report.platforms) p.findings = p.findings.filter((f) => !ignored.has(f.rule));
      report.findings = report.findings.filter((f) => !ignored.has(f.rule));
      if (opts.html) {
        const [{ htmlReport }, { writeFileAtomic }, { VERSION }] = await Promise.all([import('../inspect/html/page.js'), import('../util/fs.js'), import('../version.js')]);
        await writeFileAtomic(opts.html, htmlReport(report, AUDIT_RULES, VERSION));
        // The file list is for the page only.
        for (const p of report.platforms) delete p.files;
      }
      if (format === 'json') {
        process.stdout.write(JSON.stringify(report, null, 2) + '\n');
      } else if (format === 'text') {
        const { renderReport } = await import('../inspect/render.js');
        process.stdout.write(renderReport(report) + '\n' + (formatReport('text', report.findings, AUDIT_RULES, { color: useColor(opts) }) || 'no findings\n'));
      } else {
        const { VERSION } = await import('../version.js');
        process.stdout.write(formatReport(format, report.findings, AUDIT_RULES, { toolVersion: VERSION }));
      }
      await exitForFindings(report.findings, opts.failureThreshold);
    });
}

/** Fails before any work when the page cannot be written, and never replaces a non-regular file. */
async function checkPagePath(path: string): Promise<void> {
  const { lstat, stat } = await import('node:fs/promises');
  const { dirname } = await import('node:path');
  if (!(await stat(dirname(path)).catch(() => undefined))?.isDirectory()) throw new UsageError(`cannot write ${path}: the directory ${dirname(path)} does not exist`);
  const st = await lstat(path).catch(() => undefined);
  if (st && !st.isFile()) throw new UsageError(`cannot write the page to ${path}: it exists and is not a regular file; choose another path`);
}
