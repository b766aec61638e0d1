import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import fc from 'fast-check';
import { inspectArtifact, inspectImage } from '../../src/inspect/inspect.js';
import { htmlReport } from '../../src/inspect/html/page.js';
import { squarify } from '../../src/inspect/html/treemap.js';
import { modeString } from '../../src/inspect/html/filetree.js';
import { html } from '../../src/inspect/html/markup.js';
import { renderReport } from '../../src/inspect/render.js';
import { AUDIT_RULES } from '../../src/inspect/rules.js';
import { newIndex } from '../../src/image/model.js';
import { packageList } from '../../src/binary/sizes.js';
import type { InspectReport } from '../../src/inspect/report.js';
import { requireTool } from '../helpers/tools.js';
import { MINIMAL, SIZED_PROGRAM, buildGo, goMod } from '../binary/gobuild.js';
import { testImage } from './images.js';
import { HOSTILE_LABEL, hostileImage } from './html-fixtures.js';

const TODAY = new Date('2026-11-28T00:00:00Z');
const ALLOWED_TAGS = new Set(['!doctype', 'html', 'head', 'meta', 'title', 'style', 'body', 'header', 'h1', 'h2', 'h3', 'h4', 'p', 'nav', 'a', 'main', 'section', 'dl', 'dt', 'dd', 'ul', 'li', 'code', 'span', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'th', 'td', 'div', 'details', 'summary', 'svg', 'g', 'title', 'rect', 'text', 'footer']);
const page = (r: InspectReport): string => htmlReport(r, AUDIT_RULES, 'test');

test('squarify: areas are proportional to values, inside the box, and cover it', () => {
  fc.assert(fc.property(fc.array(fc.integer({ min: 1, max: 1_000_000 }), { minLength: 1, maxLength: 60 }), fc.integer({ min: 50, max: 1500 }), fc.integer({ min: 50, max: 900 }), (values, w, h) => {
    const items = values.map((value, i) => ({ value, i }));
    const placed = squarify(items, { x: 10, y: 20, w, h });
    assert.equal(placed.length, items.length);
    const total = values.reduce((n, v) => n + v, 0);
    let area = 0;
    for (const { item, box } of placed) {
      const expected = (item.value / total) * w * h;
      assert.ok(Math.abs(box.w * box.h - expected) <= 1e-6 * w * h, `area of ${item.value}`);
      assert.ok(box.x >= 10 - 1e-6 && box.y >= 20 - 1e-6 && box.x + box.w <= 10 + w + 1e-6 && box.y + box.h <= 20 + h + 1e-6, 'inside');
      area += box.w * box.h;
    }
    assert.ok(Math.abs(area - w * h) < 1e-6 * w * h);
  }), { numRuns: 200 });
  // Squarified: equal values in a square come out as squares, not slivers.
  const four = squarify([1, 1, 1, 1].map((value) => ({ value })), { x: 0, y: 0, w: 100, h: 100 });
  for (const { box } of four) assert.deepEqual([Math.round(box.w), Math.round(box.h)], [50, 50]);
  assert.deepEqual(squarify([{ value: 0 }], { x: 0, y: 0, w: 10, h: 10 }), []);
});

test('markup escapes every interpolated value', () => {
  const v = `<b>"x" & 'y'</b>`;
  assert.equal(html`<p title="${v}">${v}</p>`.text, '<p title="&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;">&lt;b&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/b&gt;</p>');
  assert.equal(html`<ul>${['a', html`<li>${'<'}</li>`]}</ul>`.text, '<ul>a<li>&lt;</li></ul>');
  assert.equal(modeString({ type: 'file', mode: 0o4755 }), '-rwsr-xr-x');
  assert.equal(modeString({ type: 'dir', mode: 0o1777 }), 'drwxrwxrwt');
});

