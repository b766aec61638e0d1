/**
 * Go versions as the go command orders them (cmd/go/internal/gover): a language
 * version `1.21` comes before its pre-releases `1.21rc1`, which come before the
 * releases `1.21.0`, `1.21.1`. And the toolchain a go.mod asks for, as
 * `GOTOOLCHAIN=auto` picks it: the newer of the `go` line (`go 1.22` means go1.22.0
 * from Go 1.21 on) and the `toolchain` line.
 */
import { InputError } from '../util/errors.js';
import type { GoMod } from './gomod.js';

export interface GoVersion {
  minor: number;
  /** 0 language version, 1 alpha, 2 beta, 3 rc, 4 release. */
  kind: number;
  /** The pre-release number or the patch number. */
  n: number;
  /** As Go writes it, without the `go` prefix: `1.22.0`, `1.21rc1`, `1.20`. */
  text: string;
}

const KINDS: Record<string, number> = { alpha: 1, beta: 2, rc: 3 };

/** `1.22`, `1.22.3`, `1.21rc1` (a `go` prefix is allowed); undefined for anything else. */
export function parseGoVersion(v: string): GoVersion | undefined {
  const m = /^(?:go)?1\.(\d{1,4})(?:\.(\d{1,4})|(alpha|beta|rc)(\d{1,4}))?$/.exec(v);
  if (!m) return undefined;
  const text = v.replace(/^go/, '');
  if (m[2] !== undefined) return { minor: Number(m[1]), kind: 4, n: Number(m[2]), text };
  if (m[3] !== undefined) return { minor: Number(m[1]), kind: KINDS[m[3]]!, n: Number(m[4]), text };
  // Before Go 1.21 the first release of 1.N was named go1.N, so `1.20` is a release there.
  return Number(m[1]) < 21 ? { minor: Number(m[1]), kind: 4, n: 0, text } : { minor: Number(m[1]), kind: 0, n: 0, text };
}

export function compareGoVersions(a: GoVersion, b: GoVersion): number {
  return a.minor - b.minor || a.kind - b.kind || a.n - b.n;
}

/** The version a `go version` line reports (`go version go1.23.5 linux/amd64`); `devel` for a development build. */
export function reportedVersion(output: string): GoVersion | 'devel' | undefined {
  const m = /^go version (devel )?go(\S+)/.exec(output.trim());
  if (!m) return undefined;
  if (m[1]) return 'devel';
  // A vendor's suffix (go1.21.3-bigcorp, go1.22.1 X:boringcrypto) does not change the version.
  return parseGoVersion(m[2]!.replace(/[-+].*$/, ''));
}

/** The release to download for a version: `go 1.22` means go1.22.0 (Go >= 1.21), else the version itself. */
export function releaseName(v: GoVersion): string {
  return v.kind === 0 ? `go1.${v.minor}.0` : `go${v.text}`;
}

export interface Requirement {
  /** The `go` line: the oldest Go that may build the module. */
  go: GoVersion;
  /** What GOTOOLCHAIN=auto would run: the `toolchain` line when it is newer, else the `go` line. */
  toolchain: GoVersion;
}

/** The Go versions a module asks for; a line that is no Go version is refused, naming the file. */
export function requirement(mod: GoMod, file: string): Requirement {
  const go = parseGoVersion(mod.go);
  if (!go) throw new InputError(`${file}: the go line ${JSON.stringify(mod.go)} is not a Go version (expected e.g. \`go 1.22\` or \`go 1.22.3\`)`, { input: file });
  if (mod.toolchain === undefined || mod.toolchain === 'default') return { go, toolchain: go };
  const tc = parseGoVersion(mod.toolchain);
  if (!tc) throw new InputError(`${file}: the toolchain line "go${mod.toolchain}" does not name a Go release (expected e.g. \`toolchain go1.23.4\`)`, { input: file });
  return { go, toolchain: compareGoVersions(tc, go) > 0 ? tc : go };
}
