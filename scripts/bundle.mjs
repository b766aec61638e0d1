// Bundles the CLI (run by `npm run build`, after tsc has emitted the library).
//
// Why: a Node CLI spends its start resolving and reading modules. As tsc emits it,
// the CLI is a few hundred small files plus every dependency's own files; bundled,
// dist/cli.js is one small entry that answers --version by itself, and each command
// is a chunk (dist/chunks/) loaded only when that command runs, with the libraries
// only it needs (zod, undici, yaml, dockerfile-ast, tar-stream, ...) inside it.
// tsc's dist/index.js and .d.ts stay the library (the package's exports map).
import { chmodSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// tsc's per-module CLI (dist/cli/, dist/cli.d.ts) is replaced by the bundle; old chunks go too.
for (const p of ['cli', 'cli.d.ts', 'chunks']) rmSync(join(dist, p), { recursive: true, force: true });

// commander requires node:child_process at load (Node then loads net, dgram and
// more) only to spawn executable subcommands, which goscratch has none of: in the
// bundle it gets child_process on first use instead, keeping it off every start.
const lazyChildProcess = {
  name: 'lazy-child-process',
  setup(b) {
    b.onResolve({ filter: /^node:child_process$/ }, (args) =>
      args.importer.includes('/node_modules/commander/') ? { path: 'child_process', namespace: 'lazy' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'lazy' }, () => ({
      contents: "module.exports = { get spawn() { return require('node:child_process').spawn; } };",
      loader: 'js',
    }));
  },
};

// goscratch's imports of the built-in modules whose ES facade is costly become require()
// calls: an ES import of a built-in makes a facade of all its exports, which runs every
// lazy getter (node:fs loads the file streams, node:crypto WebCrypto: 2-4 ms each at
// every start). The others (node:path, node:os, ...) stay imports: their facades cost
// less than the small module a require() needs.
const COSTLY_FACADES = /^node:(fs|fs\/promises|crypto|child_process|zlib|stream|stream\/promises|util|readline)$/;
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: COSTLY_FACADES }, (args) =>
      args.kind === 'import-statement' && !args.importer.includes('/node_modules/') ? { path: args.path, namespace: 'builtin' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => ({ contents: `module.exports = require(${JSON.stringify(args.path)});`, loader: 'js' }));
  },
};

const result = await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: dist,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: `node${pkg.engines.node.replace(/^>=/, '')}`,
  // package.json is not next to the bundle's files: the version is written in.
  define: { GOSCRATCH_BUNDLED_VERSION: JSON.stringify(pkg.version) },
  // CommonJS dependencies (commander, undici, ...) and the built-ins above call
  // require(); an ES module has none, so each output file makes one, on its first call.
  banner: { js: "import { createRequire as __goscratchCreateRequire } from 'node:module';\nlet __goscratchRequire;\nconst require = (id) => (__goscratchRequire ??= __goscratchCreateRequire(import.meta.url))(id);" },
  // No keepNames: it wraps every function made at run time in a call that names it,
  // which costs lint a third more CPU time. Error classes name themselves after their
  // class (util/errors.ts), so a renamed class is refused below instead.
  // Less to read and scan at every start; names stay (stack traces under --debug keep
  // their function names, not their line numbers).
  minifySyntax: true,
  minifyWhitespace: true,
  plugins: [lazyChildProcess, builtinsByRequire],
  metafile: true,
  logLevel: 'warning',
});
chmodSync(join(dist, 'cli.js'), 0o755);

// esbuild renames a class whose name another module of the same chunk also uses
// (Foo -> Foo2); `new.target.name` would then say Foo2. Refuse that for our classes.
const ours = new Set();
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).forEach((e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) walk(p);
  else if (e.name.endsWith('.ts')) for (const m of readFileSync(p, 'utf8').matchAll(/\bclass (\w+)/g)) ours.add(m[1]);
});
walk(join(root, 'src'));
for (const file of Object.keys(result.metafile.outputs).filter((f) => f.endsWith('.js'))) {
  for (const m of readFileSync(join(root, file), 'utf8').matchAll(/\b([A-Za-z_$][\w$]*?)\d+=class\b/g)) {
    if (ours.has(m[1])) throw new Error(`${file}: class ${m[1]} was renamed in the bundle; rename one of the classes called ${m[1]}`);
  }
}

if (process.argv.includes('--sizes')) {
  for (const [file, out] of Object.entries(result.metafile.outputs)) console.log(`${String(out.bytes).padStart(9)}  ${file}`);
}
