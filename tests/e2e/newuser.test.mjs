// End-to-end tests of what a new user trips over: one keyboard cursor that is the selection, the
// tooltip after a click's zoom, history entries of the breadcrumb, the file inputs naming what is
// open, every dropped file used or named, drops anywhere in the window, and recent profiles kept
// in the browser across a reload.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { dropFiles, painted, paintedAfter } from './page.mjs';
import { serveDir } from './server.mjs';
import { root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const scheduler = join(root, 'tests', 'testdata', 'scheduler');
const ROW_H = 18;

async function openApp() {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  return { page, problems };
}

async function openFile(page, file) {
  const n = await painted(page);
  await page.locator('#profile-input').setInputFiles(file);
  await paintedAfter(page, n);
}

/** The breadcrumb's names (the zoom path). */
async function crumbs(page) {
  return page.$$eval('.breadcrumb .crumb:not(#reset-zoom)', (bs) => bs.map((b) => b.getAttribute('title') ?? b.textContent));
}

async function waitCrumbs(page, want) {
  try {
    await page.waitForFunction(
      (w) => JSON.stringify([...document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)')].map((b) => b.getAttribute('title') ?? b.textContent)) === JSON.stringify(w),
      want,
      { timeout: 10_000 },
    );
  } catch (err) {
    throw new Error(`breadcrumb ${JSON.stringify(await crumbs(page))}, wanted ${JSON.stringify(want)}: ${err.message}`);
  }
}

/** The selected frame's function (canvas data-cursor) and the link's `sel`. */
async function selection(page) {
  return page.evaluate(() => ({
    cursor: document.querySelector('canvas#flame')?.dataset.cursor ?? null,
    sel: new URLSearchParams(location.hash.slice(1)).get('sel'),
  }));
}

/** The tooltip's function name, or null. */
async function tooltipName(page) {
  return page.evaluate(() => document.querySelector('.tooltip .tt-name')?.textContent ?? null);
}

/** Hovers row `row` of the flame graph at `fx` of its width; returns the frame's name. */
async function hoverFrame(page, row, fx) {
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.move(box.x + box.width * fx, box.y + ROW_H * row + ROW_H / 2);
  await page.locator('.tooltip').waitFor({ timeout: 5_000 });
  return { name: await tooltipName(page), box };
}

test('one keyboard cursor: arrows move the selection among drawn frames, + and - zoom along it', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  await openFile(page, join(scheduler, 'baseline.prof'));
  assert.deepEqual(await selection(page), { cursor: null, sel: null });

  // Nothing selected: ↓ selects the widest frame of the first row, and it is what Enter zooms into.
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('canvas#flame')?.dataset.cursor && location.hash.includes('sel='));
  const first = await selection(page);
  assert.equal(first.sel, first.cursor, 'the link selects the frame the cursor is on');
  // The widest: it spans 30% of the first row in this profile.
  const { name: mid } = await hoverFrame(page, 0, 0.3);
  assert.equal(first.cursor, mid);
  await page.mouse.move(0, 0);
  await page.keyboard.press('Enter');
  await waitCrumbs(page, [first.cursor]);

  // ↓ → on the zoomed view, then +: the zoom follows the selection, and the callers panel names it.
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(
    (c) => {
      const cur = document.querySelector('canvas#flame')?.dataset.cursor;
      return cur !== c && new URLSearchParams(location.hash.slice(1)).get('sel') === cur;
    },
    first.cursor,
  );
  const second = await selection(page);
  assert.equal(second.sel, second.cursor);
  await page.keyboard.press('+');
  await waitCrumbs(page, [first.cursor, second.cursor]);

  // -: one level out with the frame left still selected; + goes back in.
  await page.keyboard.press('-');
  await waitCrumbs(page, [first.cursor]);
  assert.deepEqual(await selection(page), second);
  await page.keyboard.press('+');
  await waitCrumbs(page, [first.cursor, second.cursor]);

  // 0 resets the zoom and keeps the selection; + zooms to the selected frame again.
  await page.keyboard.press('0');
  await waitCrumbs(page, []);
  assert.equal((await selection(page)).sel, second.cursor);
  await page.keyboard.press('+');
  await waitCrumbs(page, [first.cursor, second.cursor]);

  // A clicked frame is the cursor: → moves from it, and the link follows.
  await page.keyboard.press('0');
  await waitCrumbs(page, []);
  const { name: clicked, box } = await hoverFrame(page, 2, 0.2);
  await page.mouse.click(box.x + box.width * 0.2, box.y + ROW_H * 2.5);
  await page.waitForFunction((c) => document.querySelector('canvas#flame')?.dataset.cursor === c, clicked);
  const path = await crumbs(page);
  assert.equal(path.at(-1), clicked);
  await page.keyboard.press('0');
  await waitCrumbs(page, []);
  await page.keyboard.press('+');
  await waitCrumbs(page, path);
  await page.close();
  assert.deepEqual(problems, []);
});

