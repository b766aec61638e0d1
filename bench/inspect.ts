/**
 * `goscratch inspect` against `go version -m`, no target (for context):
 *   - a ~20 MB Go binary (net/http, go/types, html/template, ... with DWARF): the
 *     whole CLI interleaved with `go version -m` on the same file, and the analysis
 *     in process (ELF + build info + linked functions);
 *   - a 3-layer image archive (base files, a data layer, the binary): the whole CLI
 *     (layers streamed, entrypoint extracted to a temp file), and in process.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { analyzeBinaryFile } from '../src/binary/analyze.js';
import { inspectSource } from '../src/inspect/inspect.js';
import { buildLayer } from '../src/image/layerbuilder.js';
import { newImage } from '../src/image/model.js';
import { baseEntries, bundledCaCertificates, DEFAULT_USER } from '../src/image/scratch.js';
import { writeArchive } from '../src/io/archive.js';
import { goscratch, skipReason, tool } from './lib/commands.js';
import { compared, printTable } from './lib/report.js';
import { interleave, runCount, timeInProcess } from './lib/timing.js';

const RUNS = runCount(7);
const work = mkdtempSync(join(tmpdir(), 'gs-bench-inspect-'));

const BIG = `package main

import (
	"archive/zip"
	"crypto/x509"
	"database/sql"
	"debug/elf"
	"encoding/xml"
	"expvar"
	"fmt"
	"go/doc"
	"go/format"
	"go/importer"
	"go/parser"
	"go/token"
	"go/types"
	"html/template"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math/big"
	"net/http"
	_ "net/http/pprof"
	"net/mail"
	"net/rpc"
	"net/smtp"
	"os"
	"regexp"
	"time"
)

func main() {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "x.go", "package x", 0)
	conf := types.Config{}
	_, _ = conf.Check("x", fset, nil, nil)
	l, _ := time.LoadLocation("UTC")
	fmt.Println(f, err, l, sql.Drivers(), template.HTMLEscapeString("<"), png.Encode, smtp.PlainAuth)
	fmt.Println(zip.NewReader, x509.ParseCertificate, elf.Open, xml.Marshal, expvar.NewInt, doc.New, format.Source, importer.Default())
	fmt.Println(gif.Decode, jpeg.Decode, big.NewInt(1), mail.ParseAddress, rpc.NewServer(), regexp.MustCompile("a"))
	_ = http.ListenAndServe(os.Getenv("ADDR"), nil)
}
`;

function buildBinary(): string {
  const dir = join(work, 'big');
  mkdirSync(dir);
  writeFileSync(join(dir, 'go.mod'), 'module example.com/big\n\ngo 1.21\n');
  writeFileSync(join(dir, 'main.go'), BIG);
  const out = join(work, 'big.bin');
  execFileSync(tool('go')!, ['build', '-ldflags=-compressdwarf=false', '-o', out, '.'], { cwd: dir, env: { ...process.env, CGO_ENABLED: '0', GOPROXY: 'off', GOFLAGS: '-mod=mod' } });
  return out;
}

async function buildArchive(bin: string): Promise<string> {
  const base = await buildLayer(baseEntries(DEFAULT_USER, bundledCaCertificates()), { mtime: 0 });
  const data = await buildLayer([{ type: 'file', path: '/srv/data.bin', mode: 0o444, data: randomBytes(4 << 20) }], { mtime: 0 });
  const app = await buildLayer([{ type: 'file', path: '/app', mode: 0o555, source: bin, size: statSync(bin).size }], { mtime: 0 });
  const img = newImage({ config: { architecture: 'amd64', os: 'linux', config: { User: '10001:10001', Entrypoint: ['/app'] }, rootfs: { type: 'layers', diff_ids: [] } }, layers: [base, data, app] });
  const file = join(work, 'image.tar');
  await writeArchive(file, img, { tags: ['bench:latest'] });
  return file;
}

async function main(): Promise<void> {
  const bin = buildBinary();
  const archive = await buildArchive(bin);
  // Findings at the error threshold exit 1: that is a result, not a failure.
  const whole = await interleave(
    [
      { name: 'go', argv: [tool('go')!, 'version', '-m', bin] },
      { name: 'binary', argv: goscratch('inspect', '--json', bin), okCodes: [0, 1] },
      { name: 'archive', argv: goscratch('inspect', '--json', archive), okCodes: [0, 1] },
    ],
    RUNS,
  );
  const binIn = await timeInProcess(RUNS, () => analyzeBinaryFile(bin));
  const imgIn = await timeInProcess(RUNS, () => inspectSource(archive));
  const goM = whole.get('go')!;
  const mb = (p: string): string => `${(statSync(p).size / 1e6).toFixed(1)} MB`;
  printTable(`goscratch inspect vs go version -m (median of ${RUNS} runs, min - max; whole processes interleaved)`, [
    { label: `go version -m, ${mb(bin)} binary (whole process)`, stats: goM },
    { label: 'goscratch inspect BINARY (whole process)', stats: whole.get('binary')!, note: `${compared(whole.get('binary')!, goM, 'go version -m')} (no target)` },
    { label: 'in-process: binary analysis', stats: binIn },
    { label: `goscratch inspect ARCHIVE, 3 layers, ${mb(archive)} (whole process)`, stats: whole.get('archive')! },
    { label: 'in-process: inspect of the archive', stats: imgIn },
  ]);
}

try {
  const missing = skipReason('go');
  if (missing) console.log(`inspect: ${missing}`);
  else await main();
} finally {
  rmSync(work, { recursive: true, force: true });
}
