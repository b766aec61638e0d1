import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeLayout } from '../../src/io/layout.js';
import { packageList } from '../../src/binary/sizes.js';
import type { InspectReport } from '../../src/inspect/report.js';
import { goscratch } from '../helpers/run.js';
import { makeTempDir, removeTree } from '../helpers/tmp.js';
import { needTools, toolPath } from '../helpers/tools.js';
import { SIZED_PROGRAM, buildGo } from '../binary/gobuild.js';
import { HOSTILE_FILE, HOSTILE_LABEL, hostileImage } from '../inspect/html-fixtures.js';
import { Chromium } from '../inspect/html-browser.js';

interface PageFacts {
  title: string;
  mainCell: boolean;
  runtimeCell: boolean;
  mainBox: { w: number; h: number } | null;
  runtimeTitle: string;
  passwdListed: boolean;
  passwdMark: string;
  hostileName: boolean;
  hostileLabel: boolean;
  images: number;
  scripts: number;
  pwned: unknown;
  sections: string[];
  height: number;
}

// Read through the DOM the browser built, not the HTML text.
const FACTS = `(() => {
  const cell = (p) => document.querySelector('svg.treemap g.cell[data-package="' + p + '"]');
  const box = (g) => { const r = g && g.querySelector('rect'); return r ? { w: r.width.baseVal.value, h: r.height.baseVal.value } : null; };
  const passwd = document.querySelector('.tree li[data-path="/etc/passwd"]');
  return {
    title: document.title,
    mainCell: !!cell('main'),
    runtimeCell: !!cell('runtime'),
    mainBox: box(cell('main')),
    runtimeTitle: cell('runtime') ? cell('runtime').querySelector('title').textContent : '',
    passwdListed: !!passwd && passwd.querySelector('.name').textContent === 'passwd',
    passwdMark: passwd ? passwd.querySelector('.mark').textContent : '',
    hostileName: [...document.querySelectorAll('.tree .name')].some((n) => n.textContent === ${JSON.stringify(HOSTILE_FILE)}),
    hostileLabel: [...document.querySelectorAll('.summary code')].some((c) => c.textContent === ${JSON.stringify(`org.example.note=${HOSTILE_LABEL}`)}),
    images: document.images.length,
    scripts: document.scripts.length,
    pwned: window.__pwned,
    sections: [...document.querySelectorAll('section.platform > section > h3')].map((h) => h.textContent),
    height: document.documentElement.scrollHeight,
  };
})()`;