test('after a click zooms, the tooltip names the frame under the still pointer', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  await openFile(page, join(scheduler, 'baseline.prof'));
  for (const [row, fx] of [[3, 0.1], [2, 0.6], [4, 0.35]]) {
    await page.keyboard.press('0');
    await waitCrumbs(page, []);
    const { box } = await hoverFrame(page, row, fx);
    const n = await painted(page);
    await page.mouse.click(box.x + box.width * fx, box.y + ROW_H * row + ROW_H / 2);
    await paintedAfter(page, n);
    await page.waitForTimeout(300);
    const after = await tooltipName(page);
    // What a pointer move of one pixel shows is what was under the pointer all along.
    await page.mouse.move(box.x + box.width * fx + 1, box.y + ROW_H * row + ROW_H / 2);
    await page.waitForTimeout(100);
    assert.equal(after, await tooltipName(page), `row ${row} at ${fx}`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});

test('a breadcrumb click is one history entry; the file inputs name what is open', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  await openFile(page, join(scheduler, 'baseline.prof'));
  assert.match(await page.locator('label[for=profile-input], #profile-input + *, .pickers').first().textContent(), /baseline\.prof/);
  // Two zooms, then a click on the first crumb.
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === 1);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === 2);
  const deep = await crumbs(page);
  await page.waitForTimeout(300);
  await page.click('.breadcrumb .crumb:not(#reset-zoom) >> nth=0');
  await waitCrumbs(page, deep.slice(0, 1));
  await page.waitForTimeout(500);
  // One Back returns to the view before the click.
  await page.goBack();
  await waitCrumbs(page, deep);

  // A dropped file replaces the name shown by the input.
  const optimized = join(scheduler, 'optimized.prof');
  const n = await painted(page);
  await dropFiles(page, 'body', [optimized]);
  await paintedAfter(page, n);
  assert.match(await page.locator('.pickers').textContent(), /optimized\.prof/);
  assert.doesNotMatch(await page.locator('.pickers').textContent(), /baseline\.prof/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('four files dropped outside the central column: profiles, benchmark outputs, and a refusal by name', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  const { writeFileSync, mkdirSync } = await import('node:fs');
  const { out } = await import('./site.mjs');
  mkdirSync(out, { recursive: true });
  const png = join(out, 'dropped-screenshot.png');
  writeFileSync(png, Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex'));
  const demo = join(root, 'static', 'demo');
  // The header is outside the central column; a drop there must not be left to the browser.
  const prevented = await dropFiles(page, 'header.masthead', [
    join(scheduler, 'baseline.prof'),
    join(scheduler, 'optimized.prof'),
    join(demo, 'scheduler-baseline.txt'),
    join(demo, 'scheduler-optimized.txt'),
    png,
  ]);
  assert.deepEqual(prevented, { overPrevented: true, dropPrevented: true });
  // The profiles: which is the base, proposed by name.
  await page.locator('#pair-dialog').waitFor({ timeout: 10_000 });
  assert.equal(await page.locator('#pair-as-guessed').textContent(), 'Base: baseline.prof → new: optimized.prof');
  // The benchmark outputs: compared, base by name.
  await page.locator('#bench-table tbody tr').first().waitFor({ timeout: 30_000 });
  const bench = await page.locator('#bench').textContent();
  assert.match(bench, /scheduler-baseline\.txt/);
  assert.match(bench, /scheduler-optimized\.txt/);
  // The comparison downloads as TSV, the same as `heaplens bench --format tsv`.
  {
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#bench-tsv')]);
    const { readFileSync } = await import('node:fs');
    const saved = join(out, 'benchmarks.tsv');
    await download.saveAs(saved);
    const { execFileSync } = await import('node:child_process');
    const { CLI } = await import('./cli.mjs');
    const want = execFileSync(CLI, ['bench', '--format', 'tsv', join(demo, 'scheduler-baseline.txt'), join(demo, 'scheduler-optimized.txt')], { encoding: 'utf8' });
    assert.equal(readFileSync(saved, 'utf8'), want);
  }
  // The image: refused by name, in words.
  assert.match(await page.locator('[role=alert]').textContent(), /dropped-screenshot\.png \(a PNG image, not a profile\)/);
  await page.click('#pair-as-guessed');
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('.pickers').textContent(), /optimized\.prof[\s\S]*baseline\.prof/);

  // While dragging, the overlay covers the window with its own backdrop behind its text.
  await page.evaluate(() => {
    const dt = new DataTransfer();
    dt.items.add(new File(['x'], 'x.prof'));
    document.querySelector('footer').dispatchEvent(new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
  });
  const overlay = page.locator('.drop-overlay');
  await overlay.waitFor();
  const look = await page.evaluate(() => {
    const o = document.querySelector('.drop-overlay');
    const r = o.getBoundingClientRect();
    const p = getComputedStyle(o.querySelector('p'));
    return { w: r.width, h: r.height, vw: innerWidth, vh: innerHeight, textBg: p.backgroundColor };
  });
  assert.deepEqual([look.w, look.h], [look.vw, look.vh]);
  assert.notEqual(look.textBg, 'rgba(0, 0, 0, 0)', 'the text has a backdrop');
  await page.screenshot({ path: join(out, 'drop-overlay.png') });
  await page.evaluate(() => window.dispatchEvent(new DragEvent('dragleave', { bubbles: true })));
  await overlay.waitFor({ state: 'detached' });
  await page.close();
  assert.deepEqual(problems, []);
});

test('a reload reopens a local file with its view; Recent lists it on the landing page; Forget forgets it', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(scheduler, 'optimized.prof');
  await openFile(page, file);
  // A view worth keeping: another sample type and a zoom.
  await page.selectOption('#sample-type', '1');
  await page.waitForFunction(() => location.hash.includes('t=alloc_space'));
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.breadcrumb .crumb:not(#reset-zoom)').length === 1);
  await page.waitForFunction(() => location.hash.includes('lp='));
  const zoomed = await crumbs(page);
  const rows = await page.$$eval('#top-table tbody tr', (trs) => trs.slice(0, 10).map((t) => [t.dataset.name, t.dataset.flat, t.dataset.cum]));
  const url = page.url();
  assert.match(url, /pn=optimized\.prof/);

  // The reload opens the same file (kept in this browser) with the same view.
  await page.reload();
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  await waitCrumbs(page, zoomed);
  assert.equal(await page.locator('#sample-type option:checked').textContent().then((t) => t.split(' ')[0]), 'alloc_space');
  await page.waitForFunction(
    (want) => JSON.stringify([...document.querySelectorAll('#top-table tbody tr')].slice(0, 10).map((t) => [t.dataset.name, t.dataset.flat, t.dataset.cum])) === JSON.stringify(want),
    rows,
    { timeout: 30_000 },
  );
  assert.match(await page.locator('.pickers').textContent(), /optimized\.prof/);

  // The landing page lists it under Recent; opening it from there works.
  const fresh = await site.browser.context.newPage();
  const freshProblems = watchPage(fresh, new URL(site.server.url).origin);
  await fresh.goto(site.server.url);
  const entry = fresh.locator('#recent li', { hasText: 'optimized.prof' }).first();
  await entry.waitFor({ timeout: 10_000 });
  await fresh.screenshot({ path: join((await import('./site.mjs')).out, 'recent.png') });
  await entry.locator('.recent-open').click();
  await fresh.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  assert.match(await fresh.locator('.pickers').textContent(), /optimized\.prof/);

  // Forget all: the landing lists nothing, and the old link explains, keeping its view for the file picked again.
  await fresh.goto(site.server.url + '#');
  await fresh.reload();
  await fresh.locator('#recent').waitFor();
  await fresh.click('#recent .forget-all');
  await fresh.locator('#recent').waitFor({ state: 'detached' });
  await fresh.close();
  assert.deepEqual(freshProblems, []);
  await page.goto('about:blank');
  await page.goto(url);
  const alert = page.locator('[role=alert]');
  await alert.filter({ hasText: /no longer keeps/ }).waitFor({ timeout: 20_000 });
  assert.match(await alert.textContent(), /optimized\.prof/);
  await page.locator('#profile-input').setInputFiles(file);
  await page.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  await waitCrumbs(page, zoomed);
  await page.close();
  assert.deepEqual(problems, []);
});

test('narrow windows: nothing scrolls sideways at 800 px and names stay readable; the header is one line at 1400 px', { timeout: 90_000 }, async () => {
  for (const width of [800, 1400]) {
    const { page, problems } = await openApp();
    await page.setViewportSize({ width, height: 900 });
    await page.click('#demo-button');
    await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
    await page.locator('#top-table tbody tr').first().waitFor();
    await page.waitForTimeout(300);
    const m = await page.evaluate(() => {
      const vw = document.documentElement.clientWidth;
      const inView = (sel) => {
        const r = document.querySelector(sel)?.getBoundingClientRect();
        return r ? r.left >= 0 && r.right <= vw : null;
      };
      const names = [...document.querySelectorAll('#top-table tbody td.name')].slice(0, 20);
      const clipped = names.filter((td) => td.querySelector('.fn') ? td.querySelector('.fn').scrollWidth > td.clientWidth : td.scrollWidth > td.clientWidth);
      const tops = [...document.querySelector('header.masthead').children].map((c) => { const r = c.getBoundingClientRect(); return Math.round((r.top + r.bottom) / 8); });
      return {
        scroll: document.documentElement.scrollWidth - vw,
        theme: inView('.masthead .theme'),
        diffToggle: inView('#diff-toggle'),
        clipped: clipped.map((td) => td.title),
        headerRows: new Set(tops).size,
      };
    });
    assert.equal(m.scroll, 0, `${width} px: the page scrolls sideways by ${m.scroll} px`);
    assert.equal(m.theme, true, `${width} px: the theme toggle is on screen`);
    assert.equal(m.diffToggle, true, `${width} px: the diff toggle is on screen`);
    assert.deepEqual(m.clipped, [], `${width} px: names cut in the table`);
    if (width >= 1400) assert.equal(m.headerRows, 1, 'the header is one line');
    await page.screenshot({ path: join((await import('./site.mjs')).out, `narrow-${width}.png`) });
    await page.close();
    assert.deepEqual(problems, []);
  }
});

test('a diff explains its colours, shows pprof -base percentages in their own columns, keeps inline marks and signs the callers', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  await page.click('#demo-button');
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  await page.locator('#top-table tbody tr').first().waitFor();
  const legend = await page.locator('#diff-legend').textContent();
  assert.match(legend, /grew[\s\S]*shrank[\s\S]*unchanged/);
  assert.match(legend, /total/);
  const headers = async () => page.$$eval('#top-table thead th', (ths) => ths.map((t) => t.textContent.replace(/[▾▴]/g, '').trim()));
  assert.ok(!(await headers()).includes('flat%'));

  // -base percentages: two more columns, with the numbers `heaplens diff --subtract` prints.
  await page.check('#subtract');
  await page.waitForFunction(() => [...document.querySelectorAll('#top-table thead th')].some((t) => t.textContent.trim() === 'flat%'));
  const h = await headers();
  const fi = h.indexOf('flat%');
  const ci = h.indexOf('cum%');
  const { execFileSync } = await import('node:child_process');
  const { CLI } = await import('./cli.mjs');
  const demo = join(root, 'static', 'demo');
  const text = execFileSync(CLI, ['diff', '--subtract', '--base', join(demo, 'scheduler-baseline.prof'), join(demo, 'scheduler-optimized.prof')], { encoding: 'utf8' });
  const cli = new Map(
    text.split('\n').map((l) => l.trim().split(/\s+/)).filter((f) => f.length >= 6 && f[1].endsWith('%')).map((f) => [f.slice(5).join(' '), [f[1], f[4]]]),
  );
  const rows = await page.$$eval('#top-table tbody tr', (trs, [fi, ci]) => trs.slice(0, 8).map((t) => [t.dataset.name, t.children[fi].textContent, t.children[ci].textContent]), [fi, ci]);
  let compared = 0;
  for (const [name, flat, cum] of rows) {
    const want = cli.get(name);
    if (!want) continue;
    assert.deepEqual([flat, cum], want, name);
    compared += 1;
  }
  assert.ok(compared >= 5, `compared ${compared} rows with the CLI`);
  // pprof's (inline) marks: on the rows the CLI marks, in the page too.
  const inlined = text.split('\n').filter((l) => l.endsWith(' (inline)')).map((l) => l.trim().split(/\s+/).slice(5, -1).join(' '));
  assert.ok(inlined.length > 0, 'the CLI marks inlined rows');
  await page.fill('#table-filter', inlined[0]);
  await page.locator(`#top-table tbody tr[data-name="${inlined[0]}"] .mark`).waitFor({ timeout: 10_000 });
  assert.equal((await page.locator(`#top-table tbody tr[data-name="${inlined[0]}"] .mark`).textContent()).trim(), '(inline)');
  await page.fill('#table-filter', '');

  // The callers panel: changes carry their sign.
  await page.click('#top-table tbody tr >> nth=0');
  await page.locator('.peek').waitFor();
  const signed = await page.$$eval('.peek .num', (tds) => tds.map((t) => t.textContent).filter((t) => /\d/.test(t) && !t.endsWith('%')));
  assert.ok(signed.length > 0 && signed.every((t) => /^[+-]/.test(t) || /^0/.test(t)), signed.join(' '));
  const cap = await page.evaluate(() => getComputedStyle(document.querySelector('.peek-part')).maxHeight);
  assert.equal(cap, '320px');
  await page.close();
  assert.deepEqual(problems, []);
});

