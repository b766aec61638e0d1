/**
 * "The binary, by size": a treemap of the whole file, Go code by module and package
 * (from the pclntab) beside the ELF sections and padding no package owns, drawn as
 * inline SVG whose <title>s give bytes and share on hover; tables of the same below.
 */
import { GENERATED, STD, packageList } from '../../binary/sizes.js';
import { humanSize } from '../render.js';
import type { BinaryReport } from '../report.js';
import { html, percent, type Html } from './markup.js';
import { squarify, type Box } from './treemap.js';

const W = 1200;
const H = 620;
const HEADER = 16;
/** Packages below this share of the file are drawn as one "small packages" cell per module. */
const MIN_PACKAGE_SHARE = 0.0002;
/** Parts of the file below this share are drawn as one cell. */
const MIN_PART_SHARE = 0.002;
/** Always their own cell: the program's own package and the runtime. */
const KEEP = new Set(['main', 'runtime']);
const OTHER_PARTS = 'ELF sections and padding';

const COLORS = { std: '#6d9bc9', main: '#6bb35a', generated: '#a9c6e0', other: '#c4bcb8' };
const DEP_COLORS = ['#f2a154', '#e46f6f', '#bc8cb2', '#e8cf60', '#b48d74', '#f5a7b6', '#7fc1bb', '#d98aa9', '#b6a33f', '#8fa5d6'];

interface Cell {
  value: number;
  label: string;
  title: string;
  module?: string;
  pkg?: string;
}

interface Group {
  value: number;
  packages: number;
  module: string;
  color: string;
  cells: Cell[];
}

export function binarySection(b: BinaryReport): Html {
  const head = html`<h3>The binary, by size</h3>`;
  if (!b.sizes || !b.unattributed || !b.size) {
    const why = b.goStatus === 'not-go' ? 'it is not a Go binary' : b.error ?? 'its pclntab could not be read (Go before 1.18, or section headers removed)';
    return html`<section class="binary">${head}<p class="note">No size attribution: ${why}.</p></section>`;
  }
  const size = b.size;
  const mainModule = b.go?.main?.path ?? 'main';
  const colors = moduleColors(Object.keys(b.sizes), mainModule);
  const groups: Group[] = Object.entries(b.sizes).map(([module, pkgs]) => ({
    module,
    color: colors.get(module) as string,
    value: Object.values(pkgs).reduce((n, v) => n + v, 0),
    packages: Object.keys(pkgs).length,
    cells: packageCells(module, pkgs, size),
  }));
  const other = Object.entries(b.unattributed);
  groups.push({ module: OTHER_PARTS, color: COLORS.other, packages: 0, value: other.reduce((n, [, v]) => n + v, 0), cells: partCells(other, size) });
  const code = groups.slice(0, -1).reduce((n, g) => n + g.value, 0);
  return html`<section class="binary">${head}
<p class="note">${b.path ?? ''} is ${humanSize(size)} (${size} bytes): Go code ${humanSize(code)} (${percent(code, size)}) in ${packageList(b.sizes).length} packages, the rest ELF sections, padding and headers. Hover a cell for its bytes and share.</p>
${treemap(groups, size)}
${moduleTable(groups, size, mainModule)}
${partsTable(other, size, code)}
${functionsTable(b)}</section>`;
}

function moduleColors(modules: string[], mainModule: string): Map<string, string> {
  const out = new Map<string, string>();
  let i = 0;
  for (const m of modules.sort()) {
    out.set(m, m === STD ? COLORS.std : m === mainModule ? COLORS.main : m === GENERATED ? COLORS.generated : (DEP_COLORS[i++ % DEP_COLORS.length] as string));
  }
  return out;
}

function packageCells(module: string, pkgs: Record<string, number>, size: number): Cell[] {
  const entries = Object.entries(pkgs);
  const isSmall = ([pkg, bytes]: [string, number]): boolean => bytes / size < MIN_PACKAGE_SHARE && !KEEP.has(pkg);
  const small = entries.filter(isSmall);
  // One small package keeps its own cell; two or more share one.
  const own = small.length > 1 ? entries.filter((e) => !isSmall(e)) : entries;
  const cells: Cell[] = own.map(([pkg, bytes]) => ({ value: bytes, label: pkg, pkg, module, title: `${pkg}\nmodule ${module}\n${humanSize(bytes)} (${bytes} bytes), ${percent(bytes, size)} of the file` }));
  if (small.length > 1) {
    const bytes = small.reduce((n, [, v]) => n + v, 0);
    cells.push({ value: bytes, label: `${small.length} small packages`, module, title: `${small.length} packages of ${module} under ${MIN_PACKAGE_SHARE * 100}% of the file each\n${humanSize(bytes)} (${bytes} bytes), ${percent(bytes, size)} of the file` });
  }
  return cells;
}

function partCells(parts: [string, number][], size: number): Cell[] {
  const big = parts.filter(([, v]) => v / size >= MIN_PART_SHARE);
  const rest = parts.filter(([, v]) => v / size < MIN_PART_SHARE);
  const cells: Cell[] = big.map(([name, bytes]) => ({ value: bytes, label: name, title: `${name}\n${humanSize(bytes)} (${bytes} bytes), ${percent(bytes, size)} of the file` }));
  const restBytes = rest.reduce((n, [, v]) => n + v, 0);
  if (rest.length) cells.push({ value: restBytes, label: `${rest.length} small parts`, title: `${rest.map(([n]) => n).join(', ')}\n${humanSize(restBytes)} (${restBytes} bytes), ${percent(restBytes, size)} of the file` });
  return cells;
}

