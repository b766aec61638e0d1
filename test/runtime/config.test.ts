import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runtimeConfigSchema } from '../../src/config/runtime.js';

test('runtime section: cpus, memory, memoryRatio with its default', () => {
  assert.deepEqual(runtimeConfigSchema.parse({ cpus: 0.5, memory: '512Mi' }), { cpus: 0.5, memory: '512Mi', memoryRatio: 0.9 });
  assert.deepEqual(runtimeConfigSchema.parse({ memory: '1g', memoryRatio: 0.8 }), { memory: '1g', memoryRatio: 0.8 });
  assert.deepEqual(runtimeConfigSchema.parse({}), { memoryRatio: 0.9 });
});

test('runtime section: bad values and unknown keys are refused with the reason', () => {
  const issues = (v: unknown): string => {
    const r = runtimeConfigSchema.safeParse(v);
    assert.equal(r.success, false);
    return r.error!.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('\n');
  };
  assert.match(issues({ memory: '512M' }), /^memory: .*ambiguous/);
  assert.match(issues({ cpus: 0 }), /^cpus: /);
  assert.match(issues({ cpus: 'one' }), /^cpus: .*500m/);
  assert.equal(runtimeConfigSchema.parse({ cpus: '500m' }).cpus, 0.5, 'Kubernetes millicores are read as CPUs');
  assert.match(issues({ memoryRatio: 1.2 }), /^memoryRatio: /);
  assert.match(issues({ cpu: 1 }), /cpu/);
});
