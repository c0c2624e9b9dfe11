// Checks of values where older tests checked presence: hot allocation sites against pprof's
// goldens, the search's matched share against the CLI's focus, colour-by as the frame's pixel
// colour, and the dark theme's colours and text contrast.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { CLI } from './cli.mjs';
import { serveDir } from './server.mjs';
import { demoProfile, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);

async function openDemo() {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 900 });
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.click('#demo-button');
  await page.locator('#impact-summary').waitFor({ timeout: 30_000 });
  await page.locator('canvas#flame[data-painted]').waitFor();
  return { page, problems };
}

/** flat share (%) of each function in a pprof golden of tests/golden/pprof, from its raw values. */
function flatPercents(golden) {
  const text = readFileSync(join(root, 'tests', 'golden', 'pprof', golden), 'utf8');
  const total = Number(/ of (-?\d+)\S* total/.exec(text)[1]);
  const out = new Map();
  let rows = false;
  for (const line of text.split('\n')) {
    if (!rows) {
      rows = line.trimStart().startsWith('flat  flat%');
      continue;
    }
    const m = /^\s*(-?\d+)\S*\s+\S+%\s+\S+%\s+\S+\s+\S+%  (.*)$/.exec(line);
    if (m) out.set(m[2].replace(/ \((partial-inline|inline)\)$/, ''), (100 * Number(m[1])) / total);
  }
  return out;
}

test('hot allocation sites are pprof\'s flat% of alloc_objects in the base and the new profile', { timeout: 60_000 }, async () => {
  const { page, problems } = await openDemo();
  const base = flatPercents('testdata/scheduler/baseline.prof/functions.0.alloc_objects.txt');
  const neu = flatPercents('testdata/scheduler/optimized.prof/functions.0.alloc_objects.txt');
  const sites = await page.$$eval('#hot-sites li', (lis) => lis.map((li) => [li.title, li.querySelector('.v').textContent]));
  assert.ok(sites.length >= 5, `${sites.length} hot sites`);
  const fmt = (v) => (v ?? 0).toFixed(1);
  for (const [name, shown] of sites) {
    assert.equal(shown, `${fmt(base.get(name))}% → ${fmt(neu.get(name))}%`, name);
    assert.ok(Math.max(base.get(name) ?? 0, neu.get(name) ?? 0) >= 5, `${name} is at least 5% in one of them`);
  }
  // And every function at 5% or more in either profile is listed.
  const listed = new Set(sites.map(([n]) => n));
  for (const [name, v] of [...base, ...neu]) if (v >= 5) assert.ok(listed.has(name), `${name} (${v}%) is missing`);
  await page.close();
  assert.deepEqual(problems, []);
});

test('the search\'s matched share is the share of the samples the CLI\'s --focus keeps', { timeout: 60_000 }, async () => {
  const { page, problems } = await openDemo();
  await page.locator('#diff-toggle').uncheck();
  await page.locator('#impact-summary').waitFor({ state: 'detached' });
  for (const [query, focus] of [['json', '(?i)json'], ['/^reflect\\./', '^reflect\\.']]) {
    await page.fill('#search', query);
    const status = page.locator('#search-status');
    await status.waitFor();
    const pct = Number(/\((\d+(?:\.\d+)?)% of total\)/.exec(await status.textContent())[1]);
    const kept = execFileSync(CLI, ['top', '--format', 'tsv', '--focus', focus, demoProfile], { encoding: 'utf8' })
      .split('\n').filter((l) => l).reduce((s, l) => s + Number(l.split('\t')[1]), 0);
    const all = execFileSync(CLI, ['top', '--format', 'tsv', demoProfile], { encoding: 'utf8' })
      .split('\n').filter((l) => l).reduce((s, l) => s + Number(l.split('\t')[1]), 0);
    const want = (100 * kept) / all;
    assert.ok(Math.abs(pct - want) < 0.051, `${query}: page ${pct}%, CLI focus ${want.toFixed(3)}%`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});

/** The canvas pixel at the middle of row `row`, `fx` of the width, as [r, g, b]. */
async function pixel(page, row, fx) {
  return page.evaluate(([row, fx]) => {
    const c = document.querySelector('canvas#flame');
    const dpr = c.width / c.getBoundingClientRect().width;
    const d = c.getContext('2d').getImageData(Math.round(c.width * fx), Math.round((row * 18 + 9) * dpr), 1, 1).data;
    return [d[0], d[1], d[2]];
  }, [row, fx]);
}

test('colour by self: the top frame, which has no self value, turns grey; by total it shows its change', { timeout: 60_000 }, async () => {
  const { page, problems } = await openDemo();
  const byTotal = await pixel(page, 0, 0.5);
  // testing.(*B).launch shrank in total: a blue (b > r) frame.
  assert.ok(byTotal[2] > byTotal[0] + 20, `by total: ${byTotal}`);
  const n = Number(await page.getAttribute('canvas#flame', 'data-painted'));
  await page.selectOption('#color-by', 'self');
  await page.waitForFunction((m) => Number(document.querySelector('canvas#flame').dataset.painted) > m, n);
  const bySelf = await pixel(page, 0, 0.5);
  // Unchanged self (0 → 0): grey, hsl(0, 0%, 82%).
  assert.deepEqual(bySelf, [209, 209, 209]);
  await page.close();
  assert.deepEqual(problems, []);
});

/** WCAG contrast of two CSS rgb() colours. */
function contrast(a, b) {
  const lum = (c) => {
    const [r, g, bl] = c.match(/\d+(\.\d+)?/g).slice(0, 3).map(Number).map((v) => {
      const s = v / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * bl;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x + 0.05) / (y + 0.05);
}

test('dark theme: other colours for the page and the graph\'s box, text at 4.5:1 or more', { timeout: 60_000 }, async () => {
  const { page, problems } = await openDemo();
  const colours = () => page.evaluate(() => {
    const cs = (sel, p) => getComputedStyle(document.querySelector(sel))[p];
    return {
      page: cs('body', 'backgroundColor'),
      text: cs('body', 'color'),
      box: cs('.flame-wrap', 'backgroundColor'),
      muted: cs('.table-tools .count', 'color'),
      cell: cs('#top-table tbody td.name', 'color'),
    };
  });
  await page.emulateMedia({ colorScheme: 'light' });
  const light = await colours();
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.waitForFunction((bg) => getComputedStyle(document.body).backgroundColor !== bg, light.page);
  const dark = await colours();
  assert.notEqual(dark.page, light.page);
  assert.notEqual(dark.box, light.box);
  for (const [name, c] of Object.entries({ light, dark })) {
    assert.ok(contrast(c.text, c.page) >= 4.5, `${name}: body text ${c.text} on ${c.page}`);
    assert.ok(contrast(c.cell, c.box) >= 4.5, `${name}: table text ${c.cell} on ${c.box}`);
    assert.ok(contrast(c.muted, c.page) >= 4.5, `${name}: muted text ${c.muted} on ${c.page}`);
  }
  await page.close();
  assert.deepEqual(problems, []);
});
