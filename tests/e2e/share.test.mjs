// End-to-end tests of share links and exports on the built site (dist/): a pair opened from
// local files, its view changed (sample type, zoom, search), shared, and the link opened in a
// fresh browser shows the same view and numbers without any request leaving the site (the
// profiles travel in the fragment); back and forward step through views; a damaged link is
// explained (and the page then opens the demo with the CLI's numbers); a link too long for chat is
// slimmed on request (call paths under 1/N folded into (other)) and keeps the original's total,
// flat values and the cum of functions holding 1/N, as the CLI reads the original; exports are real
// files (SVG with the frames shown, the table, the profile the CLI reads).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { tableRows } from './page.mjs';
import { serveDir } from './server.mjs';

import { corpus, demoBase, demoProfile, dist, out } from './site.mjs';

let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `no ${dist}/index.html: run scripts/build first`);
  mkdirSync(out, { recursive: true });
  server = await serveDir(dist, '/shared/site/');
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

/** A new page of `b` at `url`, watched for problems and for every request it makes. */
async function open(b, url) {
  const page = await b.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems = watchPage(page, new URL(server.url).origin);
  const requests = [];
  page.on('request', (r) => requests.push(r.url()));
  await page.goto(url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  return { page, problems, requests };
}

/** The breadcrumb's names (the zoom path). */
async function crumbs(page) {
  return page.$$eval('.breadcrumb .crumb:not(#reset-zoom)', (bs) => bs.map((b) => b.getAttribute('title') ?? b.textContent));
}

/** Waits until the table's rows are `want` (the page shows at most 200). */
async function waitRows(page, want) {
  await page.waitForFunction(
    (w) => {
      const trs = [...document.querySelectorAll('#top-table tbody tr')];
      return trs.length === w.length && trs.every((t, i) => t.dataset.name === w[i][0] && t.dataset.flat === w[i][1] && t.dataset.cum === w[i][2]);
    },
    want,
    { timeout: 30_000 },
  );
}

/** Clicks the widest frame of flame-graph row `row` (icicle: row 0 on top) and waits for the zoom. */
async function zoomRow(page, row) {
  const before = (await crumbs(page)).length;
  await page.locator('canvas#flame').scrollIntoViewIfNeeded();
  const box = await page.locator('canvas#flame').boundingBox();
  for (const f of [0.5, 0.3, 0.7, 0.15, 0.85, 0.05]) {
    await page.mouse.move(box.x + box.width * f, box.y + row * 18 + 9);
    if (await page.locator('.flame-wrap .tooltip').count()) {
      await page.mouse.click(box.x + box.width * f, box.y + row * 18 + 9);
      await page.waitForFunction((n) => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length > n, before, { timeout: 30_000 });
      return;
    }
  }
  throw new Error(`no frame found on row ${row}`);
}

/** Everything a reader sees of the view: sample type, zoom, search, table rows, diff summary. */
async function viewOf(page) {
  return {
    type: await page.locator('#sample-type').inputValue(),
    crumbs: await crumbs(page),
    search: await page.locator('#search').inputValue(),
    rows: await tableRows(page),
    impact: (await page.locator('#impact-summary').textContent()).trim(),
  };
}

test('a shared link opens the same view and numbers in a fresh browser, with nothing sent', { timeout: 180_000 }, async () => {
  const { page, problems } = await open(browser, server.url);
  await page.locator('#base-input').setInputFiles(demoBase);
  await page.locator('#profile-input').setInputFiles(demoProfile);
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  await page.selectOption('#sample-type', '0');
  await waitRows(page, cliTop(demoProfile, 'alloc_objects', 'functions', demoBase).slice(0, 200));
  await zoomRow(page, 1);
  await zoomRow(page, 2);
  await page.fill('#search', 'json');
  await page.waitForFunction(() => location.hash.includes('q=json'), null, { timeout: 10_000 });
  const want = await viewOf(page);
  assert.equal(want.crumbs.length, 3, `zoomed twice: ${want.crumbs}`);

  await page.click('#share-button');
  const linkField = page.locator('#share-link');
  await linkField.waitFor({ timeout: 30_000 });
  const link = await linkField.inputValue();
  assert.ok(link.startsWith(server.url + '#'), link.slice(0, 80));
  assert.match(link, /[#&]p=[A-Za-z0-9_-]{100,}/, 'the profile is inside the link');
  assert.match(link, /&b=[A-Za-z0-9_-]{100,}/, 'and the base');
  assert.match(await page.locator('#share-size').textContent(), /fits in chat messages/);
  await page.screenshot({ path: join(out, 'share-panel.png') });
  await page.close();
  assert.deepEqual(problems, []);

  // A fresh browser (no storage, nothing cached) opens the link.
  const fresh = await openBrowser();
  try {
    const { page: p2, problems: pr2, requests } = await open(fresh, link);
    await p2.locator('#impact-summary').waitFor({ timeout: 30_000 });
    await waitRows(p2, want.rows);
    await p2.waitForFunction((n) => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === n, want.crumbs.length, { timeout: 30_000 });
    assert.deepEqual(await viewOf(p2), want);
    await p2.screenshot({ path: join(out, 'share-opened.png') });
    // Only the site's own files were requested; the fragment never left the page.
    const origin = new URL(server.url).origin;
    for (const r of requests) {
      assert.ok(r.startsWith(origin) || r.startsWith('blob:') || r.startsWith('data:'), r);
      assert.ok(!r.includes('#') && r.length < 300, `a request carried the link's data: ${r.slice(0, 120)}`);
    }
    assert.ok(requests.every((r) => !r.includes('.prof')), 'the profiles came from the link, not the server');
    await p2.close();
    assert.deepEqual(pr2, []);
  } finally {
    await fresh.close();
  }
});

test('back and forward step through views; reload keeps the view; a damaged link is explained', { timeout: 120_000 }, async () => {
  const { page, problems } = await open(browser, server.url);
  await page.click('#demo-button');
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  const first = await viewOf(page);
  await page.selectOption('#sample-type', '0');
  await page.waitForFunction(() => location.hash.includes('t=alloc_objects'));
  const second = await viewOf(page);
  await zoomRow(page, 1);
  const third = await viewOf(page);
  assert.notDeepEqual(second.crumbs, third.crumbs);

  await page.goBack();
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === 0);
  assert.equal(await page.locator('#sample-type').inputValue(), second.type);
  await page.goBack();
  await page.waitForFunction((t) => document.querySelector('#sample-type').value === t, first.type);
  await page.goForward();
  await page.goForward();
  await page.waitForFunction((n) => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === n, third.crumbs.length);
  await waitRows(page, third.rows);

  // The demo's link names its files by URL: a reload fetches them again and keeps the view.
  assert.match(page.url(), /profile=[^&]*scheduler-optimized\.prof/);
  await page.reload();
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  await page.waitForFunction((n) => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === n, third.crumbs.length, { timeout: 30_000 });
  assert.deepEqual(await viewOf(page), third);
  await page.close();
  assert.deepEqual(problems, []);

  // Damaged links: plain words in the alert, and the page still works.
  const demoRows = cliTop(demoProfile, undefined, 'functions', demoBase).slice(0, 200);
  for (const [frag, says] of [
    ['#v=1&p=AAAA$$$', /embedded profile is damaged/],
    ['#v=1&o=sideways', /flame or icicle/],
    ['#v=1&profile=javascript:alert(1)', /not an http/],
    ['#v=1&pn=x.pb.gz&p=H4sIAAAA', /x\.pb\.gz/],
  ]) {
    const { page: p, problems: pr } = await open(browser, server.url + frag);
    const alert = p.locator('[role=alert]');
    await alert.filter({ hasText: /\S/ }).waitFor({ timeout: 30_000 });
    assert.match(await alert.textContent(), says, frag);
    // The page still works: the demo opens with the CLI's numbers of its diff.
    await p.click('#demo-button');
    await waitRows(p, demoRows);
    await p.close();
    assert.deepEqual(pr, [], frag);
  }
});

test('a link too long for chat is slimmed on request, keeps its total, every shown flat and the cum of functions holding 1/N, and says so', { timeout: 180_000 }, async () => {
  const file = join(corpus, 'dd-trace-go', 'big-heap.pprof');
  const { page, problems } = await open(browser, server.url);
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  const total = await page.locator('#sample-type option:checked').textContent();
  await page.click('#share-button');
  await page.locator('#share-link').waitFor({ timeout: 60_000 });
  const long = await page.locator('#share-link').inputValue();
  assert.ok(long.length > 40_000, `the full link is ${long.length} characters`);
  assert.match(await page.locator('#share-size').textContent(), /too long for most chat tools/);
  await page.click('#share-trim');
  await page.waitForFunction((n) => document.querySelector('#share-link')?.value.length < n, 40_001, { timeout: 60_000 });
  const short = await page.locator('#share-link').inputValue();
  assert.match(await page.locator('.share-trimmed').textContent(), /Slimmed to fit: big-heap\.pprof: call paths under 1\/\d+ \([\d.]+%\) of inuse_space folded into \(other\)/);
  await page.screenshot({ path: join(out, 'share-trimmed.png') });
  await page.close();
  assert.deepEqual(problems, []);

  const { page: p2, problems: pr2 } = await open(browser, short);
  await p2.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  const notice = await p2.locator('.notice').textContent();
  assert.match(notice, /slimmed to fit in its share link: addresses, labels and binary names dropped; call-tree nodes under 1\/\d+/);
  assert.equal(await p2.locator('#sample-type option:checked').textContent(), total);
  // The numbers the slimmed link promises to keep, against the CLI's table of the original
  // file: every function's flat, and the cum of every function holding 1/N of the total. The
  // rows are sorted by flat as the original's are, with (other) among them.
  const n = Number(/under 1\/(\d+)/.exec(notice)[1]);
  const original = new Map(cliTop(file, undefined).map(([name, flat, cum]) => [name, { flat, cum }]));
  const whole = [...original.values()].reduce((a, r) => a + Number(r.flat), 0);
  const shown = await tableRows(p2);
  assert.equal(shown.length, 200);
  let [flats, cums] = [0, 0];
  for (const [name, flat, cum] of shown) {
    if (name === '(other)') continue;
    const want = original.get(name);
    assert.ok(want, `${name} is not a function of the original`);
    assert.equal(flat, want.flat, `${name}: flat`);
    flats++;
    if (Math.abs(Number(want.cum)) * n >= whole) {
      assert.equal(cum, want.cum, `${name}: cum (at least 1/${n} of the total)`);
      cums++;
    }
  }
  assert.ok(flats >= 150 && cums >= 10, `${flats} flat values, ${cums} cum values compared`);
  // The top row is the original's, never the (other) frames the small call paths were folded into.
  assert.equal(shown[0][0], [...original.keys()][0]);
  await p2.fill('#table-filter', '(other)');
  await p2.waitForFunction(() => [...document.querySelectorAll('#top-table tbody tr')].some((t) => t.dataset.name === '(other)'), null, { timeout: 10_000 });
  await p2.close();
  assert.deepEqual(pr2, []);
});

test('exports: the SVG shows the frames, the table and the profile match the CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await open(browser, server.url);
  await page.locator('#profile-input').setInputFiles(demoProfile);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  const rows = await tableRows(page);
  const save = async (kind) => {
    await page.locator('.export-menu summary').click();
    const [download] = await Promise.all([page.waitForEvent('download'), page.click(`button[data-export=${kind}]`)]);
    const path = join(out, download.suggestedFilename());
    await download.saveAs(path);
    return path;
  };

  // SVG: opened in Chromium, its frames' titles hold the names of every row with 1% or more.
  const svgPath = await save('svg');
  assert.match(svgPath, /scheduler-optimized\.alloc_space\.flame\.svg$/);
  const svgPage = await browser.context.newPage();
  await svgPage.goto(`file://${svgPath}`);
  const titles = await svgPage.$$eval('g > title', (ts) => ts.map((t) => t.textContent.split('\n')[0]));
  await svgPage.screenshot({ path: join(out, 'export-svg.png') });
  await svgPage.close();
  const total = Number(cliTop(demoProfile, undefined).reduce((a, r) => a + Number(r[1]), 0));
  for (const [name, , cum] of rows) {
    if (Math.abs(Number(cum)) >= total / 100) assert.ok(titles.includes(name), `${name} is in the SVG`);
  }

  // The table as TSV: the rows of the page (and of the CLI).
  const tsv = readFileSync(await save('tsv'), 'utf8').trim().split('\n');
  assert.equal(tsv[0], 'name\tflat\tcum');
  assert.deepEqual(tsv.slice(1).map((l) => l.split('\t')), cliTop(demoProfile, undefined));

  // The profile: the CLI reads it with the same numbers.
  const pb = await save('profile');
  assert.match(pb, /scheduler-optimized\.pb\.gz$/);
  assert.deepEqual(cliTop(pb, undefined), cliTop(demoProfile, undefined));

  // Folded stacks sum to the total; the report is pprof's text.
  const folded = readFileSync(await save('folded'), 'utf8').trim().split('\n');
  assert.equal(folded.reduce((a, l) => a + Number(l.slice(l.lastIndexOf(' ') + 1)), 0), total);
  const report = readFileSync(await save('report'), 'utf8');
  assert.match(report, /^Type: alloc_space$/m);
  assert.match(report, /flat\s+flat%\s+sum%\s+cum\s+cum%/);
  assert.ok(existsSync(CLI));
  const cliReport = execFileSync(CLI, ['top', demoProfile], { encoding: 'utf8' });
  assert.equal(report.replace(/^Time:.*\n/m, ''), cliReport.replace(/^Time:.*\n/m, ''));
  await page.close();
  assert.deepEqual(problems, []);
});
