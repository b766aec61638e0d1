import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { analyzeBinaryFile, analyzeSource } from '../../src/binary/analyze.js';
import { bufferSource } from '../../src/binary/bytes.js';
import { parseElf } from '../../src/binary/elf.js';
import { GENERATED, HEADERS, STD, TEXT_PADDING, functionPackage, moduleOf, packageList, type SizeAttribution } from '../../src/binary/sizes.js';
import type { BuildInfo } from '../../src/binary/buildinfo.js';
import { execOk } from '../helpers/exec.js';
import { requireTool, toolPath } from '../helpers/tools.js';
import { SIZED_PROGRAM, buildGo } from './gobuild.js';

const total = (s: SizeAttribution): number =>
  packageList(s.packages).reduce((n, p) => n + p.bytes, 0) + Object.values(s.unattributed).reduce((n, v) => n + v, 0);

/** Code bytes per package from `go tool nm -size` (text symbols only: the pclntab describes code). */
async function nmPackages(bin: string): Promise<Map<string, number>> {
  const { stdout } = await execOk(toolPath('go') as string, ['tool', 'nm', '-size', bin], { timeoutMs: 60_000 });
  const out = new Map<string, number>();
  for (const line of stdout.split('\n')) {
    const m = /^\s*[0-9a-f]+\s+(\d+)\s+[Tt]\s+(.+)$/.exec(line);
    if (!m) continue;
    // nm marks assembly (ABI0) functions with a suffix the pclntab does not carry.
    const pkg = functionPackage((m[2] as string).replace(/\.abi0$/, ''));
    out.set(pkg, (out.get(pkg) ?? 0) + Number(m[1]));
  }
  return out;
}

test('an unstripped binary: package sizes agree with go tool nm, and all parts add up to the file size', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo(SIZED_PROGRAM);
  const a = await analyzeBinaryFile(bin);
  const s = a.sizes;
  assert.ok(s, 'sizes from the pclntab');
  assert.equal(total(s), a.size, 'packages + unattributed parts = file size');
  assert.ok((s.unattributed[HEADERS] ?? 0) < 64 << 10, `headers and alignment: ${s.unattributed[HEADERS]}`);
  for (const sec of ['.rodata', '.gopclntab', '.symtab', '.debug_info', TEXT_PADDING]) assert.ok((s.unattributed[sec] ?? 0) > 0, sec);

  const nm = await nmPackages(bin);
  const ours = new Map(packageList(s.packages).map((p) => [p.package, p.bytes]));
  let worst = 0;
  for (const [pkg, bytes] of nm) {
    const mine = ours.get(pkg) ?? 0;
    const diff = Math.abs(mine - bytes) / bytes;
    worst = Math.max(worst, diff);
    assert.ok(diff <= 0.02, `${pkg}: pclntab ${mine} bytes, nm ${bytes} bytes`);
  }
  for (const pkg of ours.keys()) assert.ok(nm.has(pkg), `${pkg} is not in nm's text symbols`);
  t.diagnostic(`${nm.size} packages; largest difference from go tool nm: ${(worst * 100).toFixed(3)}%`);

  assert.ok((s.packages['example.com/sized']?.main ?? 0) > 0, 'the main package, in the main module');
  assert.ok((s.packages['example.com/sized']?.['example.com/sized/internal/calc'] ?? 0) > 0);
  assert.ok((s.packages['gopkg.in/acme.v2']?.['gopkg.in/acme.v2'] ?? 0) > 0, 'the escaped dot is decoded and the dependency found');
  assert.ok((s.packages[STD]?.runtime ?? 0) > 100_000);
  assert.ok(s.largestFunctions.length > 0 && s.largestFunctions.every((f, i, all) => i === 0 || (all[i - 1] as { size: number }).size >= f.size));
});

