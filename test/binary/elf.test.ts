import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { readElf, readElfFile } from '../../src/binary/elf.js';
import { requireTool } from '../helpers/tools.js';
import { HELLO, MINIMAL, NET_PROGRAM, buildGo, goMod } from './gobuild.js';

test('a CGO_ENABLED=0 binary is static, not PIE, and has a symbol table', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO } });
  const info = await readElfFile(bin);
  assert.equal(info.class, 64);
  assert.equal(info.machine, 62);
  assert.equal(info.machineName, 'x86-64');
  assert.equal(info.goarch, 'amd64');
  assert.equal(info.type, 'exec');
  assert.equal(info.static, true);
  assert.equal(info.interpreter, undefined);
  assert.deepEqual(info.needed, []);
  assert.equal(info.pie, false);
  assert.equal(info.stripped, false);
  assert.equal(info.debugInfo, true);
});

test('-ldflags="-s -w" strips the symbol table and DWARF', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO }, args: ['-ldflags=-s -w'] });
  const info = readElf(await readFile(bin));
  assert.equal(info.stripped, true);
  assert.equal(info.debugInfo, false);
  assert.equal(info.static, true);
});

test('a cgo binary importing net names its loader and libc', async (t) => {
  if (!requireTool(t, 'go', 'gcc')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': NET_PROGRAM }, env: { CGO_ENABLED: '1' } });
  const info = await readElfFile(bin);
  assert.equal(info.static, false);
  assert.equal(info.interpreter, '/lib64/ld-linux-x86-64.so.2');
  assert.ok(info.needed.includes('libc.so.6'), `needed: ${info.needed.join(', ')}`);
});

test('-buildmode=pie gives a position-independent executable', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL }, args: ['-buildmode=pie'] });
  const info = await readElfFile(bin);
  assert.equal(info.type, 'dyn');
  assert.equal(info.pie, true);
});

test('cross-compiled binaries report their GOARCH', async (t) => {
  if (!requireTool(t, 'go')) return;
  for (const [goarch, machine, cls] of [['arm64', 183, 64], ['arm', 40, 32], ['386', 3, 32], ['s390x', 22, 64]] as const) {
    const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL }, env: { GOARCH: goarch }, args: ['-ldflags=-s -w'] });
    const info = await readElfFile(bin);
    assert.equal(info.goarch, goarch);
    assert.equal(info.machine, machine);
    assert.equal(info.class, cls);
    assert.equal(info.bigEndian, goarch === 's390x');
    assert.equal(info.static, true);
  }
});

test('non-ELF and truncated input throw a clear error', async (t) => {
  assert.throws(() => readElf(Buffer.from('#!/bin/sh\necho hi\n')), /not a valid ELF file: no ELF magic/);
  assert.throws(() => readElf(Buffer.alloc(0)), /not a valid ELF file/);
  assert.throws(() => readElf(Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1])), /file ends inside the ELF identification/);
  assert.throws(() => readElf(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 9, 1, 1]), Buffer.alloc(57)])), /unknown ELF class 9/);
  assert.throws(() => readElf(Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 3, 1]), Buffer.alloc(57)])), /unknown byte order 3/);
  if (!requireTool(t, 'go')) return;
  const bin = await readFile(await buildGo({ files: { 'go.mod': goMod(), 'main.go': HELLO } }));
  assert.throws(() => readElf(bin.subarray(0, 40)), /ends inside the ELF header/);
  // Section headers sit at the end of a Go binary: cutting the tail must be caught.
  assert.throws(() => readElf(bin.subarray(0, bin.length - 100)), /past the end of the file/);
});
