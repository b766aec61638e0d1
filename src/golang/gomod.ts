/**
 * What goscratch reads from go.mod without running Go: the module path, and the `go`
 * and `toolchain` lines that say which Go the module needs.
 */
import { GoscratchError } from '../util/errors.js';

export interface GoMod {
  module: string;
  /** The `go` line, e.g. `1.22` or `1.22.3`. */
  go: string;
  /** The `toolchain` line without its `go` prefix, e.g. `1.23.4`, when present. */
  toolchain?: string;
}

/** Parses go.mod text; `file` names it in errors. */
export function parseGoMod(text: string, file = 'go.mod'): GoMod {
  let module: string | undefined;
  let go: string | undefined;
  let toolchain: string | undefined;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    const m = /^(module|go|toolchain)\s+("(?:[^"\\]|\\.)*"|\S+)$/.exec(line);
    if (!m) continue;
    const value = m[2]!.replace(/^"(.*)"$/, '$1');
    if (m[1] === 'module') module = value;
    else if (m[1] === 'go') go = value;
    else toolchain = value.replace(/^go/, '');
  }
  if (!module) throw new GoscratchError(`${file} has no module line: run \`go mod init <module path>\` first`);
  // go.mod files written before Go 1.12 have no go line; Go treats them as 1.16.
  return { module, go: go ?? '1.16', ...(toolchain ? { toolchain } : {}) };
}
