// Bundles the CLI (run by `npm run build`, after tsc has emitted the library).
//
// Why: a Node CLI spends its start resolving and reading modules. As tsc emits it,
// the CLI is a few hundred small files plus every dependency's own files; bundled,
// dist/cli.js is one small entry that answers --version by itself, and each command
// is a chunk (dist/chunks/) loaded only when that command runs, with the libraries
// only it needs (zod, undici, yaml, dockerfile-ast, tar-stream, ...) inside it.
// tsc's dist/index.js and .d.ts stay the library (the package's exports map).
import { chmodSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { basename, join, resolve } from 'node:path';
import { build } from 'esbuild';
import { rollup } from 'rollup';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist');
// esbuild's output, which rollup then joins into fewer files (below).
const stage = join(dist, '.stage');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

// tsc's per-module CLI (dist/cli/, dist/cli.d.ts) is replaced by the bundle; old chunks go too.
for (const p of ['cli', 'cli.d.ts', 'chunks', '.stage']) rmSync(join(dist, p), { recursive: true, force: true });

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

// goscratch's own TypeScript sources, read once for the checks below.
const sources = [];
const walk = (dir) => readdirSync(dir, { withFileTypes: true }).forEach((e) => {
  const p = join(dir, e.name);
  if (e.isDirectory()) walk(p);
  else if (e.name.endsWith('.ts')) sources.push(readFileSync(p, 'utf8'));
});
walk(join(root, 'src'));

// goscratch's imports of the built-in modules whose ES facade is costly get a module
// of their own that require()s the built-in: an ES import of a built-in makes a facade
// of all its exports, which runs every lazy getter (node:fs loads the file streams,
// node:crypto WebCrypto: 2-4 ms each at every start). That module exports just the
// names goscratch imports (an esbuild CommonJS wrapper would copy all of them for each
// importer, a millisecond per start). The others (node:path, node:os, ...) stay
// imports: their facades cost less than the small module a require() needs.
const COSTLY_FACADES = /^node:(fs|fs\/promises|crypto|child_process|zlib|stream|stream\/promises|util|readline)$/;
const importedNames = new Map();
for (const text of sources) {
  for (const m of text.matchAll(/^import\s*\{([^}]*)\}\s*from\s*'(node:[^']+)'/gm)) {
    if (!COSTLY_FACADES.test(m[2])) continue;
    const names = importedNames.get(m[2]) ?? new Set();
    for (const spec of m[1].split(',').map((x) => x.trim()).filter((x) => x && !x.startsWith('type '))) names.add(spec.split(/\s+as\s+/)[0]);
    importedNames.set(m[2], names);
  }
}
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: COSTLY_FACADES }, (args) =>
      args.kind === 'import-statement' && !args.importer.includes('/node_modules/') ? { path: args.path, namespace: 'builtin' } : undefined);
    b.onLoad({ filter: /.*/, namespace: 'builtin' }, (args) => {
      const names = [...(importedNames.get(args.path) ?? [])];
      return { contents: `const m = require(${JSON.stringify(args.path)});\n${names.map((n) => `export const ${n} = m.${n};`).join('\n')}`, loader: 'js' };
    });
  },
};

const result = await build({
  entryPoints: { cli: join(root, 'src/cli.ts') },
  outdir: stage,
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

// esbuild puts each module that a different set of entries (every import() is one)
// reaches into a chunk of its own: `goscratch lint --help` loaded 14 files, a pull 37,
// at about half a millisecond each. Rollup knows what an import() finds already loaded,
// so it joins them: the option parser and everything main.ts imports become one chunk.
// (Joining the other small chunks as well, rollup's experimentalMinChunkSize, made no
// difference that could be measured.) The entry stays esbuild's, so that `--version`
// reads nothing else; rollup starts from what it imports.
const outputs = result.metafile.outputs;
const out = (p) => resolve(root, p);
const staticClosure = (file, seen = new Set()) => {
  if (seen.has(file)) return seen;
  seen.add(file);
  for (const i of outputs[file].imports) if (i.kind === 'import-statement' && !i.external) staticClosure(i.path, seen);
  return seen;
};
const entryFile = join(stage, 'cli.js');
const started = Object.entries(outputs).find(([f]) => out(f) === entryFile)[1].imports.filter((i) => i.kind === 'dynamic-import').map((i) => i.path);
const mainFile = started.find((f) => outputs[f].entryPoint === 'src/cli/main.ts');
// The core: main.ts with all it imports, and the command line's own small shared pieces
// (cli/options.ts, cli/findings.ts, ...) that load nothing else (a built-in required at
// load, such as node:fs/promises, would cost every command).
const mainClosure = staticClosure(mainFile);
const cliOnly = (f) => !outputs[f].entryPoint && Object.keys(outputs[f].inputs).every((i) => i.startsWith('src/cli/'));
const cliShared = Object.keys(outputs).filter((f) => cliOnly(f) && [...staticClosure(f)].every((g) => mainClosure.has(g) || cliOnly(g)));
const core = new Set([...mainClosure, ...cliShared].map(out));
const joined = await rollup({
  input: Object.fromEntries(started.map((f) => [outputs[f].entryPoint.replace(/^.*\/|\.ts$/g, ''), out(f)])),
  external: (id) => id.startsWith('node:'),
  // An entry may export more than its own module does, so main's chunk is the entry itself, not a file that re-exports it.
  preserveEntrySignatures: 'allow-extension',
  // Importing a built-in does nothing else: an import left unused may go.
  treeshake: { moduleSideEffects: (_id, external) => !external },
  // A warning (a circular chunk, an unresolved import) is a broken bundle.
  onLog: (level, log) => {
    if (level === 'warn') throw new Error(`rollup: ${log.message}`);
  },
});
const written = await joined.write({
  dir: join(dist, 'chunks'),
  format: 'es',
  // Named after their first module, without esbuild's hash: lint-<hash>.js, not lint-<hash>-<hash>.js.
  entryFileNames: (c) => `${c.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
  chunkFileNames: (c) => `${c.name.replace(/-[A-Z0-9]{8}$/, '')}-[hash].js`,
  manualChunks: (id) => (core.has(id) ? 'main' : undefined),
});
let entry = readFileSync(entryFile, 'utf8');
for (const o of written.output) if (o.type === 'chunk' && o.isEntry) entry = entry.replace(`./chunks/${basename(o.facadeModuleId)}`, `./chunks/${o.fileName}`);
writeFileSync(join(dist, 'cli.js'), entry);
rmSync(stage, { recursive: true });
chmodSync(join(dist, 'cli.js'), 0o755);

// esbuild and rollup rename a class whose name another module of the same chunk also
// uses (Foo -> Foo2, Foo$1); `new.target.name` would then say so. Refuse that for ours.
const ours = new Set(sources.flatMap((text) => [...text.matchAll(/\bclass (\w+)/g)].map((m) => m[1])));
const chunks = [{ fileName: 'cli.js', code: entry }, ...written.output.filter((o) => o.type === 'chunk')];
for (const { fileName, code } of chunks) {
  for (const m of code.matchAll(/\b([A-Za-z_$][\w$]*?)\$?\d+=class\b/g)) {
    if (ours.has(m[1])) throw new Error(`${fileName}: class ${m[1]} was renamed in the bundle; rename one of the classes called ${m[1]}`);
  }
}

if (process.argv.includes('--sizes')) {
  for (const { fileName, code } of chunks) console.log(`${String(Buffer.byteLength(code)).padStart(9)}  ${fileName}`);
}