test('objects and bytes together: the tooltip and the callers panel show every sample type, with bytes per object', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  const file = join(scheduler, 'baseline.prof');
  await openFile(page, file);
  // The tooltip: one row per sample type, once the worker has them.
  const { box } = await hoverFrame(page, 1, 0.3);
  await page.locator('.tooltip .tt-all tr[data-type]').first().waitFor({ timeout: 10_000 });
  const types = await page.$$eval('.tooltip .tt-all tr[data-type]', (trs) => trs.map((t) => t.dataset.type));
  const offered = await page.$$eval('#sample-type option', (os) => os.map((o) => o.textContent.split(' ')[0]));
  assert.deepEqual(types, offered);
  assert.match(await page.locator('.tooltip').textContent(), /per object \(alloc\)/);
  await page.mouse.move(box.x - 5, box.y - 5);

  // The callers panel: the selected function's flat and cum of every type, as the CLI's top.
  const { cliTop } = await import('./cli.mjs');
  const fn = 'heaplens/testgen/scheduler.copyPayload';
  await page.fill('#table-filter', 'copyPayload');
  await page.click(`#top-table tbody tr[data-name="${fn}"]`);
  await page.locator('#peek-types .peek-type[data-type]').first().waitFor({ timeout: 10_000 });
  const got = await page.$$eval('#peek-types .peek-type[data-type]', (ss) => ss.map((s) => [s.dataset.type, s.dataset.flat, s.dataset.cum]));
  assert.equal(got.length, offered.length);
  assert.ok(got.some(([, flat]) => flat !== '0'), 'copyPayload allocates');
  got.forEach(([type, flat, cum], i) => {
    // The CLI lists no row for a function without value of a type.
    const row = cliTop(file, i).find((r) => r[0] === fn) ?? [fn, '0', '0'];
    assert.deepEqual([type, flat, cum], [offered[i], row[1], row[2]], type);
  });
  assert.match(await page.locator('#peek-types').textContent(), /per object/);
  await page.close();
  assert.deepEqual(problems, []);
});

