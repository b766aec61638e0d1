#!/usr/bin/env node
/**
 * The goscratch command line. Each command lives in cli/<name>.ts and stays thin:
 * it parses flags, calls the library and prints. Errors the user can fix print as
 * one message, without a stack trace; exit codes are in ui/errors.ts.
 */
import { Command, CommanderError } from '@commander-js/extra-typings';
import pc from 'picocolors';
import { ExitCode, UserError, errorMessage } from './ui/errors.js';
import { isInteractive } from './ui/log.js';
import { buildCommand } from './cli/build.js';
import { pushCommand } from './cli/push.js';
import { pullCommand } from './cli/pull.js';
import { loginCommand } from './cli/login.js';
import { logoutCommand } from './cli/logout.js';
import { initCommand } from './cli/init.js';
import { resolveCommand } from './cli/resolve.js';
import { applyCommand } from './cli/apply.js';
import { lintCommand } from './cli/lint.js';
import { inspectCommand } from './cli/inspect.js';
import { sbomCommand } from './cli/sbom.js';
import { VERSION } from './version.js';

const program = new Command('goscratch')
  .description('Ship Go services in minimal, non-root FROM-scratch OCI images, and keep Dockerfiles honest.')
  .version(VERSION)
  .showHelpAfterError()
  .exitOverride();

for (const c of [buildCommand(), pushCommand(), pullCommand(), loginCommand(), logoutCommand(), initCommand(), resolveCommand(), applyCommand(), lintCommand(), inspectCommand(), sbomCommand()]) program.addCommand(c);

process.on('SIGINT', () => process.exit(ExitCode.interrupted));
process.on('SIGTERM', () => process.exit(ExitCode.interrupted));

try {
  await program.parseAsync(process.argv);
} catch (e) {
  if (e instanceof CommanderError) {
    process.exit(e.exitCode === 0 ? 0 : ExitCode.usage);
  }
  const prefix = isInteractive() ? pc.red('error: ') : 'error: ';
  process.stderr.write(prefix + errorMessage(e) + '\n');
  if (!(e instanceof UserError) && process.env.GOSCRATCH_DEBUG) process.stderr.write(String((e as Error).stack) + '\n');
  process.exit(e instanceof UserError ? e.exitCode : ExitCode.failure);
}
