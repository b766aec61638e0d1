import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { join } from 'node:path';
import { runtimeEnv } from '../../src/runtime/env.js';
import { formatMiB, MAX_CPUS, MAX_MEMORY, MiB, parseCpus, parseMemory } from '../../src/runtime/size.js';
import { exec, execOk } from '../helpers/exec.js';
import { writeModule } from '../helpers/fixtures.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { requireTool, toolPath } from '../helpers/tools.js';

test('kubernetes dialect: binary, decimal, exponent and plain quantities', () => {
  assert.equal(parseMemory('512Mi', 'kubernetes'), 512 * MiB);
  assert.equal(parseMemory('1Gi', 'kubernetes'), 1024 * MiB);
  assert.equal(parseMemory('1.5Gi', 'kubernetes'), 1536 * MiB);
  assert.equal(parseMemory('1G', 'kubernetes'), 1e9);
  assert.equal(parseMemory('128M', 'kubernetes'), 128e6);
  assert.equal(parseMemory('500k', 'kubernetes'), 5e5);
  assert.equal(parseMemory('1e9', 'kubernetes'), 1e9);
  assert.equal(parseMemory('134217728', 'kubernetes'), 134217728);
});

test('kubernetes dialect: m is milli, so a memory of 512m is refused with the fix', () => {
  assert.throws(() => parseMemory('512m', 'kubernetes'), /fraction of a byte .*'m' is milli.*write 512Mi/);
  assert.throws(() => parseMemory('1gb', 'kubernetes'), /not a Kubernetes quantity/);
  assert.throws(() => parseMemory('0', 'kubernetes'), /more than 0 bytes/);
  assert.throws(() => parseMemory('-1Gi', 'kubernetes'), /not a Kubernetes quantity/);
});

test('flag dialect: IEC suffixes and docker lowercase forms are binary', () => {
  for (const s of ['512Mi', '512MiB', '512m', '512mb', '536870912', '536870912b']) assert.equal(parseMemory(s, 'flag'), 512 * MiB, s);
  assert.equal(parseMemory('1g', 'flag'), 1024 * MiB);
  assert.equal(parseMemory('2Gi', 'flag'), 2048 * MiB);
  assert.equal(parseMemory('64k', 'flag'), 64 * 1024);
});

test('flag dialect: upper-case K/M/G/T alone are ambiguous between Kubernetes and docker, and refused', () => {
  assert.throws(() => parseMemory('512M', 'flag'), /ambiguous.*write 512Mi .*or 512m/);
  assert.throws(() => parseMemory('1GB', 'flag'), /ambiguous/);
  assert.throws(() => parseMemory('1x', 'flag'), /unknown unit "x"/);
  assert.throws(() => parseMemory('lots', 'flag'), /not a memory size/);
});

test('both dialects agree on every Mi/Gi size', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 1 << 20 }), fc.constantFrom('Ki', 'Mi', 'Gi'), (n, u) => parseMemory(`${n}${u}`, 'kubernetes') === parseMemory(`${n}${u}`, 'flag')),
  );
});

test('parseCpus takes numbers and millicores', () => {
  assert.equal(parseCpus('0.5'), 0.5);
  assert.equal(parseCpus(2), 2);
  assert.equal(parseCpus('1500m'), 1.5);
  assert.throws(() => parseCpus('0'), /positive number/);
  assert.throws(() => parseCpus('two'), /positive number/);
});

test('formatMiB rounds down to whole MiB', () => {
  assert.equal(formatMiB(0.9 * 512 * MiB), '460MiB');
  assert.equal(formatMiB(MiB - 1), '0MiB');
});

test('sizes past any machine are refused in both dialects; the largest accepted ones still start a Go binary', async (t) => {
  for (const d of ['kubernetes', 'flag'] as const) {
    assert.throws(() => parseMemory('10Ei', d), /more than 1Pi/);
    assert.throws(() => parseMemory('1025Ti', d), /more than 1Pi/);
    assert.equal(parseMemory('1Pi', d), MAX_MEMORY);
  }
  assert.throws(() => parseCpus('5000'), /more than 4096/);
  assert.equal(parseCpus(MAX_CPUS), MAX_CPUS);
  if (!requireTool(t, 'go')) return;
  const dir = await makeTempDir('runtime-max');
  t.after(() => removeTree(dir));
  await writeModule(dir, { 'main.go': 'package main\n\nfunc main() {}\n' });
  await execOk(toolPath('go')!, ['build', '-o', 'app', '.'], { cwd: dir });
  const { env } = runtimeEnv({ cpus: MAX_CPUS, memory: MAX_MEMORY, memoryRatio: 1 });
  const r = await exec(join(dir, 'app'), [], { env: { ...Object.fromEntries(env.map((e) => e.split('='))) } });
  assert.equal(r.code, 0, `${env.join(' ')}: ${r.stderr}`);
  // What an unbounded --memory 10Ei baked: the runtime refuses it before main.
  const old = await exec(join(dir, 'app'), [], { env: { GOMEMLIMIT: formatMiB(0.9 * 10 * 2 ** 60) } });
  assert.match(old.stderr, /malformed GOMEMLIMIT/);
});
