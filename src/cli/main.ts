/**
 * The goscratch command line, loaded by cli.ts for everything but `--version`. Each
 * command lives in cli/<name>.ts and stays thin: it parses flags, calls the library
 * and prints. Errors the user can fix print as one message, without a stack trace;
 * exit codes are in cli/errors.ts.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import { commandsFor } from './commands.js';
import { ExitCode, describeFailure, exitCodeOf } from './errors.js';
import { red } from './ui/color.js';
import { configureLog, isInteractive } from './ui/log.js';
import { commandOutput } from './ui/output.js';
import { VERSION } from '../version.js';

/**
 * Runs the command line. A function, not module-level code: each command's module
 * imports pieces of the chunk this one is bundled in, and a module that awaited its
 * commands at its top level would wait for itself.
 */
export async function run(argv: readonly string[]): Promise<void> {
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

  // Usage errors in a command (unknown flag, bad choice, missing argument) exit 2, as documented.
  for (const c of await Promise.all(commandsFor(argv))) program.addCommand(c.exitOverride().configureOutput(commandOutput).configureHelp({ showGlobalOptions: true }));

  process.on('SIGINT', () => process.exit(ExitCode.interrupted));
  process.on('SIGTERM', () => process.exit(ExitCode.interrupted));

  try {
    await program.parseAsync(argv);
  } catch (e) {
    if (e instanceof CommanderError) {
      process.exit(e.exitCode === 0 ? 0 : ExitCode.usage);
    }
    const prefix = isInteractive() ? red('error: ') : 'error: ';
    process.stderr.write(prefix + describeFailure(e, debugging()) + '\n');
    process.exit(exitCodeOf(e));
  }
}
