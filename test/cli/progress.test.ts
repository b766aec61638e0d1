/**
 * Progress of long steps (a compile of hundreds of packages): on a TTY one line
 * rewritten, the elapsed time moving every second and details at most ten times a
 * second; in plain mode (CI, a pipe) a line per step and at most one line of detail
 * every five seconds, or one every thirty when nothing new happens. Clock and timers
 * are node:test's mock, stderr is captured.
 */
import { afterEach, beforeEach, mock, test } from 'node:test';
import assert from 'node:assert/strict';
import { progress } from '../../src/cli/ui/progress.js';
import { configureLog } from '../../src/cli/ui/log.js';

let written: string[] = [];
const env = { CI: process.env.CI, tty: process.stderr.isTTY };

beforeEach(() => {
  written = [];
  mock.method(process.stderr, 'write', (chunk: string) => {
    written.push(chunk);
    return true;
  });
  mock.timers.enable({ apis: ['setInterval', 'Date'], now: 0 });
});

afterEach(() => {
  mock.timers.reset();
  mock.restoreAll();
  configureLog({ quiet: false });
  if (env.CI === undefined) delete process.env.CI;
  else process.env.CI = env.CI;
  process.stderr.isTTY = env.tty;
});

test('plain mode: a line per step; details at most every 5 s; a quiet step says it is alive every 30 s', () => {
  process.env.CI = 'true';
  const p = progress();
  p.step('compiling ./cmd/... for linux/amd64');
  for (let i = 1; i <= 200; i++) p.detail(`${i} packages compiled`);
  assert.deepEqual(written, ['[0.0s] compiling ./cmd/... for linux/amd64\n']);
  mock.timers.tick(5_000);
  p.detail('201 packages compiled');
  assert.equal(written.at(-1), '[5.0s] compiling ./cmd/... for linux/amd64: 201 packages compiled\n');
  mock.timers.tick(25_000);
  assert.equal(written.length, 2, 'nothing new for 25 s: still quiet');
  mock.timers.tick(5_000);
  assert.equal(written.at(-1), '[35.0s] compiling ./cmd/... for linux/amd64: 201 packages compiled\n');
  p.step('assembling layers');
  assert.equal(written.at(-1), '[35.0s] assembling layers\n', 'a new step starts without the old detail');
  p.done('built app:latest');
  mock.timers.tick(120_000);
  assert.equal(written.at(-1), 'built app:latest (35.0s)\n', 'no line after done');
});

test('TTY: one line rewritten; the elapsed time moves every second; details redrawn at most every 100 ms', () => {
  delete process.env.CI;
  process.stderr.isTTY = true;
  const p = progress();
  p.step('compiling');
  assert.deepEqual(written, ['\r\x1b[K[0.0s] compiling…']);
  p.detail('1 package compiled');
  assert.equal(written.length, 1, 'within 100 ms of the last redraw');
  mock.timers.tick(1_000);
  assert.equal(written.at(-1), '\r\x1b[K[1.0s] compiling: 1 package compiled…');
  mock.timers.tick(150);
  p.detail('2 packages compiled');
  assert.equal(written.at(-1), '\r\x1b[K[1.1s] compiling: 2 packages compiled…');
  p.done();
  assert.equal(written.at(-1), '\r\x1b[K');
});

test('quiet: nothing at all', () => {
  configureLog({ quiet: true });
  const p = progress();
  p.step('compiling');
  p.detail('3 packages compiled');
  mock.timers.tick(60_000);
  p.done('built');
  assert.deepEqual(written, []);
});
