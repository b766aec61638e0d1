/**
 * Each command's module, loaded only when that command runs (so `goscratch lint` does
 * not pay for the registry client or the build pipeline), and once.
 */
import type { CommandUnknownOpts } from '@commander-js/extra-typings';

const loaders: Record<string, () => Promise<CommandUnknownOpts>> = {
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

const loaded = new Map<string, Promise<CommandUnknownOpts>>();

function load(name: string): Promise<CommandUnknownOpts> {
  let p = loaded.get(name);
  if (!p) loaded.set(name, (p = loaders[name]!()));
  return p;
}

/** The commands this command line needs: the one it names, or all of them (for help and errors). */
export function commandsFor(argv: readonly string[]): Array<Promise<CommandUnknownOpts>> {
  const requested = argv.slice(2).find((a) => !a.startsWith('-'));
  return requested && Object.hasOwn(loaders, requested) ? [load(requested)] : Object.keys(loaders).map(load);
}