test('a stripped binary (-ldflags="-s -w") has the same package sizes as the unstripped one', async (t) => {
  if (!requireTool(t, 'go')) return;
  const full = await analyzeBinaryFile(await buildGo(SIZED_PROGRAM));
  const stripped = await analyzeBinaryFile(await buildGo({ ...SIZED_PROGRAM, args: ['-ldflags=-s -w'] }));
  assert.equal(stripped.elf.stripped, true);
  assert.ok(stripped.sizes);
  assert.deepEqual(stripped.sizes.packages, full.sizes?.packages);
  assert.equal(total(stripped.sizes), stripped.size);
  assert.equal(stripped.sizes.unattributed['.symtab'], undefined);
});

test("Debian's docker-registry (Go 1.19, cgo, stripped, GOPATH build) adds up", async (t) => {
  if (!requireTool(t, 'docker-registry')) return;
  const a = await analyzeBinaryFile(toolPath('docker-registry') as string);
  const s = a.sizes;
  assert.ok(s);
  assert.equal(total(s), a.size);
  assert.ok(s.packages['github.com/docker/distribution'], 'the main package and its siblings, module guessed from the path');
  assert.ok(s.packages['github.com/gorilla/mux']?.['github.com/docker/distribution/vendor/github.com/gorilla/mux'] ?? s.packages['github.com/gorilla/mux']);
  assert.ok((s.unattributed['.text: code outside Go functions'] ?? 0) > 0, 'cgo: C code in .text');
});

test('moduleOf: main, std, vendored, build-info modules and guesses', () => {
  const go: BuildInfo = {
    goVersion: 'go1.23.0',
    path: 'example.com/svc/cmd/server',
    main: { path: 'example.com/svc', version: '(devel)' },
    deps: [{ path: 'github.com/a/b', version: 'v1.0.0' }, { path: 'github.com/a/b/v2', version: 'v2.0.0' }],
    settings: [],
  };
  assert.equal(moduleOf('main', go), 'example.com/svc');
  assert.equal(moduleOf('example.com/svc/internal/x', go), 'example.com/svc');
  assert.equal(moduleOf('github.com/a/b/c', go), 'github.com/a/b');
  assert.equal(moduleOf('github.com/a/b/v2/c', go), 'github.com/a/b/v2', 'the longest module path wins');
  assert.equal(moduleOf('net/http', go), STD);
  assert.equal(moduleOf('vendor/golang.org/x/net/idna', go), STD);
  assert.equal(moduleOf('github.com/x/y/vendor/github.com/c/d/e', undefined), 'github.com/c/d');
  assert.equal(moduleOf('go.uber.org/zap/zapcore', undefined), 'go.uber.org/zap');
  assert.equal(moduleOf('main', undefined), 'main');
  assert.equal(functionPackage('type:.eq.example.com/svc/x.T'), 'type: (equality and hash functions)');
  assert.equal(moduleOf(functionPackage('type:.eq.[2]string'), go), GENERATED);
  assert.equal(functionPackage('go:buildid'), 'go: (linker-made)');
  assert.equal(functionPackage('sync/atomic.(*Pointer[go.shape.struct { a/b.c int }]).Load'), 'sync/atomic');
});

test('a corrupt function table gives no sizes, never a crash or a guess', async (t) => {
  if (!requireTool(t, 'go')) return;
  const original = await readFile(await buildGo({ ...SIZED_PROGRAM, args: ['-ldflags=-s -w'] }));
  const elf = parseElf(bufferSource(original));
  const sec = elf.section('.gopclntab');
  assert.ok(sec);
  const ftab = Number(original.readBigUInt64LE(sec.offset + 8 + 7 * 8));
  const at = sec.offset + ftab;
  const func0 = at + original.readUInt32LE(at + 4);
  const cases = [
    [at + 4, 0x7fffffff], // the first _func lies past the table
    [at + 8, 0xffffffff], // the second function starts after the end: the first has a negative size
    [func0 + 16, sec.size - 1], // the first pc table runs off the end of the pclntab
  ] as const;
  for (const [off, value] of cases) {
    const bytes = Buffer.from(original);
    bytes.writeUInt32LE(value, off);
    const a = analyzeSource(bufferSource(bytes));
    assert.equal(a.goStatus, 'go');
    assert.equal(a.sizes, undefined);
  }
});
