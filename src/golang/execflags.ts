/**
 * Go build settings that make the go command run a program of someone's choosing, or
 * fetch one from somewhere of their choosing. `go build` of a module never runs code
 * from it (cgo flags in the source are checked against an allow-list for that reason),
 * so goscratch.yaml, which comes with the module, may not ask for them either: only the
 * user can, with --allow-exec or in their own environment.
 */

/**
 * Flags that name a program or its arguments: -toolexec, -exec, -compiler (gccgo),
 * -gccgoflags (-wrapper), and the linker's -extld and -extldflags (inside -ldflags).
 * -overlay, -modfile and -pkgdir are not here: they choose sources, which go.mod's
 * `replace` can do as well, and compiling code does not run it.
 */
const EXEC_FLAGS = ['toolexec', 'exec', 'compiler', 'gccgoflags', 'extld', 'extldflags'];
// At the start, or after a space, quote, '=' (-ldflags=-extld=x, -ldflags=all=-extld=x) or ','.
const EXEC_FLAG = new RegExp(`(?:^|[\\s"'=,])--?(${EXEC_FLAGS.join('|')})(?=$|[\\s"'=])`);

/**
 * Variables goscratch.yaml may set: they choose what is built (platform, experiments,
 * cgo on or off), not which programs run (CC, CGO_CFLAGS, GCCGO, PATH, LD_PRELOAD) nor
 * where toolchains and modules come from (GOTOOLCHAIN, GOPROXY, GOSUMDB, GOPRIVATE,
 * GOVCS, GOINSECURE), which could bring in a toolchain no one verified.
 */
const FILE_ENV = new Set([
  'GOOS', 'GOARCH', 'GO386', 'GOAMD64', 'GOARM', 'GOARM64', 'GOMIPS', 'GOMIPS64', 'GOPPC64', 'GORISCV64', 'GOWASM',
  'GOEXPERIMENT', 'GODEBUG', 'GOFIPS140', 'CGO_ENABLED', 'GO111MODULE', 'GOWORK', 'GOFLAGS',
]);

/** The flag in `text` (a go flag, a GOFLAGS or -ldflags value) that runs a program, as `-name`. */
export function execFlag(text: string): string | undefined {
  const m = EXEC_FLAG.exec(text);
  return m ? `-${m[1]}` : undefined;
}

/** Why a KEY=VALUE build environment entry may run or fetch a program, or undefined when it cannot. */
export function execEnv(entry: string): string | undefined {
  const name = entry.slice(0, Math.max(0, entry.indexOf('=')));
  if (!FILE_ENV.has(name)) return `${name} may name a program for go to run or a place to fetch toolchains and modules from`;
  const flag = name === 'GOFLAGS' ? execFlag(entry.slice(name.length + 1)) : undefined;
  return flag ? `GOFLAGS with ${flag} makes go run another program` : undefined;
}
