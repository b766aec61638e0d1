import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeModule } from '../helpers/fixtures.js';
import { imports, tokenize } from '../../src/init/gosource.js';
import { bestPort, detectPort, portHits } from '../../src/init/ports.js';

/** The port init would pick from one file's source. */
const port = (src: string): number | undefined => bestPort(portHits(tokenize(src), 'main.go'))?.port;
const main = (body: string, decls = ''): string => `package main\n\nimport (\n\t"flag"\n\t"net/http"\n\t"os"\n)\n${decls}\nfunc main() {\n${body}\n}\n`;

test('tokenize: comments, strings, raw strings, runes and numbers are tokens or skipped, with lines', () => {
  const toks = tokenize('// ":1"\n/* ":2"\n */ x := `a\nb` + "c\\"d" + \'"\' + 8_080 // ":3"\ny');
  assert.deepEqual(toks.map((t) => [t.kind, t.text, t.line]), [
    ['ident', 'x', 3],
    ['op', ':=', 3],
    ['string', 'a\nb', 3],
    ['op', '+', 4],
    ['string', 'c"d', 4],
    ['op', '+', 4],
    ['op', '+', 4],
    ['number', '8_080', 4],
    ['ident', 'y', 5],
  ]);
  assert.deepEqual(imports(tokenize('package main\nimport "fmt"\nimport x "a/b"\nimport (\n\t_ "c"\n\t. "d"\n\t"e"\n)\nfunc f() { _ = "g" }\n')), ['fmt', 'a/b', 'c', 'd', 'e']);
});

test('ports from listen literals, flag and env defaults, and constants, as issue 15 lists them', () => {
  assert.equal(port(main('\thttp.ListenAndServe(":8080", nil)')), 8080);
  assert.equal(port(main('', 'const port = 9000')), 9000);
  assert.equal(port(main('\taddr := flag.String("addr", ":8888", "listen address")\n\t_ = addr')), 8888);
  assert.equal(port(main('\tp := flag.Int("port", 80, "port")\n\t_ = p')), 80);
  assert.equal(port(main('\tvar p int\n\tflag.IntVar(&p, "http-port", 7070, "port")')), 7070);
  assert.equal(port(main('\tfs.IntP("port", "p", 6060, "port")')), 6060);
  assert.equal(port(main('\tport := os.Getenv("PORT")\n\tif port == "" {\n\t\tport = "8081"\n\t}\n\thttp.ListenAndServe(":"+port, nil)')), 8081);
  assert.equal(port(main('\thttp.ListenAndServe(":"+cmp.Or(os.Getenv("PORT"), "3000"), nil)')), 3000);
  assert.equal(port(main('\tport := getenv("APP_PORT", "5000")')), 5000);
  assert.equal(port(main('\tsrv := &http.Server{Addr: "0.0.0.0:4000"}')), 4000);
  assert.equal(port(main('\tcfg := Config{Port: 4100}')), 4100);
  assert.equal(port(main('', 'const (\n\tname = "x"\n\tDefaultPort uint16 = 4200\n)')), 4200);
  assert.equal(port(main('\tv.SetDefault("port", 4300)')), 4300);
});

test('no port from what only looks like one', () => {
  assert.equal(port(main('\t// ListenAndServe(":8080")\n\t/* const port = 1 */')), undefined);
  assert.equal(port(main('\tt := &http.Transport{MaxIdleConns: 100}\n\t_ = t')), undefined, 'Transport is not a port');
  assert.equal(port(main('\tn, _ := strconv.Atoi(os.Getenv("PORT"))\n\ttime.Sleep(5)')), undefined);
  assert.equal(port(main('\tif port == 8080 {\n\t}')), undefined);
  assert.equal(port(main('\tresp, _ := http.Get("http://example.com:8080/x")')), undefined);
  assert.equal(port(main('', 'const port = 70000')), undefined);
  assert.equal(port(main('\tp := flag.Int("port", 0, "0 picks one")')), undefined);
  assert.equal(port(main('\tlog.Printf("report", 5)')), undefined);
});

test('the service port beats side channels and constants; a host-qualified literal beats a constant', () => {
  const src = main('\tgo http.ListenAndServe(":9090", metrics)\n\tflag.String("metrics-addr", ":9091", "")\n\tp := flag.Int("port", 8080, "")\n\t_ = p', 'const metricsPort = 9100');
  const hits = portHits(tokenize(src), 'main.go');
  assert.equal(bestPort(hits)?.port, 8080);
  assert.equal(hits.find((h) => h.port === 9091)!.rank > hits.find((h) => h.port === 9090)!.rank, true, 'metrics-addr is a side channel');
  assert.equal(port(main('', 'const port = 1234\nvar dsn = "db.internal:5432"')), 5432);
  assert.equal(port(main('\thttp.ListenAndServe(":8443", nil)', 'const port = 1234')), 8443);
});

test('detectPort: the main package first, else the module packages it imports, never vendor or other modules', async (t) => {
  const root = await writeModule(await mkdtemp(join(tmpdir(), 'goscratch-ports-')), {
    'cmd/svc/main.go': 'package main\n\nimport (\n\t"example.com/svc/internal/server"\n\t"example.com/other/lib"\n)\n\nfunc main() { server.Run() }\n',
    'cmd/own/main.go': 'package main\n\nimport "example.com/svc/internal/server"\n\nconst port = 7000\n\nfunc main() { server.Run() }\n',
    'cmd/none/main.go': 'package main\n\nimport "example.com/other/lib"\n\nfunc main() {}\n',
    'internal/server/server.go': 'package server\n\nimport "example.com/svc/internal/config"\n\nfunc Run() {}\n',
    'internal/server/server_test.go': 'package server\n\nconst port = 1111\n',
    'internal/config/config.go': 'package config\n\nimport "flag"\n\nvar Port = flag.Int("port", 8888, "listen port")\nvar MetricsPort = flag.Int("metrics-port", 9102, "")\n',
    'vendor/example.com/other/lib/lib.go': 'package lib\n\nconst port = 2222\n',
  }, 'example.com/svc');
  t.after(() => rm(root, { recursive: true, force: true }));
  const svc = await detectPort(root, 'example.com/svc', './cmd/svc');
  assert.deepEqual(svc.best, { port: 8888, at: 'internal/config/config.go:5', why: 'default of "port"', rank: 0 });
  assert.deepEqual(svc.others.map((o) => o.port), [9102]);
  const own = await detectPort(root, 'example.com/svc', './cmd/own');
  assert.equal(own.best?.port, 7000);
  assert.deepEqual(own.others, [], 'the main package\'s own port ends the search');
  assert.deepEqual(await detectPort(root, 'example.com/svc', './cmd/none'), { others: [] });
});