test('--html refuses a path it cannot write, before reading the source', async () => {
  const dir = await makeTempDir('inspect-html-path');
  try {
    const missing = await goscratch(['inspect', '/bin/true', '--html', join(dir, 'no', 'page.html')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /the directory .*\/no does not exist/);
    const isDir = await goscratch(['inspect', '/bin/true', '--html', dir]);
    assert.equal(isDir.code, 2);
    assert.match(isDir.stderr, /it exists and is not a regular file/);
    // /bin/true is dynamically linked (GS501, an error): the page is written all the same.
    const ok = await goscratch(['inspect', '/bin/true', '-t', 'none', '--html', join(dir, 'page.html')]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(await readFile(join(dir, 'page.html'), 'utf8'), /No size attribution: it is not a Go binary\./);
  } finally {
    await removeTree(dir);
  }
});

describe('goscratch inspect --html in a real browser', needTools('go', 'chromium'), () => {
  let dir: string;
  let browser: Chromium | undefined;

  before(async () => {
    dir = await makeTempDir('inspect-html');
  });
  after(async () => {
    await browser?.close();
    if (dir) await removeTree(dir);
  });

  test('the page of an OCI layout: treemap, file tree, no network request, hostile names inert; a screenshot', async (t) => {
    const img = await hostileImage(await buildGo(SIZED_PROGRAM));
    const layout = join(dir, 'layout');
    await writeLayout(layout, img, { tags: ['v1'] });
    const page = join(dir, 'report.html');
    const r = await goscratch(['inspect', '--json', '--html', page, `oci:${layout}:v1`]);
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as InspectReport;
    const b = report.platforms[0]?.binary;
    assert.ok(b?.sizes && b.unattributed && b.size, 'sizes in --json');
    assert.equal(packageList(b.sizes).reduce((n, p) => n + p.bytes, 0) + Object.values(b.unattributed).reduce((n, v) => n + v, 0), b.size);
    assert.equal(report.platforms[0]?.files, undefined, 'the file list stays out of --json');
    t.diagnostic(`page: ${(await stat(page)).size} bytes`);

    browser = await Chromium.launch(toolPath('chromium') as string);
    const session = await browser.newPage();
    const url = pathToFileURL(page).href;
    const requests: string[] = [];
    const problems: string[] = [];
    browser.on('Network.requestWillBeSent', (p) => requests.push((p.request as { url: string }).url));
    browser.on('Log.entryAdded', (p) => problems.push(JSON.stringify(p.entry)));
    browser.on('Runtime.exceptionThrown', (p) => problems.push(JSON.stringify(p.exceptionDetails)));
    await browser.send('Network.enable', {}, session);
    await browser.send('Log.enable', {}, session);
    await browser.send('Runtime.enable', {}, session);
    await browser.send('Page.enable', {}, session);
    await browser.send('Emulation.setDeviceMetricsOverride', { width: 1300, height: 900, deviceScaleFactor: 1, mobile: false }, session);
    const loaded = browser.once('Page.loadEventFired');
    await browser.send('Page.navigate', { url }, session);
    await loaded;

    const f = await browser.evaluate<PageFacts>(session, FACTS);
    assert.equal(f.title, `goscratch inspect: oci:${layout}:v1`);
    assert.deepEqual(f.sections, ['Summary', 'Layers', 'The binary, by size', 'Findings', 'Dependencies']);
    assert.ok(f.mainCell, 'a treemap cell for the main package');
    assert.ok(f.runtimeCell, 'a treemap cell for runtime');
    assert.ok(f.mainBox && f.mainBox.w > 0 && f.mainBox.h > 0, `main's rectangle: ${JSON.stringify(f.mainBox)}`);
    assert.match(f.runtimeTitle, /^runtime\nmodule std\n[\d.]+ KiB \(\d+ bytes\), [\d.]+% of the file$/);
    assert.ok(f.passwdListed, 'the file tree lists /etc/passwd');
    assert.equal(f.passwdMark, 'passwd');
    assert.ok(f.hostileName, 'the hostile file name is shown as text');
    assert.ok(f.hostileLabel, 'the hostile label is shown as text');
    assert.equal(f.images, 0, 'no <img> made from a file name');
    assert.equal(f.scripts, 0, 'no <script> made from a label');
    assert.equal(f.pwned, undefined, 'nothing from the image ran');
    assert.deepEqual(requests, [url], 'the page itself, and no other request');
    assert.deepEqual(problems, [], 'no console message: no blocked load, no CSP violation, no error');

    // The whole page, for the CI artifact.
    await browser.send('Emulation.setDeviceMetricsOverride', { width: 1300, height: Math.min(f.height, 6000), deviceScaleFactor: 1, mobile: false }, session);
    const shot = await browser.send('Page.captureScreenshot', { format: 'png' }, session);
    const artifacts = await makeTempDir('inspect-html-artifacts');
    const png = join(artifacts, 'inspect-report.png');
    await writeFile(png, Buffer.from(shot.data as string, 'base64'));
    await writeFile(join(artifacts, 'inspect-report.html'), await readFile(page));
    const head = await readFile(png);
    assert.equal(head.subarray(1, 4).toString(), 'PNG');
    t.diagnostic(`screenshot: ${png}`);
    console.log(`inspect --html screenshot (CI artifact): ${png}`);
  });
});
