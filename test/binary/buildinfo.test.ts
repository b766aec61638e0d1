import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { analyzeBinaryFile, analyzeSource } from '../../src/binary/analyze.js';
import { bufferSource, withFile } from '../../src/binary/bytes.js';
import { goBuildId } from '../../src/binary/buildid.js';
import { parseElf } from '../../src/binary/elf.js';
import { buildSetting, formatModinfo, parseModinfo, type BuildInfo } from '../../src/binary/buildinfo.js';
import { goQuote, goUnquote } from '../../src/binary/goquote.js';
import { execOk } from '../helpers/exec.js';
import { requireTool, toolPath } from '../helpers/tools.js';
import { AUTOMAXPROCS_STUB, HELLO, MINIMAL, NET_PROGRAM, USES_AUTOMAXPROCS, TLS_AND_ZONES, buildGo, goMod, goModWithAutomaxprocs, type GoProgram } from './gobuild.js';

const programs: Record<string, GoProgram> = {
  static: { files: { 'go.mod': goMod(), 'main.go': HELLO } },
  stripped: { files: { 'go.mod': goMod(), 'main.go': MINIMAL }, args: ['-ldflags=-s -w -X "main.v=1 2"', '-trimpath', '-tags=netgo osusergo'] },
  cgo: { files: { 'go.mod': goMod(), 'main.go': NET_PROGRAM }, env: { CGO_ENABLED: '1' } },
  pie: { files: { 'go.mod': goMod(), 'main.go': MINIMAL }, args: ['-buildmode=pie'] },
  arm64: { files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 'arm64' }, args: ['-ldflags=-s -w'] },
  arm: { files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 'arm', GOARM: '6' }, args: ['-ldflags=-s -w'] },
  replaced: { files: { 'go.mod': goModWithAutomaxprocs(), 'main.go': USES_AUTOMAXPROCS, ...AUTOMAXPROCS_STUB }, git: true },
  tls: { files: { 'go.mod': goMod('example.com/tls', '1.21'), 'main.go': TLS_AND_ZONES }, args: ['-ldflags=-s -w'] },
};

/** `go version -m` output rebuilt from goscratch's reading of the same file. */
const asGoVersionM = (file: string, bi: BuildInfo): string =>
  `${file}: ${bi.goVersion}\n\t${formatModinfo(bi).replaceAll('\n', '\n\t')}\n`;

test('build info matches `go version -m` on the same binaries', async (t) => {
  if (!requireTool(t, 'go', 'gcc', 'git')) return;
  for (const [name, p] of Object.entries(programs)) {
    const bin = await buildGo(p);
    const a = await analyzeBinaryFile(bin);
    assert.equal(a.goStatus, 'go', name);
    const want = (await execOk(toolPath('go') as string, ['version', '-m', bin])).stdout;
    assert.equal(asGoVersionM(bin, a.go as BuildInfo), want, name);
  }
});

test('the Go build ID matches `go tool buildid` on the same binaries (big- and little-endian, PIE, stripped); none elsewhere', async (t) => {
  if (!requireTool(t, 'go', 'gcc', 'git')) return;
  for (const [name, p] of Object.entries({ ...programs, s390x: { files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: 's390x' } } })) {
    const bin = await buildGo(p);
    const want = (await execOk(toolPath('go') as string, ['tool', 'buildid', bin])).stdout.trim();
    assert.equal(withFile(bin, (src) => goBuildId(parseElf(src))), want, name);
  }
  assert.equal(withFile(process.execPath, (src) => goBuildId(parseElf(src))), undefined, 'node is not a Go binary');
});

