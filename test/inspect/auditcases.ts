/**
 * Table-driven inspect rule specs, as test/lint/rulecases.ts is for lint: each case is
 * a subject (image facts and binary analysis written by hand) the rule must report, or
 * must not. A reported finding carries its rule's one severity.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BinaryAnalysis, GoLinked } from '../../src/binary/analyze.js';
import type { BuildInfo } from '../../src/binary/buildinfo.js';
import type { ElfInfo } from '../../src/binary/elf.js';
import { audit, type AuditSubject } from '../../src/inspect/checks.js';
import type { ImageFacts } from '../../src/inspect/facts.js';
import { parseGroup, parsePasswd } from '../../src/inspect/passwd.js';
import { AUDIT_RULES } from '../../src/inspect/rules.js';

export const TODAY = new Date('2026-11-28T00:00:00Z');

export const elf = (o: Partial<ElfInfo> = {}): ElfInfo => ({ class: 64, bigEndian: false, type: 'exec', machine: 62, machineName: 'x86-64', goarch: 'amd64', needed: [], pie: false, stripped: true, debugInfo: false, static: true, ...o });

/** A cgo binary: loader and libc. */
export const dynamicElf = (): ElfInfo => elf({ type: 'dyn', pie: true, interpreter: '/lib64/ld-linux-x86-64.so.2', needed: ['libc.so.6'], static: false });

export const goInfo = (o: Partial<BuildInfo> = {}): BuildInfo => ({ goVersion: 'go1.26.1', path: 'example.com/app', deps: [], settings: [], ...o });

export const linked = (o: Partial<GoLinked> = {}): GoLinked => ({ source: 'pclntab', cryptoTls: false, loadLocation: false, tzdata: false, fallbackRoots: false, ...o });

export function binary(o: { elf?: ElfInfo; go?: BuildInfo | null; linked?: GoLinked } = {}): BinaryAnalysis {
  const go = o.go === null ? undefined : o.go ?? goInfo();
  return { size: 1 << 20, elf: o.elf ?? elf(), goStatus: go ? 'go' : 'not-go', ...(go ? { go } : {}), ...(o.linked ? { linked: o.linked } : {}) };
}

/** Image facts as goscratch builds them (user 10001, passwd and group with appuser), changed by `o`; `files` are the regular files present. */
export function image(o: Partial<Omit<ImageFacts, 'isFile' | 'passwd' | 'group'>> & { passwd?: string | null; group?: string | null; files?: string[] } = {}): ImageFacts {
  const { files = [], passwd, group, ...rest } = o;
  const pw = passwd === undefined ? 'root:x:0:0::/root:/sbin/nologin\nappuser:x:10001:10001::/nonexistent:/sbin/nologin\n' : passwd;
  const gr = group === undefined ? 'root:x:0:\nappuser:x:10001:\n' : group;
  return {
    user: '10001:10001', env: { GOMAXPROCS: '1', GOMEMLIMIT: '100MiB' }, labels: {}, exposedPorts: [], architecture: 'amd64',
    caCertificates: '/etc/ssl/certs/ca-certificates.crt',
    ...(pw === null ? {} : { passwd: parsePasswd(pw) }),
    ...(gr === null ? {} : { group: parseGroup(gr) }),
    ...rest,
    isFile: (p) => files.includes(p),
  };
}

export interface Case {
  name: string;
  /** Changes to the default subject: a goscratch-built image with a static Go binary at /app. */
  subject: Partial<AuditSubject>;
  /** What one of the rule's messages must say. */
  message?: RegExp;
}

function run(c: Case) {
  return audit({ file: 'img', image: image(), binary: binary(), binaryPath: '/app', today: TODAY, ...c.subject });
}

export function auditCases(id: string, cases: { catches: Case[]; passes: Case[] }): void {
  const severity = AUDIT_RULES.find((r) => r.id === id)?.severity;
  assert.ok(severity, `${id} is an inspect rule`);
  for (const c of cases.catches) {
    test(`${id} catches: ${c.name}`, () => {
      const found = run(c).filter((f) => f.rule === id);
      assert.ok(found.length > 0, `expected ${id} for ${c.name}`);
      for (const f of found) assert.equal(f.severity, severity, `${id} findings carry the rule's severity`);
      if (c.message) assert.ok(found.some((f) => c.message!.test(f.message)), `expected a ${id} message matching ${c.message}, got: ${found.map((f) => f.message).join(' | ')}`);
    });
  }
  for (const p of cases.passes) {
    test(`${id} catches not: ${p.name}`, () => {
      assert.deepEqual(run(p).filter((f) => f.rule === id).map((f) => f.message), []);
    });
  }
}
