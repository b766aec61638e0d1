import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeFailure, exitCodeOf } from '../../src/cli/errors.js';
import { BuildError, GoscratchError, InputError, UsageError, withContext } from '../../src/util/errors.js';
import { RegistryError } from '../../src/io/registry/errors.js';

test('exit codes come from the error type alone', () => {
  assert.equal(exitCodeOf(new UsageError('bad flag')), 2);
  for (const e of [new GoscratchError('x'), new InputError('x'), new BuildError('x'), new RegistryError('x', { status: 500 })]) assert.equal(exitCodeOf(e), 1);
  assert.equal(exitCodeOf(new TypeError("Cannot read properties of undefined (reading 'x')")), 70);
  assert.equal(exitCodeOf('a string'), 70);
});

test('a user error prints its message and hint, a bug says it is one and shows its stack only when debugging', () => {
  assert.equal(describeFailure(new UsageError('--jobs expects a number', { hint: 'use --jobs 4' }), false), '--jobs expects a number\nhint: use --jobs 4');
  const bug = new TypeError('idx.manifests is not iterable');
  assert.match(describeFailure(bug, false), /^internal error: idx\.manifests is not iterable\nThis is a bug in goscratch.*GOSCRATCH_DEBUG=1/s);
  assert.doesNotMatch(describeFailure(bug, false), /\n\s+at /);
  assert.match(describeFailure(bug, true), /\n\s+at /);
});

test('context is added to user errors and keeps their type; bugs pass through untouched', () => {
  const e = withContext(new RegistryError('answered 500', { status: 500 }), 'm.yaml: line 4');
  assert.ok(e instanceof RegistryError);
  assert.equal((e as RegistryError).status, 500);
  assert.equal((e as Error).message, 'm.yaml: line 4: answered 500');
  const bug = new RangeError('x');
  assert.equal(withContext(bug, 'where'), bug);
});