test('build info fields: replacement, settings, vcs stamp', async (t) => {
  if (!requireTool(t, 'go', 'git')) return;
  const a = await analyzeBinaryFile(await buildGo(programs.replaced as GoProgram));
  const bi = a.go as BuildInfo;
  assert.match(bi.goVersion, /^go1\.\d+/);
  assert.equal(bi.path, 'example.com/svc');
  assert.deepEqual(bi.main, { path: 'example.com/svc', version: '(devel)' });
  assert.deepEqual(bi.deps, [{ path: 'go.uber.org/automaxprocs', version: 'v1.6.0', replace: { path: './amp', version: '(devel)' } }]);
  assert.equal(buildSetting(bi, 'CGO_ENABLED'), '0');
  assert.equal(buildSetting(bi, 'vcs'), 'git');
  assert.match(buildSetting(bi, 'vcs.revision') ?? '', /^[0-9a-f]{40}$/);
  assert.equal(buildSetting(bi, 'vcs.time'), '2024-01-02T03:04:05Z');
  assert.equal(buildSetting(bi, 'vcs.modified'), 'false');

  const s = await analyzeBinaryFile(await buildGo(programs.stripped as GoProgram));
  assert.equal(buildSetting(s.go as BuildInfo, '-tags'), 'netgo,osusergo');
  assert.equal(buildSetting(s.go as BuildInfo, '-trimpath'), 'true');
});

test('linked functions are found in stripped binaries and from strings alone', async (t) => {
  if (!requireTool(t, 'go')) return;
  const tls = await analyzeBinaryFile(await buildGo(programs.tls as GoProgram));
  assert.deepEqual(tls.linked, { source: 'pclntab', cryptoTls: true, loadLocation: true, tzdata: false, fallbackRoots: false });
  const hello = await analyzeBinaryFile(await buildGo(programs.static as GoProgram));
  assert.equal(hello.linked?.cryptoTls, false);
  assert.equal(hello.linked?.loadLocation, false);

  // Wipe the section header table: the names must still be found by scanning.
  const bytes = Buffer.from(await readFile(await buildGo(programs.tls as GoProgram)));
  bytes.writeBigUInt64LE(0n, 40); // e_shoff
  bytes.writeUInt16LE(0, 60); // e_shnum
  bytes.writeUInt16LE(0, 62); // e_shstrndx
  const bare = analyzeSource(bufferSource(bytes));
  assert.equal(bare.goStatus, 'go', 'build info found by its magic in the data segment');
  assert.deepEqual(bare.linked, { source: 'strings', cryptoTls: true, loadLocation: true, tzdata: false, fallbackRoots: false });
});

test('time/tzdata is detected', async (t) => {
  if (!requireTool(t, 'go')) return;
  const main = TLS_AND_ZONES.replace('"time"\n', '"time"\n\t_ "time/tzdata"\n');
  const a = await analyzeBinaryFile(await buildGo({ files: { 'go.mod': goMod(), 'main.go': main }, args: ['-ldflags=-s -w'] }));
  assert.equal(a.linked?.tzdata, true);
});

test('a fake build info magic gives invalid-buildinfo, not an exception', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bytes = Buffer.from(await readFile(await buildGo(programs.static as GoProgram)));
  const magic = Buffer.from('\xff Go buildinf:', 'latin1');
  const at = bytes.indexOf(magic);
  assert.ok(at > 0);
  // Inline flag with a version length far past the end of the data.
  bytes[at + 15] = 2;
  bytes.fill(0xff, at + 32, at + 37);
  const a = analyzeSource(bufferSource(bytes));
  assert.equal(a.goStatus, 'invalid-buildinfo');
  assert.match(a.goError ?? '', /invalid Go build info: Go version length is truncated or malformed/);
  // Old (pointer) format with pointers to nowhere.
  bytes[at + 15] = 0;
  bytes.writeBigUInt64LE(0x7fff0000n, at + 16);
  bytes.writeBigUInt64LE(0x7fff0010n, at + 24);
  const b = analyzeSource(bufferSource(bytes));
  assert.equal(b.goStatus, 'invalid-buildinfo');
  assert.match(b.goError ?? '', /not mapped/);
});

