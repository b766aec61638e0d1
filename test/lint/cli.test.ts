import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'test/fixtures');
/** tsx by absolute URL: the CLI runs in temp directories that have no node_modules. */
const tsx = import.meta.resolve('tsx');
const dir = mkdtempSync(join(tmpdir(), 'goscratch-lint-'));
test.after(() => rmSync(dir, { recursive: true, force: true }));

function lint(args: string[], input?: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli.ts'), 'lint', ...args], { cwd: dir, input, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('exit 1 on the seed, 0 on the good file, 2 on a missing path', () => {
  const bad = lint([join(fixtures, 'seed.Dockerfile')]);
  assert.equal(bad.code, 1, bad.stderr);
  assert.match(bad.stdout, /GS401 error/);
  const good = lint([join(fixtures, 'good.Dockerfile')]);
  assert.equal(good.code, 0, good.stderr);
  assert.equal(good.stdout, '');
  const missing = lint(['no/such/Dockerfile']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /no such file/);
});

test('--failure-threshold decides the exit code', () => {
  const seed = join(fixtures, 'seed.Dockerfile');
  assert.equal(lint([seed, '--failure-threshold', 'none']).code, 0);
  const infoOnly = join(dir, 'info.Dockerfile');
  writeFileSync(infoOnly, 'FROM golang:1.23 AS b\nRUN CGO_ENABLED=0 go build -o /app .\nFROM scratch\nCOPY --from=b /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/\nCOPY --from=b /app /app\nUSER 1:1\nENTRYPOINT ["/app"]\n');
  assert.equal(lint([infoOnly]).code, 0, 'info findings stay under the default warning threshold');
  assert.equal(lint([infoOnly, '-t', 'info']).code, 1);
  assert.equal(lint([infoOnly, '-t', 'bogus']).code, 2);
});

test('directories are searched; stdin is read with -; json output', () => {
  mkdirSync(join(dir, 'repo/svc'), { recursive: true });
  mkdirSync(join(dir, 'repo/node_modules/x'), { recursive: true });
  copyFileSync(join(fixtures, 'seed.Dockerfile'), join(dir, 'repo/svc/Dockerfile'));
  copyFileSync(join(fixtures, 'good.Dockerfile'), join(dir, 'repo/api.Dockerfile'));
  copyFileSync(join(fixtures, 'seed.Dockerfile'), join(dir, 'repo/node_modules/x/Dockerfile'));
  writeFileSync(join(dir, 'repo/Dockerfile.dockerignore'), '*\n');
  const r = lint(['repo', '--format', 'json']);
  assert.equal(r.code, 1, r.stderr);
  const files = new Set((JSON.parse(r.stdout) as { file: string }[]).map((f) => f.file));
  assert.deepEqual([...files], ['repo/svc/Dockerfile']);
  const stdin = lint(['-', '--json', '--stdin-filename', 'piped.Dockerfile'], 'FROM golang:alpine\n');
  const rows = JSON.parse(stdin.stdout) as { file: string; rule: string; line: number }[];
  assert.ok(rows.some((f) => f.file === 'piped.Dockerfile' && f.rule === 'GS304' && f.line === 1));
  assert.equal(lint(['repo/svc']).code, 1);
  mkdirSync(join(dir, 'empty'));
  assert.equal(lint(['empty']).code, 2);
});

test('goscratch.yaml lint: section is applied and validated', () => {
  const work = join(dir, 'cfg');
  mkdirSync(work);
  copyFileSync(join(fixtures, 'seed.Dockerfile'), join(work, 'Dockerfile'));
  writeFileSync(join(work, 'goscratch.yaml'), 'lint:\n  ignore: [GS401, GS101, GS205]\n  severity: { GS304: info, GS106: info, GS102: info, GS203: info, GS302: info }\n');
  const r = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli.ts'), 'lint', '--json'], { cwd: work, encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  const rows = JSON.parse(r.stdout) as { rule: string; severity: string }[];
  assert.ok(!rows.some((f) => f.rule === 'GS401'));
  assert.ok(rows.every((f) => f.severity === 'info'));
  writeFileSync(join(work, 'goscratch.yaml'), 'lint:\n  ignore: [GS401]\n  colour: red\n');
  const bad = spawnSync(process.execPath, ['--import', tsx, join(root, 'src/cli.ts'), 'lint'], { cwd: work, encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /goscratch\.yaml/);
});

test('--list-rules prints every rule with severity, title and equivalents', () => {
  const r = lint(['--list-rules']);
  assert.equal(r.code, 0);
  assert.match(r.stdout, /^GS101 {2}error {4}Go binary/m);
  assert.match(r.stdout, /^GS301 .*hadolint:DL3002/m);
  const json = JSON.parse(lint(['--list-rules', '--json']).stdout) as { id: string }[];
  assert.ok(json.some((r) => r.id === 'GS401'));
  assert.match(lint(['--explain', 'gs203']).stdout, /^# GS203/);
  assert.equal(lint(['--explain', 'GS999']).code, 2);
});

test('sarif and github formats', () => {
  const seed = join(fixtures, 'seed.Dockerfile');
  const sarif = JSON.parse(lint([seed, '-f', 'sarif']).stdout) as { version: string; runs: { results: unknown[] }[] };
  assert.equal(sarif.version, '2.1.0');
  assert.ok(sarif.runs[0]!.results.length >= 8);
  assert.match(lint([seed, '-f', 'github']).stdout, /^::error file=.*seed\.Dockerfile,line=10,/m);
});
