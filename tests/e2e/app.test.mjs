// End-to-end tests of the built site (dist/, made by scripts/build) in Debian's Chromium: the
// demo, files through #profile-input and through a simulated drop, the top table against the
// CLI's numbers, sample types, zoom, search, keyboard, and errors that keep the previous profile.
// Every test also checks that the page logged no errors and requested nothing from other
// origins. Screenshots go to tests/e2e/out/.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { CLI, cliList, cliTop } from './cli.mjs';
import { clickRow, painted, paintedAfter, tableRows } from './page.mjs';
import { serveDir } from './server.mjs';

import { corpus, demoBase, demoProfile, dist, out, root } from './site.mjs';

let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `no ${dist}/index.html: run scripts/build first`);
  assert.ok(existsSync(corpus), `missing corpus ${corpus} (set HEAPLENS_CORPUS)`);
  mkdirSync(out, { recursive: true });
  server = await serveDir(dist, '/some/sub/path/');
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openApp() {
  const page = await browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems = watchPage(page, new URL(server.url).origin);
  // Content-Security-Policy violations count as problems too.
  await page.exposeFunction('__cspViolation', (text) => problems.push(`CSP violation: ${text}`));
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      window.__cspViolation(`${e.violatedDirective} ${e.blockedURI}`),
    );
  });
  await page.goto(server.url);
  try {
    await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  } catch (err) {
    throw new Error(`the app did not mount: ${err.message}\n${problems.join('\n')}`);
  }
  return { page, problems };
}

/** Waits until the table's first row matches `first` (the table updates after a switch). */
async function waitFirstRow(page, first) {
  await page.waitForFunction(
    (f) => {
      const tr = document.querySelector('#top-table tbody tr');
      return tr && tr.dataset.name === f[0] && tr.dataset.flat === f[1] && tr.dataset.cum === f[2];
    },
    first,
    { timeout: 30_000 },
  );
}

/** The table's rows equal the CLI's (the page shows the first 200; compare those). */
async function assertTableEqualsCli(page, file, sampleIndex, granularity, base = undefined, extra = []) {
  const want = cliTop(file, sampleIndex, granularity, base, extra);
  if (want.length === 0) {
    // Nothing has a value of this type: an empty table and a note instead of a graph.
    await page.waitForFunction(() => document.querySelectorAll('#top-table tbody tr').length === 0, null, { timeout: 30_000 });
    await page.locator('.flame-empty').waitFor();
    return;
  }
  await waitFirstRow(page, want[0]);
  const got = await tableRows(page);
  assert.ok(got.length > 0, 'table has rows');
  assert.deepEqual(got, want.slice(0, got.length), `table rows for ${file} type ${sampleIndex}`);
  assert.equal(got.length, Math.min(want.length, 200));
}

