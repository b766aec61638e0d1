/**
 * The goscratch command line, loaded by cli.ts for everything but `--version`. Each
 * command lives in cli/<name>.ts and stays thin: it parses flags, calls the library
 * and prints. Errors the user can fix print as one message, without a stack trace;
 * exit codes are in cli/errors.ts.
 */
import { Command, CommanderError, type CommandUnknownOpts } from '@commander-js/extra-typings';
import { ExitCode, describeFailure, exitCodeOf } from './errors.js';
import { red } from './ui/color.js';
import { configureLog, isInteractive } from './ui/log.js';
import { commandOutput } from './ui/output.js';
import { VERSION } from '../version.js';

const program = new Command('goscratch')
  .description('Ship Go services in minimal, non-root FROM-scratch OCI images, and keep Dockerfiles honest.')
  .version(VERSION)
  .option('--debug', 'log every registry request (never credentials) and show stack traces (also GOSCRATCH_DEBUG=1)')
  .showHelpAfterError()
  .configureOutput(commandOutput)
  .exitOverride()
  .hook('preAction', () => configureLog({ debug: debugging() }));

function debugging(): boolean {
  return Boolean(program.opts().debug || process.env.GOSCRATCH_DEBUG);
}

// Each command's module (and what it imports) loads only when that command runs, so
// `goscratch lint` does not pay for the registry client or the build pipeline.
const commands: Record<string, () => Promise<CommandUnknownOpts>> = {
  build: async () => (await import('./build.js')).buildCommand(),
  push: async () => (await import('./push.js')).pushCommand(),
  pull: async () => (await import('./pull.js')).pullCommand(),
  login: async () => (await import('./login.js')).loginCommand(),
  logout: async () => (await import('./logout.js')).logoutCommand(),
  init: async () => (await import('./init.js')).initCommand(),
  lint: async () => (await import('./lint.js')).lintCommand(),
  inspect: async () => (await import('./inspect.js')).inspectCommand(),
  sbom: async () => (await import('./sbom.js')).sbomCommand(),
  resolve: async () => (await import('./resolve.js')).resolveCommand(),
  apply: async () => (await import('./apply.js')).applyCommand(),
  cache: async () => (await import('./cache.js')).cacheCommand(),
};
const requested = process.argv.slice(2).find((a) => !a.startsWith('-'));
const load = requested && Object.hasOwn(commands, requested) ? [commands[requested]!] : Object.values(commands);
// Usage errors in a command (unknown flag, bad choice, missing argument) exit 2, as documented.
for (const c of await Promise.all(load.map((l) => l()))) program.addCommand(c.exitOverride().configureOutput(commandOutput).configureHelp({ showGlobalOptions: true }));

process.on('SIGINT', () => process.exit(ExitCode.interrupted));
process.on('SIGTERM', () => process.exit(ExitCode.interrupted));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : ExitCode.usage);
  }
  const prefix = isInteractive() ? red('error: ') : 'error: ';
  process.stderr.write(prefix + describeFailure(e, debugging()) + '\n');
  process.exit(exitCodeOf(e));
}
