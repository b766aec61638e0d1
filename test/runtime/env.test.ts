import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BuildInfo } from '../../src/binary/buildinfo.js';
import { AUTOMAXPROCS, AUTOMEMLIMIT, goAtLeast, gomaxprocsFor, runtimeEnv } from '../../src/runtime/env.js';
import { UsageError } from '../../src/util/errors.js';

const info = (goVersion: string, deps: string[] = [], godebug?: string): BuildInfo => ({
  goVersion,
  path: 'example.com/hello',
  deps: deps.map((path) => ({ path, version: 'v1.0.0' })),
  settings: godebug === undefined ? [] : [{ key: 'DefaultGODEBUG', value: godebug }],
});

test('GOMAXPROCS is ceil(cpus), at least 1', () => {
  assert.deepEqual([0.1, 0.5, 1, 1.5, 2, 3.01].map(gomaxprocsFor), [1, 1, 1, 2, 2, 4]);
  assert.throws(() => gomaxprocsFor(0), UsageError);
});

test('Go 1.23 binary with cpus and memory: both variables set, with reasons', () => {
  const d = runtimeEnv({ cpus: 0.5, memory: '512Mi', buildInfo: info('go1.23.5') });
  assert.deepEqual(d.env, ['GOMAXPROCS=1', 'GOMEMLIMIT=460MiB']);
  assert.match(d.choices[0]!.reason, /go1\.23\.5 sets GOMAXPROCS to the host's CPU count, ignoring the 0\.5-CPU limit/);
  assert.match(d.choices[1]!.reason, /no Go version sets a memory limit by itself; 90% of 512Mi/);
});

test('memoryRatio and docker-style sizes', () => {
  assert.deepEqual(runtimeEnv({ memory: '1g', memoryRatio: 0.75 }).env, ['GOMEMLIMIT=768MiB']);
  assert.deepEqual(runtimeEnv({ memory: 1024 * 1024 * 1024 }).env, ['GOMEMLIMIT=921MiB']);
  assert.throws(() => runtimeEnv({ memory: '1M' }), /ambiguous/);
  assert.throws(() => runtimeEnv({ memory: '1Ki' }), /too small/);
  assert.throws(() => runtimeEnv({ memory: '1Gi', memoryRatio: 1.5 }), /at most 1/);
});

test('Go >= 1.25 handles GOMAXPROCS itself, unless DefaultGODEBUG or the image env turns it off', () => {
  const d = runtimeEnv({ cpus: 0.5, memory: '512Mi', buildInfo: info('go1.25.1') });
  assert.deepEqual(d.env, ['GOMEMLIMIT=460MiB']);
  assert.equal(d.choices[0]!.value, undefined);
  assert.match(d.choices[0]!.reason, /go1\.25\.1 sets GOMAXPROCS from the container's CPU limit itself/);
  // A go.mod `go` line below 1.25 puts containermaxprocs=0 in DefaultGODEBUG.
  assert.deepEqual(runtimeEnv({ cpus: 2.5, buildInfo: info('go1.25.1', [], 'containermaxprocs=0,updatemaxprocs=0') }).env, ['GOMAXPROCS=3']);
  assert.deepEqual(runtimeEnv({ cpus: 2.5, buildInfo: info('go1.26rc1'), env: ['GODEBUG=containermaxprocs=0'] }).env, ['GOMAXPROCS=3']);
  assert.deepEqual(runtimeEnv({ cpus: 2, buildInfo: info('devel go1.26-abcdef') }).env, ['GOMAXPROCS=2']);
});

test('automaxprocs and automemlimit in the dependencies: left to them', () => {
  const d = runtimeEnv({ cpus: 1, memory: '256Mi', buildInfo: info('go1.22.0', [AUTOMAXPROCS, AUTOMEMLIMIT]) });
  assert.deepEqual(d.env, []);
  assert.match(d.choices[0]!.reason, /go\.uber\.org\/automaxprocs/);
  assert.match(d.choices[1]!.reason, /KimMachineGun\/automemlimit/);
});

test('a variable already in the image env is kept', () => {
  const d = runtimeEnv({ cpus: 4, memory: '1Gi', env: ['PATH=/bin', 'GOMAXPROCS=8'] });
  assert.deepEqual(d.env, ['GOMEMLIMIT=921MiB']);
  assert.match(d.choices[0]!.reason, /GOMAXPROCS=8 is already set/);
});

test('nothing asked, nothing set', () => {
  assert.deepEqual(runtimeEnv({ buildInfo: info('go1.23.0') }), { env: [], choices: [] });
});

test('goAtLeast', () => {
  assert.equal(goAtLeast('go1.25.0', 1, 25), true);
  assert.equal(goAtLeast('go1.25rc2', 1, 25), true);
  assert.equal(goAtLeast('go1.24.9', 1, 25), false);
  assert.equal(goAtLeast('go2.0', 1, 25), true);
  assert.equal(goAtLeast('devel', 1, 25), false);
});