test('the demo opens with a flame graph, every sample type and pprof numbers', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  await page.screenshot({ path: join(out, 'landing.png') });
  await page.click('#demo-button');
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });

  // The demo is a pair: the page opens on the difference, whose rows are
  // `heaplens diff` (= go tool pprof -top -diff_base) net values.
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  await assertTableEqualsCli(page, demoProfile, undefined, 'functions', demoBase);
  const summary = await page.locator('#impact-summary').textContent();
  assert.match(summary, /alloc_objects 1897318 → 1038714 \(−45\.3%\)/);
  assert.match(summary, /alloc_space 96\.06MB → 34\.93MB \(−63\.6%\)/);
  await page.selectOption('#sample-type', '0');
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'functions', demoBase);
  // Hot allocation sites (≥ 5% of alloc_objects in either profile) are listed with both shares.
  const hot = await page.locator('#hot-sites').textContent();
  assert.match(hot, /alloc_objects/);
  assert.match(hot, /\d+\.\d% → \d+\.\d%/);
  // pprof's -normalize and -base, as on the command line.
  await page.locator('#normalize').check();
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'functions', demoBase, ['--normalize']);
  await page.locator('#normalize').uncheck();
  await page.locator('#subtract').check();
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'functions', demoBase, ['--subtract']);
  await page.locator('#subtract').uncheck();
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'functions', demoBase);
  // Colour by the change of self values repaints.
  const before = await painted(page);
  await page.selectOption('#color-by', 'self');
  await paintedAfter(page, before);
  // The benchmark outputs of the demo sit beside the profiles, compared like benchstat.
  await page.locator('#bench-table').waitFor({ timeout: 30_000 });
  const allocs = await page
    .locator('#bench-table tr[data-bench="Scheduler_CreateClaimComplete"][data-unit="allocs/op"]')
    .textContent();
  assert.match(allocs, /2100 ±0%.*1082 ±0%.*-48\.5%\s+\(p=0\.00\d\)/);
  await page.screenshot({ path: join(out, 'demo-diff.png'), fullPage: true });
  // Frame width by the larger value keeps removed work visible; swap flips the comparison.
  await page.selectOption('#width-by', 'max');
  await page.click('#swap-button');
  await page.waitForFunction(() => /alloc_objects 1038714 → 1897318 \(\+82\.7%\)/.test(document.querySelector('#impact-summary')?.textContent ?? ''), null, { timeout: 30_000 });
  await page.selectOption('#sample-type', '0');
  await assertTableEqualsCli(page, demoBase, 'alloc_objects', 'functions', demoProfile);
  await page.click('#swap-button');
  await page.waitForFunction(() => /alloc_objects 1897318 → 1038714/.test(document.querySelector('#impact-summary')?.textContent ?? ''), null, { timeout: 30_000 });
  // Turn the difference off: the optimized profile alone.
  await page.locator('#diff-toggle').uncheck();
  await page.selectOption('#sample-type', '1');
  await page.locator('#impact-summary').waitFor({ state: 'detached' });

  const types = await page.$$eval('#sample-type option', (os) => os.map((o) => o.textContent.split(' ')[0]));
  assert.deepEqual(types, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);
  assert.equal(await page.$eval('#sample-type', (s) => s.selectedOptions[0].textContent.split(' ')[0]), 'alloc_space');
  await assertTableEqualsCli(page, demoProfile, undefined, 'functions');
  assert.match(await page.title(), /scheduler-optimized\.prof/);
  await page.screenshot({ path: join(out, 'demo.png') });

  // Switch the sample type: the table re-aggregates to the CLI's alloc_objects numbers.
  let n = await painted(page);
  await page.selectOption('#sample-type', '0');
  await paintedAfter(page, n);
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'functions');

  // Lines granularity.
  await page.getByRole('button', { name: 'Lines' }).click();
  await assertTableEqualsCli(page, demoProfile, 'alloc_objects', 'lines');
  await page.getByRole('button', { name: 'Functions' }).click();

  // Zoom: click a frame on the second row; the breadcrumb names it and the graph repaints.
  // (The table's buttons scrolled the page: the graph comes back into view first.)
  n = await painted(page);
  await page.locator('canvas#flame').scrollIntoViewIfNeeded();
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.move(box.x + 60, box.y + 18 * 2 + 9);
  await page.locator('.tooltip').waitFor();
  const hovered = (await page.locator('.tooltip .tt-name').textContent()).trim();
  await page.mouse.click(box.x + 60, box.y + 18 * 2 + 9);
  await page.waitForFunction((h) => {
    const cs = [...document.querySelectorAll('.breadcrumb .crumb')];
    return cs.length > 1 && cs.at(-1).title === h;
  }, hovered, { timeout: 30_000 });
  await paintedAfter(page, n);
  const crumbs = await page.$$eval('.breadcrumb .crumb', (bs) => bs.map((b) => b.title || b.textContent));
  assert.equal(crumbs.at(-1), hovered, `breadcrumb ${crumbs} ends with the clicked frame`);
  // Clicking selects the function: callers and callees are shown.
  await page.locator('.peek').waitFor();
  await page.screenshot({ path: join(out, 'demo-zoomed.png') });

  // Keyboard: 0 resets the zoom.
  n = await painted(page);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  await page.keyboard.press('0');
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb').length === 1, null, { timeout: 30_000 });
  await paintedAfter(page, n);

  // Search with "/": matches are counted and highlighted.
  await page.keyboard.press('/');
  assert.equal(await page.evaluate(() => document.activeElement?.id), 'search');
  await page.keyboard.type('json');
  await page.locator('#search-status').waitFor();
  assert.match(await page.locator('#search-status').textContent(), /^matched .+ \(\d+(\.\d+)?% of total\) in \d+ functions$/);
  await page.screenshot({ path: join(out, 'demo-search.png') });
  await page.keyboard.press('Escape');
  await page.locator('#search-status').waitFor({ state: 'detached' });

  // Regex search.
  await page.fill('#search', '/^encoding/json\\.\\(\\*encodeState\\)/');
  await page.locator('#search-status').waitFor();
  await page.fill('#search', '/([/');
  await page.locator('.search-status.error-text').waitFor();
  await page.fill('#search', '');

  // Dark theme.
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForTimeout(100);
  await page.screenshot({ path: join(out, 'demo-dark.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

test('corpus files through the file input match the CLI, every sample type', { timeout: 180_000 }, async () => {
  const { page, problems } = await openApp();
  const files = ['parca/alloc_objects.pb.gz', 'dd-trace-go/big-heap.pprof', 'pprof/large.cpu', 'pyroscope/dotnet.labels.pprof'];
  for (const rel of files) {
    const file = join(corpus, rel);
    const n = await painted(page);
    await page.locator('#profile-input').setInputFiles(file);
    await paintedAfter(page, n);
    await assertTableEqualsCli(page, file, undefined, 'functions');
    const count = await page.$$eval('#sample-type option', (os) => os.length);
    for (let i = 0; i < count; i++) {
      await page.selectOption('#sample-type', String(i));
      await assertTableEqualsCli(page, file, i, 'functions');
    }
  }
  await page.screenshot({ path: join(out, 'corpus-large-cpu.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

test('a dropped file opens, and a bad file is explained while the previous profile stays', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(corpus, 'dd-trace-go', 'heap.pprof');
  const b64 = readFileSync(file).toString('base64');
  await page.evaluate((data) => {
    const bytes = Uint8Array.from(atob(data), (c) => c.charCodeAt(0));
    const dt = new DataTransfer();
    dt.items.add(new File([bytes], 'heap.pprof'));
    const target = document.querySelector('.page');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, b64);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  await assertTableEqualsCli(page, file, undefined, 'functions');
  const before = await tableRows(page);

  // A text file: a plain-words error naming the file, and the heap profile stays open.
  await page.locator('#profile-input').setInputFiles({
    name: 'notes.txt',
    mimeType: 'text/plain',
    buffer: Buffer.from('these are my notes, not a profile\n'),
  });
  const alert = page.locator('[role=alert]');
  await alert.getByText('Could not open notes.txt').waitFor();
  assert.match(await alert.textContent(), /not a pprof profile.*previous profile is still open/);
  assert.deepEqual(await tableRows(page), before);

  // An empty file and a truncated gzip.
  await page.locator('#profile-input').setInputFiles({ name: 'empty.pb.gz', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  await alert.getByText('empty.pb.gz').waitFor();
  assert.match(await alert.textContent(), /empty/);
  const gz = readFileSync(join(corpus, 'parca', 'alloc_objects.pb.gz'));
  await page.locator('#profile-input').setInputFiles({ name: 'cut.pb.gz', mimeType: 'application/gzip', buffer: gz.subarray(0, gz.length / 2) });
  await alert.getByText('cut.pb.gz').waitFor();
  assert.match(await alert.textContent(), /gzip data is damaged or truncated/);
  assert.deepEqual(await tableRows(page), before);
  await page.screenshot({ path: join(out, 'error-kept-previous.png') });

  // A base of another kind cannot be compared: the page says why and keeps the profile.
  await page.locator('#base-input').setInputFiles(join(corpus, 'pprof', 'sample.cpu'));
  await page.locator('#diff-error').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#diff-error').textContent(), /cannot be compared: period types differ/);
  assert.deepEqual(await tableRows(page), before);

  // A format heaplens does not read is named as such.
  await page.locator('#profile-input').setInputFiles(join(corpus, 'pprof', 'gobench.cpu'));
  await alert.getByText('gobench.cpu').waitFor();
  assert.match(await alert.textContent(), /legacy binary CPU profile/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('a URL that cannot be fetched is explained', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  await page.fill('#url-input', 'ftp://example.invalid/x.pb.gz');
  await page.click('.url-form button');
  await page.locator('[role=alert]').getByText('Only http:// and https://').waitFor();
  // Same origin but missing: the server's answer is reported.
  await page.fill('#url-input', new URL('static/demo/missing.prof', server.url).href);
  await page.click('.url-form button');
  await page.locator('[role=alert]').getByText('404').waitFor();
  await page.close();
  // The 404 itself is the only failed request.
  assert.ok(problems.every((p) => p.includes('missing.prof') || p.includes('status of 404')), problems.join('\n'));
});

/** Appends `n` to `out` as a protobuf varint; returns `out`. */
function pushVarint(out, n) {
  let v = BigInt(n);
  do {
    let b = Number(v & 0x7fn);
    v >>= 7n;
    if (v > 0n) b |= 0x80;
    out.push(b);
  } while (v > 0n);
  return out;
}

/** A minimal pprof protobuf (one sample type, one stack of `names`, leaf first), encoded here
 * so the test can use any function name. */
function tinyProfile(names, value) {
  const varint = (n) => pushVarint([], n);
  const field = (num, bytes) => [...varint((num << 3) | 2), ...varint(bytes.length), ...bytes];
  const num = (n, v) => [...varint(n << 3), ...varint(v)];
  const strings = ['', 'objects', 'count', ...names];
  const enc = new TextEncoder();
  const out = [];
  out.push(...field(1, [...num(1, 1), ...num(2, 2)]));
  const locIds = names.map((_, i) => i + 1);
  out.push(...field(2, [...field(1, locIds.flatMap(varint)), ...field(2, varint(value))]));
  names.forEach((_, i) => {
    out.push(...field(4, [...num(1, i + 1), ...field(4, [...num(1, i + 1), ...num(2, 7)])]));
    out.push(...field(5, [...num(1, i + 1), ...num(2, i + 3)]));
  });
  for (const s of strings) out.push(...field(6, [...enc.encode(s)]));
  return Buffer.from(out);
}

test('names and file names that look like markup stay text', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  const hostile = ['<img src=x onerror="window.__pwned=1">', '<script>window.__pwned=2</script>', 'javascript:alert(1)'];
  await page.locator('#profile-input').setInputFiles({
    name: '<b>evil</b>.pb',
    mimeType: 'application/octet-stream',
    buffer: tinyProfile(hostile, 5),
  });
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  const names = await page.$$eval('#top-table tbody tr', (trs) => trs.map((t) => t.dataset.name));
  assert.deepEqual(names.sort(), [...hostile].sort());
  // Shown as text in the table, the tooltip, the breadcrumb and the callers/callees panel.
  const cellTexts = await page.$$eval('#top-table tbody td.name .fn', (tds) => tds.map((t) => t.textContent));
  assert.deepEqual(cellTexts.sort(), [...hostile].sort());
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.move(box.x + 100, box.y + 9);
  await page.locator('.tooltip').waitFor();
  assert.ok(hostile.includes(await page.locator('.tooltip .tt-name').textContent()));
  await page.mouse.click(box.x + 100, box.y + 18 + 9);
  await page.locator('.peek').waitFor();
  assert.equal(await page.locator('img[src=x]').count(), 0);
  assert.equal(await page.locator('main script').count(), 0);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.match(await page.title(), /<b>evil<\/b>\.pb/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('two dropped files: the page asks which is the base, proposing by name', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  const data = [readFileSync(demoProfile).toString('base64'), readFileSync(demoBase).toString('base64')];
  await page.evaluate(([a, b]) => {
    const file = (d, name) => new File([Uint8Array.from(atob(d), (c) => c.charCodeAt(0))], name);
    const dt = new DataTransfer();
    // The new profile first: the page still proposes "before" as the base.
    dt.items.add(file(a, 'after.prof'));
    dt.items.add(file(b, 'before.prof'));
    const target = document.querySelector('.page');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, data);
  await page.locator('#pair-dialog').waitFor();
  assert.equal(await page.locator('#pair-as-guessed').textContent(), 'Base: before.prof → new: after.prof');
  await page.screenshot({ path: join(out, 'pair-dialog.png') });
  await page.click('#pair-as-guessed');
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#impact-summary').textContent(), /alloc_objects 1897318 → 1038714/);
  await assertTableEqualsCli(page, demoProfile, undefined, 'functions', demoBase);
  await page.close();
  assert.deepEqual(problems, []);
});

/** A pprof protobuf with one stack `depth` frames deep (f0 the leaf, f{depth-1} the root). */
function deepProfile(depth) {
  return chainProfile(Array.from({ length: depth }, (_, i) => `f${i}`));
}

/** A pprof protobuf with one stack of the functions `names` (leaf first), value 5; written
 * without spreading arrays, so stacks and names of any size fit. */
function chainProfile(names) {
  const depth = names.length;
  const out = [];
  const varint = (n) => pushVarint(out, n);
  // A length-delimited field whose body `write` appends.
  const field = (num, write) => {
    const start = out.length;
    write();
    const body = out.splice(start);
    varint((num << 3) | 2);
    varint(body.length);
    for (const b of body) out.push(b);
  };
  const num = (n, v) => {
    varint(n << 3);
    varint(v);
  };
  field(1, () => (num(1, 1), num(2, 2)));
  field(2, () => {
    field(1, () => {
      for (let i = 1; i <= depth; i++) varint(i);
    });
    num(2, 5);
  });
  for (let i = 1; i <= depth; i++) {
    field(4, () => {
      num(1, i);
      field(4, () => (num(1, i), num(2, 7)));
    });
    field(5, () => (num(1, i), num(2, i + 2)));
  }
  const enc = new TextEncoder();
  for (const s of ['', 'objects', 'count', ...names]) {
    field(6, () => {
      for (const b of enc.encode(s)) out.push(b);
    });
  }
  return Buffer.from(out);
}

test('a stack 100 000 frames deep is drawn a window at a time', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  await page.locator('#profile-input').setInputFiles({ name: 'deep.pb', mimeType: 'application/octet-stream', buffer: deepProfile(100_000) });
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 60_000 });
  // The canvas holds what a browser can draw; the page says there is more.
  const height = await page.$eval('canvas#flame', (c) => c.getBoundingClientRect().height);
  assert.equal(height, 600 * 18);
  assert.match(await page.locator('.flame-wrap').textContent(), /deeper than 600 rows are not drawn/);
  // Zoom on the bottom row: the breadcrumb is compact, and rows below it are drawn.
  const n = await painted(page);
  await page.locator('canvas#flame').evaluate((c) => c.scrollIntoView({ block: 'end' }));
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.click(box.x + box.width / 2, box.y + box.height - 9);
  await paintedAfter(page, n);
  await page.locator('.crumb-gap').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.crumb-gap').textContent(), /… 589 more …/);
  await page.screenshot({ path: join(out, 'deep-stack.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

/** A pprof protobuf with `n` samples, sample i the stack pkg.f<i> ← main.main with value
 * i % 97 + 1: `n` distinct functions, so `n + 1` rows in the top table. */
function wideProfile(n) {
  const out = [];
  const varint = (v) => {
    while (v >= 0x80) {
      out.push((v & 0x7f) | 0x80);
      v = Math.floor(v / 128);
    }
    out.push(v);
  };
  const len = (v) => (v < 0x80 ? 1 : v < 0x4000 ? 2 : v < 0x200000 ? 3 : 4);
  // sample_type {type: "objects", unit: "count"}
  out.push(0x0a, 4, 0x08, 1, 0x10, 2);
  for (let i = 0; i < n; i++) {
    const loc = i + 2;
    const packed = len(loc) + 1;
    const value = (i % 97) + 1;
    varint(0x12);
    varint(2 + packed + 2);
    varint(0x0a);
    varint(packed);
    varint(loc);
    varint(1);
    varint(0x10);
    varint(value);
  }
  for (let id = 1; id <= n + 1; id++) {
    // location {id, line {function_id: id}}; function {id, name: string id + 2}
    const line = 1 + len(id);
    varint(0x22);
    varint(1 + len(id) + 2 + line);
    varint(0x08);
    varint(id);
    varint(0x22);
    varint(line);
    varint(0x08);
    varint(id);
    varint(0x2a);
    varint(2 + len(id) + len(id + 2));
    varint(0x08);
    varint(id);
    varint(0x10);
    varint(id + 2);
  }
  const enc = new TextEncoder();
  for (const s of ['', 'objects', 'count', 'main.main', ...Array.from({ length: n }, (_, i) => `pkg.f${i}`)]) {
    const b = enc.encode(s);
    varint(0x32);
    varint(b.length);
    for (const x of b) out.push(x);
  }
  return Buffer.from(out);
}

test('a profile of 300 000 distinct functions: the worker pages, sorts and filters the table', { timeout: 180_000 }, async () => {
  const n = 300_000;
  const file = join(out, 'wide.pb');
  writeFileSync(file, wideProfile(n));
  const { page, problems } = await openApp();
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 120_000 });
  // The first page of rows, as the CLI orders them; the page knows how many there are.
  const want = cliTop(file, undefined, 'functions');
  assert.equal(want.length, n + 1);
  await page.waitForFunction(() => document.querySelectorAll('#top-table tbody tr').length === 200, null, { timeout: 30_000 });
  assert.deepEqual(await tableRows(page), want.slice(0, 200));
  assert.match(await page.locator('.top .more').textContent(), /Showing 200 of 300001 rows/);
  // Show more: the next rows follow in the same order.
  await page.click('.top .more button');
  await page.waitForFunction(() => document.querySelectorAll('#top-table tbody tr').length === 1200, null, { timeout: 30_000 });
  assert.deepEqual(await tableRows(page), want.slice(0, 1200));
  // A filter runs over every row, not only those shown.
  const wantFiltered = want.filter(([name]) => name.includes('pkg.f29999'));
  await page.fill('#table-filter', 'pkg.f29999');
  await page.waitForFunction((k) => document.querySelectorAll('#top-table tbody tr').length === k, wantFiltered.length, { timeout: 30_000 });
  const filtered = await tableRows(page);
  assert.deepEqual(filtered, wantFiltered);
  assert.match(await page.locator('.table-tools .count').textContent(), new RegExp(`${wantFiltered.length} of 300001 rows`));
  // Sorted by name, descending.
  await page.fill('#table-filter', '');
  await page.click('#top-table thead th.name button');
  await page.click('#top-table thead th.name button');
  const byName = want.map(([name]) => name).sort().reverse().slice(0, 200);
  await page.waitForFunction((first) => document.querySelector('#top-table tbody tr')?.dataset.name === first, byName[0], { timeout: 30_000 });
  assert.deepEqual((await tableRows(page)).map(([name]) => name), byName);
  // The TSV export holds every row, in pprof's order.
  await page.locator('.export-menu summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export=tsv]')]);
  const tsv = readFileSync(await download.path(), 'utf8').trimEnd().split('\n');
  assert.equal(tsv.length, n + 2);
  assert.deepEqual(tsv.slice(1, 4).map((l) => l.split('\t')), want.slice(0, 3));
  await page.screenshot({ path: join(out, 'wide-table.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

test('a function name of megabytes is cut in the graph and the table, whole in the tooltip', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const big = `${'x'.repeat(3_000_000)}.Func`;
  await page.locator('#profile-input').setInputFiles({ name: 'big-name.pb', mimeType: 'application/octet-stream', buffer: chainProfile([big, 'main.main']) });
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 60_000 });
  // The table keeps the whole name in data-name; the row stays one line high.
  const row = await page.$eval('#top-table tbody tr', (tr) => ({ name: tr.dataset.name.length, height: tr.getBoundingClientRect().height }));
  assert.equal(row.name, big.length);
  assert.ok(row.height < 40, `row height ${row.height}`);
  // Hovering the frame: the tooltip has the whole name.
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.move(box.x + 100, box.y + 18 + 9);
  await page.locator('.tooltip .tt-name').waitFor({ timeout: 10_000 });
  assert.equal((await page.locator('.tooltip .tt-name').textContent()).length, big.length);
  await page.close();
  assert.deepEqual(problems, []);
});

/** The line view's rows: [line, flat, cum] of those with a value, and the code shown. */
async function lineRows(page) {
  return page.$$eval('#lines-panel tbody tr', (trs) =>
    trs.map((t) => ({ line: t.dataset.line, flat: t.dataset.flat, cum: t.dataset.cum, code: t.querySelector('td.code')?.textContent ?? null, hot: t.classList.contains('hot') })),
  );
}

test('the line view: a function\'s lines as the CLI lists them, then its dropped source with the hot line shaded', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof');
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  // Select copyPayload in the table: the line view lists its lines.
  const fn = 'heaplens/testgen/scheduler.copyPayload';
  await page.fill('#table-filter', 'copyPayload');
  await page.click(`#top-table tbody tr[data-name="${fn}"]`);
  await page.locator('#lines-panel').waitFor({ timeout: 30_000 });
  const want = cliList(file, '^heaplens/testgen/scheduler\\.copyPayload$');
  assert.ok(want.length >= 2, 'the CLI lists copyPayload');
  const rows = await lineRows(page);
  assert.deepEqual(
    rows.map((r) => [r.line, r.flat, r.cum]),
    want.map((w) => w.slice(2)),
  );
  assert.ok(rows.every((r) => r.code === null), 'no code before the source is given');
  assert.match(await page.locator('#lines-panel').textContent(), /Drop baseline\.go on the page/);

  // Drop the source file: the code appears, and the allocation inside the loop is the hottest line.
  const source = readFileSync(join(root, 'tests', 'gen', 'scheduler', 'baseline.go'), 'utf8');
  await page.evaluate((text) => {
    const dt = new DataTransfer();
    dt.items.add(new File([text], 'baseline.go', { type: 'text/plain' }));
    const target = document.querySelector('.page');
    target.dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
    target.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
  }, source);
  await page.locator('#lines-panel td.code').first().waitFor({ timeout: 10_000 });
  const annotated = await lineRows(page);
  const lines = source.split('\n');
  for (const r of annotated) assert.equal(r.code, lines[Number(r.line) - 1], `line ${r.line}`);
  const hottest = annotated.filter((r) => r.hot).sort((a, b) => Number(b.flat) - Number(a.flat))[0];
  assert.equal(hottest.code.trim(), 'dst[k] = v');
  for (const [, , line, flat, cum] of want) {
    const r = annotated.find((a) => a.line === line);
    assert.deepEqual([r.flat, r.cum], [flat, cum], `line ${line}`);
  }
  // The profile stayed open (the source was not taken for a profile).
  assert.equal((await page.locator('[role=alert]').allTextContents()).join('').trim(), '');
  await page.locator('#lines-panel').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(out, 'line-view.png'), fullPage: true });

  // In a diff the lines are net values, as `heaplens list --base`.
  await page.locator('#base-input').setInputFiles(join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof'));
  await page.locator('#profile-input').setInputFiles(join(root, 'tests', 'testdata', 'scheduler', 'optimized.prof'));
  // The diff of optimized against baseline (not the moment baseline is its own base).
  await page.waitForFunction(() => document.title.includes('optimized.prof') && document.querySelector('#impact-summary'), null, { timeout: 30_000 });
  const logEvent = 'heaplens/testgen/scheduler.(*Scheduler).logEvent';
  await page.fill('#table-filter', 'logEvent');
  await clickRow(page, logEvent);
  const wantDiff = cliList(
    join(root, 'tests', 'testdata', 'scheduler', 'optimized.prof'),
    '^heaplens/testgen/scheduler\\.\\(\\*Scheduler\\)\\.logEvent$',
    join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof'),
  );
  await page.waitForFunction(
    (n) => document.querySelectorAll('#lines-panel .routine').length === n,
    new Set(wantDiff.map((w) => w[1])).size,
    { timeout: 30_000 },
  );
  const diffRows = await page.$$eval('#lines-panel .routine', (rs) =>
    rs.flatMap((r) => [...r.querySelectorAll('tbody tr')].filter((t) => t.dataset.flat !== '0' || t.dataset.cum !== '0').map((t) => [r.dataset.file, t.dataset.line, t.dataset.flat, t.dataset.cum])),
  );
  assert.deepEqual(diffRows, wantDiff.filter((w) => w[3] !== '0' || w[4] !== '0').map((w) => w.slice(1)));
  await page.close();
  assert.deepEqual(problems, []);
});

test('a legacy text heap profile and folded stacks open with the CLI numbers', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  // Go's debug=1 heap text: frames named from its # lines, MemStats in the info panel.
  const legacy = join(root, 'tests', 'testdata', 'legacy', 'heap.txt');
  await page.locator('#profile-input').setInputFiles(legacy);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  await assertTableEqualsCli(page, legacy, undefined, 'functions');
  const names = (await tableRows(page)).map(([name]) => name);
  assert.ok(names.some((n) => n.startsWith('main.')), `named frames: ${names.slice(0, 5)}`);
  assert.ok(!names.some((n) => /^0x|^<unknown>/.test(n)), 'no bare addresses');
  assert.match(await page.locator('#memstats summary').textContent(), /runtime\.MemStats \(\d+ values\)/);
  // Every sample type of the heap, as in a protobuf heap profile.
  const types = await page.$$eval('#sample-type option', (os) => os.map((o) => o.textContent.split(' ')[0]));
  assert.deepEqual(types, ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space']);

  // Folded stacks written by the CLI read back with the same table.
  const folded = join(out, 'demo.folded');
  writeFileSync(folded, execFileSync(CLI, ['folded', demoProfile], { encoding: 'utf8' }));
  await page.locator('#profile-input').setInputFiles(folded);
  await page.locator('#info').getByText('demo.folded').waitFor({ timeout: 30_000 });
  await assertTableEqualsCli(page, folded, undefined, 'functions');
  const cliRows = cliTop(demoProfile, undefined, 'functions');
  assert.deepEqual(await tableRows(page), cliRows.slice(0, 200));
  await page.close();
  assert.deepEqual(problems, []);
});

test('a label filter keeps the samples whose labels match, as the CLI --tagfocus', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof');
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  const all = cliTop(file, undefined, 'functions');
  await assertTableEqualsCli(page, file, undefined, 'functions');
  // Objects of 1 kB or more.
  await page.fill('#label-filter', 'bytes=1kb:');
  await page.press('#label-filter', 'Enter');
  await page.locator('#label-filter-status').getByText(/of 1640 samples/).waitFor({ timeout: 30_000 });
  await assertTableEqualsCli(page, file, undefined, 'functions', undefined, ['--tagfocus', 'bytes=1kb:']);
  assert.notDeepEqual(await tableRows(page), all.slice(0, 200));
  assert.match(page.url(), /tf=bytes%3D1kb/);
  await page.screenshot({ path: join(out, 'label-filter.png') });
  // A filter that cannot be read is explained; clearing it shows everything again.
  await page.fill('#label-filter', 'thread=(');
  await page.press('#label-filter', 'Enter');
  await page.locator('#label-filter-status').getByText(/label filter/).waitFor({ timeout: 30_000 });
  await page.fill('#label-filter', '');
  await page.press('#label-filter', 'Enter');
  await assertTableEqualsCli(page, file, undefined, 'functions');
  await page.close();
  assert.deepEqual(problems, []);
});

test('unsymbolized frames: the Addresses table names each address with its binary, as the CLI', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(corpus, 'parca', 'stripped-cpu.stripped.pprof');
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  await page.click('.table-tools button:has-text("Addresses")');
  await assertTableEqualsCli(page, file, undefined, 'addresses');
  const names = (await tableRows(page)).map(([name]) => name);
  assert.ok(names.every((n) => /^[0-9a-f]{16} \[pprof-example-app-go-stripped\]$/.test(n)), names.slice(0, 3).join(' / '));
  assert.match(page.url(), /g=addresses/);
  await page.close();
  assert.deepEqual(problems, []);
});
