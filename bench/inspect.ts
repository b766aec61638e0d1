/**
 * `goscratch inspect` against `go version -m`, medians of RUNS runs in this one process:
 *   - a ~20 MB Go binary (net/http, go/types, html/template, ... with DWARF):
 *     in-process analysis (ELF + build info + linked functions) and the whole CLI,
 *     each as a ratio to `go version -m` on the same file;
 *   - a 3-layer image archive (base files, a data layer, the binary): in process and
 *     the whole CLI (layers streamed, entrypoint extracted to a temp file).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { analyzeBinaryFile } from '../src/binary/analyze.js';
import { inspectSource } from '../src/inspect/inspect.js';
import { buildLayer } from '../src/image/layerbuilder.js';
import { newImage } from '../src/image/model.js';
import { baseEntries, bundledCaCertificates, DEFAULT_USER } from '../src/image/scratch.js';
import { writeArchive } from '../src/io/archive.js';
import { median, ms, printTable, timeRuns } from './stats.js';

const RUNS = Number(process.env.RUNS ?? 7);
const root = new URL('..', import.meta.url).pathname;
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
  execFileSync('go', ['build', '-ldflags=-compressdwarf=false', '-o', out, '.'], { cwd: dir, env: { ...process.env, CGO_ENABLED: '0', GOPROXY: 'off', GOFLAGS: '-mod=mod' } });
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

/**
 * The CLI as users run it: the bundle (dist/cli.js and its chunks when built with the
 * inspect command, else bundled here with esbuild into .tmp/), or the sources through
 * tsx as a last resort.
 */
async function cliArgs(): Promise<string[]> {
  const dist = join(root, 'dist/cli.js');
  const chunks = join(root, 'dist/chunks');
  if (existsSync(dist) && existsSync(chunks) && readdirSync(chunks).some((f) => readFileSync(join(chunks, f), 'utf8').includes('inspectCommand'))) return [dist];
  try {
    const esbuild = await import('esbuild');
    // In .tmp/ directly under the root, so src/version.ts still finds ../package.json.
    const out = join(root, '.tmp', `bench-cli-${process.pid}.mjs`);
    await esbuild.build({ entryPoints: [join(root, 'src/cli.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, packages: 'external', logLevel: 'error' });
    cleanup.push(out);
    return [out];
  } catch {
    return ['--import', 'tsx', join(root, 'src/cli.ts')];
  }
}

const cleanup: string[] = [];

async function main(): Promise<void> {
  const bin = buildBinary();
  const archive = await buildArchive(bin);
  const cli = await cliArgs();
  const run = (args: string[]) => async () => {
    try {
      execFileSync(process.execPath, [...cli, ...args], { stdio: 'ignore', cwd: root });
    } catch (e) {
      // Findings at the error threshold exit 1: that is a result, not a failure.
      if ((e as { status?: number }).status !== 1) throw e;
    }
  };
  const goM = async () => execFileSync('go', ['version', '-m', bin], { stdio: 'ignore' });

  await goM();
  await run(['inspect', '--json', bin])();
  const goMs = median(await timeRuns(RUNS, goM));
  const binIn = median(await timeRuns(RUNS, () => analyzeBinaryFile(bin)));
  const binCli = median(await timeRuns(RUNS, run(['inspect', '--json', bin])));
  const imgIn = median(await timeRuns(RUNS, () => inspectSource(archive)));
  const imgCli = median(await timeRuns(RUNS, run(['inspect', '--json', archive])));
  const mb = (p: string): string => `${(statSync(p).size / 1e6).toFixed(1)} MB`;
  printTable(`goscratch inspect vs go version -m (medians of ${RUNS}; CLI: ${cli.length === 1 ? 'bundled' : 'tsx'})`, [
    [`go version -m, ${mb(bin)} binary (whole process)`, ms(goMs)],
    ['goscratch binary analysis (in process)', ms(binIn), `ratio ${(binIn / goMs).toFixed(2)}x go version -m`],
    ['goscratch inspect BINARY (whole CLI)', ms(binCli), `ratio ${(binCli / goMs).toFixed(2)}x go version -m`],
    [`goscratch inspect, 3-layer archive ${mb(archive)} (in process)`, ms(imgIn)],
    ['goscratch inspect ARCHIVE (whole CLI)', ms(imgCli)],
  ]);
}

try {
  await main();
} finally {
  rmSync(work, { recursive: true, force: true });
  for (const f of cleanup) rmSync(f, { force: true });
}
