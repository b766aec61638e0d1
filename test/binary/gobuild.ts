/**
 * Builds small Go programs for the binary and audit tests: offline (no module proxy),
 * in a temp dir, cached by content for the whole test process.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createHash } from 'node:crypto';
import { execOk } from '../helpers/exec.js';
import { toolPath } from '../helpers/tools.js';

export interface GoProgram {
  /** Files relative to the module root, e.g. { 'go.mod': ..., 'main.go': ... }. */
  files: Record<string, string>;
  env?: Record<string, string>;
  /** Extra `go build` arguments before the package, e.g. ['-buildmode=pie']. */
  args?: string[];
  /** Commit the sources to a fresh git repository first, so vcs.* settings are stamped. */
  git?: boolean;
}

const cache = new Map<string, Promise<string>>();
let root: string | undefined;

export const HELLO = `package main

import "fmt"

func main() { fmt.Println("hello") }
`;

/** The smallest program: only the runtime, so cross-compiling it stays quick on a cold cache. */
export const MINIMAL = `package main

func main() { println("hello") }
`;

export const NET_PROGRAM = `package main

import (
	"fmt"
	"net"
)

func main() {
	addrs, err := net.LookupHost("localhost")
	fmt.Println(addrs, err)
}
`;

/** A module standing for go.uber.org/automaxprocs: only its path matters to goscratch. */
export const AUTOMAXPROCS_STUB: Record<string, string> = {
  'amp/go.mod': 'module go.uber.org/automaxprocs\n\ngo 1.20\n',
  'amp/amp.go': 'package automaxprocs\n\nfunc init() {}\n',
};

export const USES_AUTOMAXPROCS = `package main

import (
	"fmt"

	_ "go.uber.org/automaxprocs"
)

func main() { fmt.Println("hello") }
`;

export const goModWithAutomaxprocs = (go = '1.23'): string =>
  `module example.com/svc\n\ngo ${go}\n\nrequire go.uber.org/automaxprocs v1.6.0\n\nreplace go.uber.org/automaxprocs => ./amp\n`;

export const goMod = (path = 'example.com/hello', go = '1.23'): string => `module ${path}\n\ngo ${go}\n`;

/** Builds the program and returns the binary's path (same inputs, same file). */
export function buildGo(p: GoProgram): Promise<string> {
  const key = createHash('sha256').update(JSON.stringify(p)).digest('hex').slice(0, 16);
  let hit = cache.get(key);
  if (!hit) {
    hit = compile(p, key);
    cache.set(key, hit);
  }
  return hit;
}

async function compile(p: GoProgram, key: string): Promise<string> {
  const go = toolPath('go');
  if (!go) throw new Error('go is not installed');
  if (!root) {
    const made = mkdtempSync(join(tmpdir(), 'goscratch-gotest-'));
    process.on('exit', () => rmSync(made, { recursive: true, force: true }));
    root = made;
  }
  const dir = join(root, key);
  for (const [name, text] of Object.entries(p.files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  if (p.git) {
    const git = ['-c', 'user.email=test@example.com', '-c', 'user.name=test', '-c', 'init.defaultBranch=main'];
    await execOk('git', [...git, 'init', '-q', '.'], { cwd: dir });
    await execOk('git', [...git, 'add', '-A'], { cwd: dir });
    await execOk('git', [...git, 'commit', '-q', '-m', 'test'], { cwd: dir, env: { GIT_COMMITTER_DATE: '2024-01-02T03:04:05Z', GIT_AUTHOR_DATE: '2024-01-02T03:04:05Z' } });
  }
  const out = join(dir, 'app.bin');
  await execOk(go, ['build', '-o', out, ...(p.args ?? []), '.'], {
    cwd: dir,
    env: { GOPROXY: 'off', GOFLAGS: '-mod=mod', GOTOOLCHAIN: 'local', GOWORK: 'off', CGO_ENABLED: '0', ...p.env },
    timeoutMs: 120_000,
  });
  return out;
}

/** Links crypto/tls and calls time.LoadLocation (GS506/GS507 and linked-function detection). */
export const TLS_AND_ZONES = `package main

import (
	"crypto/tls"
	"fmt"
	"time"
)

func main() {
	l, err := time.LoadLocation("Europe/Paris")
	fmt.Println(l, err, tls.VersionTLS13)
	c, err := tls.Dial("tcp", "127.0.0.1:1", nil)
	fmt.Println(c, err)
}
`;

/** A main module, a dependency with a dot in its last path element (escaped as %2e in symbols), and some std. */
export const SIZED_PROGRAM: GoProgram = {
  files: {
    'go.mod': 'module example.com/sized\n\ngo 1.23\n\nrequire gopkg.in/acme.v2 v2.0.0\n\nreplace gopkg.in/acme.v2 => ./acme\n',
    'acme/go.mod': 'module gopkg.in/acme.v2\n\ngo 1.20\n',
    'acme/acme.go': 'package acme\n\nimport "strings"\n\n//go:noinline\nfunc Shout(s string) string { return strings.ToUpper(s) + "!" }\n',
    'internal/calc/calc.go': 'package calc\n\n//go:noinline\nfunc Sum(xs []int) (n int) {\n\tfor _, x := range xs {\n\t\tn += x\n\t}\n\treturn n\n}\n',
    'main.go': `package main

import (
	"encoding/json"
	"fmt"
	"net/http"

	"example.com/sized/internal/calc"
	"gopkg.in/acme.v2"
)

func main() {
	b, _ := json.Marshal(map[string]int{"sum": calc.Sum([]int{1, 2, 3})})
	fmt.Println(acme.Shout(string(b)))
	_ = http.ListenAndServe("127.0.0.1:0", nil)
}
`,
  },
};