test('smaller things: table filter /regex/, label suggestions, an orientation toggle, a sharp canvas, a titled PNG', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  await openFile(page, join(scheduler, 'baseline.prof'));
  // The table filter takes a regex between slashes, and says so.
  assert.match(await page.getAttribute('#table-filter', 'placeholder'), /\/regex\//);
  await page.fill('#table-filter', '/^bytes\\.\\(\\*Buffer\\)\\.(grow|String)$/');
  await page.waitForFunction(() => {
    const names = [...document.querySelectorAll('#top-table tbody tr')].map((t) => t.dataset.name);
    return names.length === 2 && names.every((n) => /^bytes\.\(\*Buffer\)\.(grow|String)$/.test(n));
  });
  await page.fill('#table-filter', '/(/');
  await page.locator('#table-filter-error').waitFor();
  await page.fill('#table-filter', '');
  // Orientation is a two-button toggle.
  assert.deepEqual(await page.$$eval('#orientation button', (bs) => bs.map((b) => b.getAttribute('aria-pressed'))), ['true', 'false']);
  await page.click('#orientation button >> nth=1');
  await page.waitForFunction(() => document.querySelector('#orientation button:nth-child(2)').getAttribute('aria-pressed') === 'true');
  // The canvas bitmap is exactly its box in device pixels.
  const sharp = await page.evaluate(() => {
    const c = document.querySelector('canvas#flame');
    return [c.width, Math.round(c.getBoundingClientRect().width * devicePixelRatio)];
  });
  assert.equal(sharp[0], sharp[1]);
  // The PNG carries a title band above the graph.
  await page.locator('.export-menu summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export=png]')]);
  const { readFileSync } = await import('node:fs');
  const { out } = await import('./site.mjs');
  const path = join(out, download.suggestedFilename());
  await download.saveAs(path);
  const png = readFileSync(path);
  const height = png.readUInt32BE(20);
  const canvasHeight = await page.evaluate(() => document.querySelector('canvas#flame').height);
  assert.ok(height > canvasHeight, `the PNG (${height} px) has room for its title above the ${canvasHeight} px graph`);
  await page.close();
  assert.deepEqual(problems, []);

  // A labelled profile suggests its keys (and few values) in the label filter.
  const { page: p2, problems: pr2 } = await openApp();
  const { corpus } = await import('./site.mjs');
  await openFile(p2, join(corpus, 'parca', 'profile-with-labels.pb.gz'));
  const options = await p2.$$eval('#label-suggestions option', (os) => os.map((o) => o.value));
  assert.ok(options.some((o) => o.endsWith('=')), `keys: ${options.slice(0, 5)}`);
  assert.ok(options.includes('thread_name=') || options.some((o) => o.startsWith('thread_name=')), options.slice(0, 8).join(' '));
  await p2.close();
  assert.deepEqual(pr2, []);
});