test('modinfo parsing rejects malformed lines and reads quoted settings', () => {
  const m = parseModinfo('path\tx\nmod\tx\t(devel)\t\nbuild\t"a b"="c\\td"\nbuild\t-ldflags=`-s`\n');
  assert.deepEqual(m.settings, [{ key: 'a b', value: 'c\td' }, { key: '-ldflags', value: '-s' }]);
  assert.throws(() => parseModinfo('dep\tonly-path\n'), /invalid Go build info: line 1/);
  assert.throws(() => parseModinfo('=>\tx\tv1\t\n'), /replacement without a module/);
  assert.throws(() => parseModinfo('build\tnoequals\n'), /expected key=value/);
  assert.throws(() => parseModinfo('bogus\tline\n'), /unknown line kind/);
  assert.equal(goUnquote(goQuote('a "b"\n\t\u00e9\u0001')), 'a "b"\n\t\u00e9\u0001');
  assert.equal(goQuote('-X "main.v=1 2"'), '"-X \\"main.v=1 2\\""');
});

/** A minimal ELF64 with one writable PT_LOAD holding a pre-1.18 (pointer format) build info blob. */
function oldFormatElf(version: string, modinfo: string): Buffer {
  const base = 0x400000;
  const b = Buffer.alloc(1024);
  b.write('\x7fELF', 0, 'latin1');
  b[4] = 2; // 64-bit
  b[5] = 1; // little endian
  b[6] = 1;
  b.writeUInt16LE(2, 16); // ET_EXEC
  b.writeUInt16LE(62, 18); // x86-64
  b.writeBigUInt64LE(64n, 32); // e_phoff
  b.writeUInt16LE(56, 54);
  b.writeUInt16LE(1, 56);
  // PT_LOAD, PF_R|PF_W, offset 0, vaddr base, filesz = memsz = whole file.
  b.writeUInt32LE(1, 64);
  b.writeUInt32LE(6, 68);
  b.writeBigUInt64LE(BigInt(base), 80);
  b.writeBigUInt64LE(1024n, 96);
  b.writeBigUInt64LE(1024n, 104);
  // The blob at offset 128: magic, pointer size 8, flags 0, then two pointers to string headers.
  b.write('\xff Go buildinf:', 128, 'latin1');
  b[142] = 8;
  b[143] = 0;
  b.writeBigUInt64LE(BigInt(base + 160), 144);
  b.writeBigUInt64LE(BigInt(base + 176), 152);
  const mod = '0123456789abcdef' + modinfo + '\n' + 'fedcba9876543210';
  b.writeBigUInt64LE(BigInt(base + 192), 160);
  b.writeBigUInt64LE(BigInt(version.length), 168);
  b.writeBigUInt64LE(BigInt(base + 256), 176);
  b.writeBigUInt64LE(BigInt(mod.length), 184);
  b.write(version, 192, 'latin1');
  b.write(mod, 256, 'latin1');
  return b;
}

test('the pre-1.18 pointer format is read too', () => {
  const a = analyzeSource(bufferSource(oldFormatElf('go1.16.15', 'path\texample.com/old\nmod\texample.com/old\t(devel)\t\ndep\tgolang.org/x/sys\tv0.1.0\th1:abc=')));
  assert.equal(a.goStatus, 'go');
  assert.equal(a.go?.goVersion, 'go1.16.15');
  assert.equal(a.go?.path, 'example.com/old');
  assert.deepEqual(a.go?.deps, [{ path: 'golang.org/x/sys', version: 'v0.1.0', sum: 'h1:abc=' }]);
  // A version that is not Go's is rejected as invalid build info.
  const bad = analyzeSource(bufferSource(oldFormatElf('hello', '')));
  assert.equal(bad.goStatus, 'invalid-buildinfo');
  assert.match(bad.goError ?? '', /does not start with "go"/);
});
