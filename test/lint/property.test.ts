/**
 * Whatever the input (random bytes, truncations, mutated lines, deep continuations,
 * huge lines, binary), linting returns findings and never throws or hangs.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { lintText } from '../../src/lint/engine.js';
import { splitLines } from '../../src/lint/model.js';

const seed = readFileSync(new URL('../fixtures/seed.Dockerfile', import.meta.url), 'utf8');
const good = readFileSync(new URL('../fixtures/good.Dockerfile', import.meta.url), 'utf8');

/** Lints within a time budget and checks the shape of every finding. */
function lintsCleanly(text: string, budgetMs = 2000): void {
  const start = performance.now();
  const found = lintText(text, 'Dockerfile');
  assert.ok(performance.now() - start < budgetMs, `took ${performance.now() - start} ms`);
  const lines = splitLines(text).length;
  for (const f of found) {
    assert.match(f.rule, /^GS\d{3}$/);
    assert.ok(Number.isInteger(f.line) && f.line! >= 1 && f.endLine! >= f.line!);
    assert.ok(f.endLine! <= lines, `finding ends on line ${f.endLine} of ${lines}`);
    assert.ok(typeof f.message === 'string' && f.message.length > 0);
  }
}

const tokens = fc.constantFrom(
  'FROM', 'FROM scratch', 'FROM golang:1.23 AS build', 'RUN', 'COPY', 'COPY --from=', '--from=build', 'ARG', 'ENV', 'USER',
  '\\', '`', '\n', '\r\n', ' ', '"', "'", '[', ']', '{', '}', '$', '${', '${X:-', '<<EOF', 'EOF', '<<-', '#', '# escape=`', '# goscratch ignore=',
  'go build', 'CGO_ENABLED=0', 'GOARCH=$TARGETARCH', '-ldflags="-s -w"', '-o', '=', ',', '--mount=type=cache,target=', 'HEALTHCHECK CMD', 'AS', '\t', '\0', '\u00e9', '\ud83d\ude00',
);

test('random token soup never throws', () => {
  fc.assert(fc.property(fc.array(tokens, { maxLength: 200 }).map((a) => a.join('')), (text) => lintsCleanly(text)), { numRuns: 400 });
});

test('random strings and bytes never throw', () => {
  fc.assert(fc.property(fc.string({ unit: 'binary', maxLength: 2000 }), (text) => lintsCleanly(text)), { numRuns: 300 });
  fc.assert(fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => lintsCleanly(Buffer.from(bytes).toString('utf8'))), { numRuns: 200 });
});

test('truncations and line mutations of real Dockerfiles never throw', () => {
  for (const base of [seed, good]) {
    fc.assert(fc.property(fc.nat(base.length), (n) => lintsCleanly(base.slice(0, n))), { numRuns: 150 });
    const lines = base.split('\n');
    fc.assert(fc.property(fc.array(fc.tuple(fc.nat(lines.length), fc.nat(80), tokens), { maxLength: 8 }), (edits) => {
      const copy = [...lines];
      for (const [l, c, t] of edits) {
        const line = copy[l % copy.length] ?? '';
        copy[l % copy.length] = line.slice(0, c) + t + line.slice(c);
      }
      lintsCleanly(copy.join('\n'));
    }), { numRuns: 300 });
  }
});

test('deep continuations, huge lines and many stages stay fast', () => {
  // The parser is linear but not fast on megabyte inputs: a looser budget for those.
  lintsCleanly('FROM scratch\nRUN a \\\n' + 'b \\\n'.repeat(20000) + 'c\n', 10_000);
  lintsCleanly('FROM scratch\nRUN ' + 'x'.repeat(1_000_000) + '\n', 10_000);
  lintsCleanly('FROM scratch\nENV A=' + 'x'.repeat(1_000_000) + '\nARG B=' + 'y:'.repeat(500_000) + '\n', 10_000);
  lintsCleanly('FROM golang:1.23 AS s0\n' + Array.from({ length: 300 }, (_, i) => `FROM s${i} AS s${i + 1}\nRUN go build -o /o${i} .\nCOPY --from=s${i} /o /o`).join('\n'));
  lintsCleanly('FROM scratch\nENV A=' + '${A}'.repeat(5000) + '\n');
  lintsCleanly('\\\n'.repeat(50000), 10_000);
  lintsCleanly('\0'.repeat(10000));
});
