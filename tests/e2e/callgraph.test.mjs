// End-to-end tests of the graph view: pprof's call graph drawn in the page. What it draws is held
// to the CLI: the page's "Graph (DOT)" export must equal `heaplens dot` on the same input (itself
// held line for line to `go tool pprof -dot` by crates/cli/tests/dot.rs), its box count and legend
// are the DOT's, and a click on a box selects that function for the panels and the table.
// Panning, zooming, the keyboard path, the fragment and a diff are driven through the page, and
// screenshots of five Go profiles of the corpus are written to tests/e2e/out for a person to look
// at (their layouts are held to "no overlapping boxes, no edge through a box" by
// crates/view/tests/callgraph.rs).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser } from './browser.mjs';
import { CLI } from './cli.mjs';
import { openPage } from './page.mjs';
import { serveDir } from './server.mjs';
import { out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const dir = join(root, 'tests', 'testdata', 'scheduler');
const file = join(dir, 'baseline.prof');
const base = join(dir, 'baseline.prof');
const optimized = join(dir, 'optimized.prof');
const corpus = join(root, '..', 'shared', 'corpus');

function cliDot(args) {
  return execFileSync(CLI, ['dot', ...args], { encoding: 'utf8', maxBuffer: 1 << 28 });
}

/** The DOT's nodes: [name from the tooltip] in order. */
function dotNodes(dot) {
  return [...dot.matchAll(/^N\d+ \[label=.* tooltip="(.*) \([^()]*\)" color=/gm)].map((m) => m[1].replace(/\\"/g, '"').replace(/\\\\/g, '\\'));
}

/** The DOT legend's lines (pprof's escaping undone). */
function dotLegend(dot) {
  const m = dot.match(/subgraph cluster_L \{ ".*?" \[shape=box fontsize=16 label="(.*?)\\l"/);
  assert.ok(m, 'a legend in the DOT');
  return m[1]
    .split('\\l')
    .map((l) => l.replace(/\\"/g, '"').replace(/\\\\/g, '\\'))
    .filter((l) => l !== '' && !l.includes('git.io'));
}

async function graphPainted(page) {
  return page.evaluate(() => Number(document.querySelector('canvas#callgraph')?.dataset.painted ?? 0));
}

async function graphPaintedAfter(page, n, timeout = 30_000) {
  await page.waitForFunction((m) => Number(document.querySelector('canvas#callgraph')?.dataset.painted ?? 0) > m, n, { timeout });
}

async function firstBox(page) {
  const s = await page.locator('canvas#callgraph').getAttribute('data-first-box');
  const [x, y, w, h] = s.split(',').map(Number);
  return { x, y, w, h };
}

async function openGraph(page) {
  const n = await graphPainted(page);
  await page.click('#main-view button[data-main=graph]');
  await graphPaintedAfter(page, n);
}

async function pageDot(page) {
  await page.locator('.export-menu summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export=dot]')]);
  return readFileSync(await download.path(), 'utf8');
}

test('the graph view draws the CLI graph: its boxes, legend and DOT export', async () => {
  const { page, problems } = await openPage(site, { file, width: 1400 });
  await openGraph(page);
  const dot = cliDot([file]);
  const canvas = page.locator('canvas#callgraph');
  assert.equal(Number(await canvas.getAttribute('data-nodes')), dotNodes(dot).length);
  assert.ok(dotNodes(dot).length > 5);
  assert.deepEqual((await page.locator('#graph-legend').textContent()).split('\n'), dotLegend(dot));
  assert.equal(await pageDot(page), dot);
  assert.match(page.url(), /[#&]cg=80(&|$)/);
  await page.screenshot({ path: join(out, 'callgraph.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a click on a box selects its function; drag pans, the wheel zooms, 0 fits again', async () => {
  const { page, problems } = await openPage(site, { file, width: 1400 });
  await openGraph(page);
  const heaviest = dotNodes(cliDot([file]))[0];
  const canvas = page.locator('canvas#callgraph');
  const at = await canvas.boundingBox();
  let box = await firstBox(page);
  let n = await graphPainted(page);
  await page.mouse.click(at.x + box.x + box.w / 2, at.y + box.y + box.h / 2);
  await page.waitForFunction((name) => document.querySelector('canvas#callgraph')?.dataset.selected === name, heaviest, { timeout: 30_000 });
  await page.locator(`#top-table tbody tr.selected[data-name="${heaviest}"], #top-table tbody tr[aria-selected=true][data-name="${heaviest}"]`).first().waitFor({ timeout: 30_000 });
  assert.match(page.url(), /sel=/);
  // Drag: the box moves with the pointer.
  box = await firstBox(page);
  n = await graphPainted(page);
  const [sx, sy] = [at.x + 200, at.y + 300];
  await page.mouse.move(sx, sy);
  await page.mouse.down();
  await page.mouse.move(sx + 60, sy + 40, { steps: 4 });
  await page.mouse.up();
  await graphPaintedAfter(page, n);
  const moved = await firstBox(page);
  assert.equal(moved.x - box.x, 60);
  assert.equal(moved.y - box.y, 40);
  // The wheel zooms in around the pointer.
  const scale = Number(await canvas.getAttribute('data-scale'));
  n = await graphPainted(page);
  await page.mouse.move(sx, sy);
  await page.mouse.wheel(0, -300);
  await graphPaintedAfter(page, n);
  assert.ok(Number(await canvas.getAttribute('data-scale')) > scale);
  // Keys on the focused canvas: 0 fits again, ] steps to the first node, Enter selects it.
  await canvas.focus();
  n = await graphPainted(page);
  await page.keyboard.press('0');
  await graphPaintedAfter(page, n);
  assert.equal(Number(await canvas.getAttribute('data-scale')), scale);
  await page.keyboard.press('Escape');
  await page.waitForFunction(() => !document.querySelector('canvas#callgraph')?.dataset.selected, null, { timeout: 30_000 });
  await canvas.focus();
  await page.keyboard.press(']');
  await page.keyboard.press('Enter');
  await page.waitForFunction((name) => document.querySelector('canvas#callgraph')?.dataset.selected === name, heaviest, { timeout: 30_000 });
  // G goes back to the flame graph.
  await page.keyboard.press('G');
  await page.locator('canvas#flame').waitFor({ timeout: 30_000 });
  assert.doesNotMatch(page.url(), /[#&]cg=/);
  assert.deepEqual(problems, []);
  await page.close();
});

test('a diff colours the graph by sign, and the node count follows the select', async () => {
  const { page, problems } = await openPage(site, { file: optimized, width: 1400 });
  await page.locator('#base-input').setInputFiles(base);
  await page.locator('#diff-summary, .impact').first().waitFor({ timeout: 30_000 });
  await openGraph(page);
  const canvas = page.locator('canvas#callgraph');
  const dot = cliDot(['--base', base, optimized]);
  await page.waitForFunction((k) => Number(document.querySelector('canvas#callgraph')?.dataset.nodes) === k, dotNodes(dot).length, { timeout: 30_000 });
  assert.equal(await pageDot(page), dot);
  const n = await graphPainted(page);
  await page.selectOption('#graph-nodes', '20');
  await graphPaintedAfter(page, n);
  const dot20 = cliDot(['--nodecount', '20', '--base', base, optimized]);
  assert.equal(Number(await canvas.getAttribute('data-nodes')), dotNodes(dot20).length);
  assert.match(page.url(), /[#&]cg=20(&|$)/);
  await page.screenshot({ path: join(out, 'callgraph-diff.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('five Go profiles of the corpus in the graph view, for a person to look at', async () => {
  const files = ['dd-trace-go/big-heap.pprof', 'eno/heap.pprof', 'parca/alloc_objects.pb.gz', 'photofield/mem.pprof', 'pyroscope/distributors.pb.gz'];
  const { page, problems } = await openPage(site, { width: 1400 });
  for (const [i, f] of files.entries()) {
    const path = join(corpus, f);
    const n = await graphPainted(page);
    await page.locator('#profile-input').setInputFiles(path);
    if (i === 0) {
      await page.locator('canvas#flame').waitFor({ timeout: 60_000 });
      await openGraph(page);
    } else {
      await graphPaintedAfter(page, n, 60_000);
    }
    const dot = cliDot([path]);
    await page.waitForFunction((k) => Number(document.querySelector('canvas#callgraph')?.dataset.nodes) === k, dotNodes(dot).length, { timeout: 30_000 });
    await page.locator('canvas#callgraph').screenshot({ path: join(out, `callgraph-${f.split('/')[0]}.png`) });
  }
  assert.deepEqual(problems, []);
  await page.close();
});