test('the page of an image: sections, treemap cells, marked files, and hostile names kept as text', async (t) => {
  if (!requireTool(t, 'go')) return;
  const img = await hostileImage(await buildGo({ ...SIZED_PROGRAM, args: ['-ldflags=-s -w'] }));
  const r = await inspectImage(img, `oci:/tmp/${HOSTILE_LABEL}`, { today: TODAY, files: true });
  const report: InspectReport = { source: `oci:/tmp/${HOSTILE_LABEL}`, kind: 'image', digest: img.digest, platforms: [r], findings: r.findings };
  const out = page(report);

  // Nothing from the image becomes markup; nothing is loaded.
  // Every '<' in the page starts a tag goscratch wrote: the hostile text is all escaped.
  const tags = new Set([...out.matchAll(/<\/?([a-zA-Z!][\w-]*)/g)].map((m) => (m[1] as string).toLowerCase()));
  assert.deepEqual([...tags].filter((x) => !ALLOWED_TAGS.has(x)), [], 'only the tags the page is made of');
  // Attribute values are double-quoted with no raw quote inside, so names parse exactly.
  const attrs = new Set([...out.matchAll(/<[a-zA-Z][^>]*>/g)].flatMap((m) => [...m[0].matchAll(/\s([\w:-]+)(?:="[^"]*")?/g)].map((a) => a[1] as string)));
  assert.deepEqual([...attrs].filter((a) => a === 'src' || a === 'style' || a.startsWith('on')), [], 'no src, style or event-handler attributes');
  assert.ok(out.includes('&lt;img src=x onerror=&quot;window.__pwned=1&quot;&gt;'), 'the hostile file name, escaped');
  assert.ok(out.includes('&lt;/script&gt;&lt;script&gt;window.__pwned=2&lt;/script&gt;'), 'the hostile label, escaped');
  for (const m of out.matchAll(/https?:\/\/[^\s"'<]+/g)) {
    const before = out.slice(Math.max(0, (m.index ?? 0) - 6), m.index);
    assert.ok(before.endsWith('href="') || before.includes('xmlns'), `only links, never loads: ${m[0]}`);
  }
  const csp = (/<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(out)?.[1] ?? '').replaceAll('&#39;', "'");
  assert.match(csp, /^default-src 'none'; style-src 'sha256-[A-Za-z0-9+/=]+'/);
  const css = /<style>([\s\S]*?)<\/style>/.exec(out)?.[1] ?? '';
  assert.doesNotMatch(css, /url\(|@import|@font-face/, 'the stylesheet loads nothing');
  assert.ok(csp.includes(`'sha256-${createHash('sha256').update(css).digest('base64')}'`), 'the stylesheet is allowed by its hash');

  // Sections.
  for (const h of ['Summary', 'Layers', 'The binary, by size', 'Findings', 'Dependencies']) assert.ok(out.includes(`<h3>${h}</h3>`), h);
  assert.match(out, /<g class="cell" data-package="main" data-module="example.com\/sized">/);
  assert.match(out, /<g class="cell" data-package="runtime" data-module="std">/);
  assert.match(out, /data-package="gopkg.in\/acme.v2" data-module="gopkg.in\/acme.v2"/);
  assert.match(out, /<title>runtime\nmodule std\n[\d.]+ KiB \(\d+ bytes\), [\d.]+% of the file<\/title>/, 'hover: bytes and share');
  assert.match(out, /= file size/);
  // Files, with marks.
  assert.match(out, /<li class="file marked" data-path="\/etc\/passwd"><span class="name">passwd<\/span><span class="mark">passwd<\/span>/);
  assert.match(out, /data-path="\/etc\/group"><span class="name">group<\/span><span class="mark">group<\/span>/);
  assert.match(out, /data-path="\/app"><span class="name">app<\/span><span class="mark">entrypoint<\/span>/);
  assert.match(out, /data-path="\/etc\/ssl\/certs\/ca-certificates.crt"><span class="name">ca-certificates.crt<\/span><span class="mark">CA bundle<\/span>/);
  assert.match(out, /data-path="\/usr\/share\/zoneinfo"><details><summary><span class="name">zoneinfo\/<\/span><span class="mark">tzdata<\/span>/);
  assert.match(out, /<span class="mode">-rw-r--r--<\/span><span class="owner">0:0<\/span>/);
  assert.ok(out.includes('COPY step 2 &lt;/script&gt;'), 'history, escaped');
  // Findings link to their rule's page; dependencies and build settings.
  assert.match(out, /<tr class="info" data-rule="GS508">.*<a href="https:\/\/github.com\/goscratch\/goscratch\/blob\/main\/docs\/inspect.md#findings"/s);
  assert.match(out, /<td>gopkg.in\/acme.v2<\/td><td>v2.0.0<\/td><td>dependency<\/td>/);
  assert.match(out, /<tr class="key"><td><code>-ldflags<\/code><\/td><td><code>-s -w<\/code><\/td><\/tr>/);
  assert.match(out, /<tr class="key"><td><code>-tags<\/code><\/td><td><code>\(not set\)<\/code><\/td><\/tr>/);
});

test('the report carries sizes; the text report has a top-10 package table', async (t) => {
  if (!requireTool(t, 'go')) return;
  const img = await testImage({ binary: await buildGo(SIZED_PROGRAM) });
  const r = await inspectImage(img, 'sized', { today: TODAY });
  const b = r.binary;
  assert.ok(b.sizes && b.unattributed && b.size);
  const sum = packageList(b.sizes).reduce((n, p) => n + p.bytes, 0) + Object.values(b.unattributed).reduce((n, v) => n + v, 0);
  assert.equal(sum, b.size);
  assert.equal(r.files, undefined, 'no file list unless asked for');
  const text = renderReport({ source: 'sized', kind: 'image', platforms: [r], findings: [] });
  const table = text.split('\n').filter((l) => /^\s+[\d.]+ (B|KiB|MiB)\s+[\d.]+% {2}/.test(l));
  assert.equal(table.length, 10, text);
  assert.match(text, /size\s+Go code [\d.]+ MiB of [\d.]+ MiB in \d+ packages; top 10:/);
  assert.match(table[0] ?? '', /runtime {2}\(std\)$/);
});

test('a multi-platform index: one section per platform and a switch between them', async (t) => {
  if (!requireTool(t, 'go')) return;
  const files = { 'go.mod': goMod(), 'main.go': MINIMAL };
  const amd = await testImage({ binary: await buildGo({ files, args: ['-ldflags=-s -w'] }) });
  const arm = await testImage({ binary: await buildGo({ files, env: { GOARCH: 'arm64' }, args: ['-ldflags=-s -w'] }), arch: 'arm64' });
  const r = await inspectArtifact(newIndex([amd, arm]), 'multi', { today: TODAY, files: true });
  const out = page(r);
  assert.match(out, /<nav><a href="#p1">linux\/amd64<\/a><a href="#p2">linux\/arm64<\/a><\/nav>/);
  assert.match(out, /<section class="platform" id="p1" data-platform="linux\/amd64">/);
  assert.match(out, /<section class="platform" id="p2" data-platform="linux\/arm64">/);
  assert.equal(out.match(/data-package="runtime"/g)?.length, 2);
});

test('a plain binary and a non-Go file: the page says what is missing', async (t) => {
  if (!requireTool(t, 'go')) return;
  const bin = await buildGo({ files: { 'go.mod': goMod(), 'main.go': MINIMAL } });
  const { inspectBinary } = await import('../../src/inspect/inspect.js');
  const out = page(await inspectBinary(bin, 'hello', { today: TODAY }));
  assert.match(out, /A plain binary: no image layers\./);
  assert.match(out, /data-package="main"/);
  const notGo = page(await inspectBinary('/bin/true', 'true', { today: TODAY }));
  assert.match(notGo, /No size attribution: it is not a Go binary\./);
  assert.match(notGo, /No Go build info, so no module list\./);
});

test('a huge or deep file system stays a bounded page; marked files are always listed', async () => {
  const many = Array.from({ length: 6000 }, (_, i) => ({ type: 'file' as const, path: `/aaa/f${String(i).padStart(5, '0')}`, mode: 0o644, data: Buffer.alloc(0) }));
  const deep = { type: 'file' as const, path: '/' + Array.from({ length: 100 }, (_, i) => `a${i}`).join('/'), mode: 0o644, data: Buffer.from('x') };
  const img = await testImage({ extra: [...many, deep] });
  const r = await inspectImage(img, 'big', { today: TODAY, files: true });
  const out = page({ source: 'big', kind: 'image', platforms: [r], findings: r.findings });
  assert.match(out, /\d+ more entries are not shown \(the page lists 5000\)\./);
  assert.match(out, /data-path="\/etc\/passwd"/, 'sorted after the first 5000, listed because it is marked');
  assert.ok(out.length < 3 << 20, `${out.length} bytes`);
  // 31 directory levels, then the rest of the path as one name.
  assert.ok(out.includes(`<span class="name">${Array.from({ length: 69 }, (_, i) => `a${i + 31}`).join('/')}</span>`));
});