function treemap(groups: Group[], size: number): Html {
  const out: Html[] = [];
  for (const { item: g, box } of squarify(groups, { x: 0, y: 0, w: W, h: H })) {
    const labelled = box.w > 80 && box.h > 3 * HEADER;
    const inner: Box = labelled ? { x: box.x + 1, y: box.y + HEADER, w: box.w - 2, h: box.h - HEADER - 1 } : box;
    const cells = squarify(g.cells, inner).map(({ item: c, box: r }, i) => cellSvg(c, r, g.color, i));
    const title = `${g.module}\n${humanSize(g.value)} (${g.value} bytes), ${percent(g.value, size)} of the file`;
    out.push(html`<g class="group" data-module="${g.module}"><title>${title}</title>${rect(box, g.color, 'frame')}${labelled ? text(box.x + 4, box.y + 12, [`${g.module} · ${humanSize(g.value)} · ${percent(g.value, size)}`, `${g.module} · ${humanSize(g.value)}`, g.module], box.w - 8, 'glabel') : ''}${cells}</g>`);
  }
  return html`<svg class="treemap" viewBox="0 0 ${W} ${H}" role="img" aria-label="treemap of the binary's bytes">${out}</svg>`;
}

function cellSvg(c: Cell, r: Box, color: string, i: number): Html {
  const label = r.h > 14 ? text(r.x + 3, r.y + 12, c.pkg !== undefined ? pathLabels(c.label) : [c.label], r.w - 6, 'clabel') : '';
  const bytes = r.h > 28 ? text(r.x + 3, r.y + 25, [humanSize(c.value)], r.w - 6, 'csize', false) : '';
  return html`<g class="cell"${c.pkg !== undefined ? html` data-package="${c.pkg}" data-module="${c.module}"` : ''}><title>${c.title}</title>${rect(r, color, 'tile', i % 2 ? 0.78 : 0.95)}${label}${bytes}</g>`;
}

function rect(b: Box, fill: string, cls: string, opacity = 1): Html {
  return html`<rect class="${cls}" x="${b.x.toFixed(1)}" y="${b.y.toFixed(1)}" width="${Math.max(0, b.w).toFixed(1)}" height="${Math.max(0, b.h).toFixed(1)}" fill="${fill}" fill-opacity="${opacity}"/>`;
}

/** The first label that fits (about 6.5 px per character at the page's 11 px font); else the last one cut, when `cut`. */
function text(x: number, y: number, options: readonly string[], width: number, cls: string, cut = true): Html {
  const fit = Math.floor(width / 6.5);
  const last = options[options.length - 1] ?? '';
  const shown = options.find((o) => o.length <= fit) ?? (cut && fit >= 4 ? last.slice(0, fit - 1) + '…' : undefined);
  return shown === undefined ? html`` : html`<text class="${cls}" x="${x.toFixed(1)}" y="${y.toFixed(1)}">${shown}</text>`;
}

/** A package path, or its last element when the path is too long. */
const pathLabels = (p: string): string[] => (p.includes('/') ? [p, '…/' + p.slice(p.lastIndexOf('/') + 1)] : [p]);

const swatch = (color: string): Html => html`<svg class="sw" viewBox="0 0 10 10" aria-hidden="true"><rect width="10" height="10" fill="${color}"/></svg>`;

function moduleTable(groups: Group[], size: number, mainModule: string): Html {
  const kind = (m: string): string => (m === STD ? 'standard library' : m === mainModule ? 'main module' : m === GENERATED ? 'compiler and linker' : m === OTHER_PARTS ? 'not Go code' : 'dependency');
  const rows = [...groups].sort((a, b) => b.value - a.value).map((g) => html`<tr data-module="${g.module}"><td>${swatch(g.color)} ${g.module}</td><td>${kind(g.module)}</td><td class="num">${g.packages || ''}</td><td class="num" title="${g.value} bytes">${humanSize(g.value)}</td><td class="num">${percent(g.value, size)}</td></tr>`);
  return html`<h4>By module</h4><table class="modules"><thead><tr><th>Module</th><th>Kind</th><th>Packages</th><th>Bytes</th><th>Share</th></tr></thead><tbody>${rows}</tbody></table>`;
}

function partsTable(parts: [string, number][], size: number, code: number): Html {
  const rest = parts.reduce((n, [, v]) => n + v, 0);
  const rows = [...parts].sort((a, b) => b[1] - a[1]).map(([name, bytes]) => html`<tr><td><code>${name}</code></td><td class="num">${bytes}</td><td class="num">${percent(bytes, size)}</td></tr>`);
  return html`<h4>Not in any package</h4><table class="parts"><thead><tr><th>Part</th><th>Bytes</th><th>Share</th></tr></thead><tbody>${rows}</tbody>
<tfoot><tr><td>Go code ${code} + other parts ${rest}</td><td class="num">${code + rest}</td><td class="num">${code + rest === size ? '= file size' : `file size ${size}`}</td></tr></tfoot></table>`;
}

function functionsTable(b: BinaryReport): Html {
  const fns = b.largestFunctions ?? [];
  if (!fns.length) return html``;
  const rows = fns.map((f) => html`<tr><td><code>${f.name}</code></td><td class="num">${f.size}</td></tr>`);
  return html`<h4>Largest functions</h4><table class="functions"><thead><tr><th>Function</th><th>Bytes</th></tr></thead><tbody>${rows}</tbody></table>`;
}
