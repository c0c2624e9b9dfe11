// End-to-end tests of the flame graph's shapes in the page: bottom-up, recursion collapsed, and
// the sandwich (a function's callers and callees) from the refine menu and the keys. What the
// page draws is held to the CLI: the page's "Folded stacks" export is the graph as drawn, and it
// must equal `heaplens folded --graph … --recursion …` on the same file (the CLI's shapes are
// held to the plain graph, itself pprof's, by crates/view/tests/graph_shapes.rs). The keyboard
// cursor walks the drawn graph, so the widest frames are checked against the folded stacks too.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { openPage, painted, paintedAfter, tableRows } from './page.mjs';
import { serveDir } from './server.mjs';
import { out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const file = join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof');
const fn = 'heaplens/testgen/scheduler.(*Scheduler).logEvent';

const openApp = () => openPage(site, { file, width: 1400 });

/** `heaplens folded FLAGS file` as sorted lines. */
function cliFolded(flags) {
  const text = execFileSync(CLI, ['folded', ...flags, file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  return text.split('\n').filter((l) => l.length > 0).sort();
}

/** The page's "Folded stacks" download as sorted lines. */
async function pageFolded(page) {
  await page.locator('.export-menu summary').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('button[data-export=folded]')]);
  const text = readFileSync(await download.path(), 'utf8');
  return text.split('\n').filter((l) => l.length > 0).sort();
}

/**
 * The first row below a sandwich graph's root (its function) as the page lays it out: frames in
 * name order, each as wide as its share of the graph's total; [{ name, x0, x1, w }] as fractions.
 */
function firstRowSpans(lines) {
  const sums = new Map();
  let total = 0;
  for (const l of lines) {
    const at = l.lastIndexOf(' ');
    const frames = l.slice(0, at).split(';');
    const v = Math.abs(Number(l.slice(at + 1)));
    total += v;
    if (frames.length > 1) sums.set(frames[1], (sums.get(frames[1]) ?? 0) + v);
  }
  let x = 0;
  return [...sums.keys()].sort().map((name) => {
    const w = sums.get(name) / total;
    const span = { name, x0: x, x1: x + w, w };
    x += w;
    return span;
  });
}

/** The frames of the heaviest path from the graph's root, by the folded stacks' sums. */
function widestPath(lines, depth) {
  const path = [];
  for (let d = 0; d < depth; d++) {
    const sums = new Map();
    for (const l of lines) {
      const at = l.lastIndexOf(' ');
      const frames = l.slice(0, at).split(';');
      if (frames.length <= d || path.some((p, i) => frames[i] !== p)) continue;
      sums.set(frames[d], (sums.get(frames[d]) ?? 0) + Math.abs(Number(l.slice(at + 1))));
    }
    const best = [...sums].sort((a, b) => b[1] - a[1])[0];
    if (!best) break;
    path.push(best[0]);
  }
  return path;
}

const fragment = async (page) => new URLSearchParams((await page.evaluate(() => location.hash)).slice(1));
const cursor = (page) => page.evaluate(() => document.querySelector('canvas#flame').dataset.cursor ?? null);

test('bottom-up and collapsed recursion: the graph drawn is the CLI\'s, the table stays pprof\'s', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const table = await tableRows(page);

  let n = await painted(page);
  await page.keyboard.press('Shift+B');
  await paintedAfter(page, n);
  await page.locator('#graph-view button[data-graph=up][aria-pressed=true]').waitFor();
  assert.equal((await fragment(page)).get('view'), 'up');
  await page.screenshot({ path: join(out, 'graph-bottom-up.png') });
  const up = cliFolded(['--graph', 'up']);
  assert.deepEqual(await pageFolded(page), up);
  // The roots of the bottom-up graph are the allocating functions: the cursor's first step lands
  // on the one with the largest flat, the top table's first row.
  await page.keyboard.press('ArrowDown');
  await page.waitForFunction(() => document.querySelector('canvas#flame').dataset.cursor);
  assert.equal(await cursor(page), widestPath(up, 1)[0]);
  assert.equal(await cursor(page), cliTop(file)[0][0]);
  // The table is not a graph: it stays pprof's.
  assert.deepEqual(await tableRows(page), table);

  n = await painted(page);
  await page.selectOption('#recursion', 'all');
  await paintedAfter(page, n);
  assert.equal((await fragment(page)).get('rec'), 'all');
  const upAll = cliFolded(['--graph', 'up', '--recursion', 'all']);
  assert.deepEqual(await pageFolded(page), upAll);
  assert.notDeepEqual(upAll, up, 'the scheduler profile has recursion to collapse');

  // Top-down again by the button; recursion stays collapsed.
  n = await painted(page);
  await page.click('#graph-view button[data-graph=down]');
  await paintedAfter(page, n);
  assert.deepEqual(await pageFolded(page), cliFolded(['--recursion', 'all']));
  assert.equal((await fragment(page)).get('view'), null);
  assert.deepEqual(problems, []);
  await page.close();
});

test('sandwich: a function\'s callers and callees from the menu and the keys, zoomable, as the CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  // The buttons need a function: disabled, and saying so, until one is selected.
  assert.equal(await page.locator('#graph-view button[data-graph=callers]').isDisabled(), true);

  await page.fill('#table-filter', 'logEvent');
  await page.click(`#top-table tbody tr[data-name="${fn}"]`, { button: 'right' });
  await page.locator('#refine-menu').waitFor();
  let n = await painted(page);
  await page.click('#refine-menu button[data-graph=callers]');
  await paintedAfter(page, n);
  await page.locator('#graph-view button[data-graph=callers][aria-pressed=true]').waitFor();
  assert.equal((await fragment(page)).get('view'), `callers:${fn}`);
  const callers = cliFolded(['--graph', `callers:${fn}`]);
  assert.ok(callers.length > 1 && callers.every((l) => l.startsWith(`${fn};`) || l.startsWith(`${fn} `)));
  assert.deepEqual(await pageFolded(page), callers);
  await page.screenshot({ path: join(out, 'graph-callers.png') });
  assert.match(await page.locator('#sandwich-note').textContent(), /^Callers of .*logEvent.*its callees below/);

  // The sandwich's other half: the callees graph below the callers graph, the function its
  // first row. A click on its widest callee (where the CLI's callees graph puts it: callees in
  // name order, as wide as their values) zooms that half alone (z2) and selects the callee.
  const half = page.locator('canvas#flame-callees');
  await half.waitFor();
  const [top, bottom] = await Promise.all([page.locator('canvas#flame'), half].map((c) => c.boundingBox()));
  assert.ok(top.y + top.height <= bottom.y, 'the callers graph is above the callees graph');
  const spans = firstRowSpans(cliFolded(['--graph', `callees:${fn}`]));
  const callee = spans.reduce((a, b) => (b.w > a.w ? b : a));
  assert.ok(spans.length >= 2 && callee.name === 'fmt.Sprintf', JSON.stringify(spans));
  n = await painted(page);
  await half.click({ position: { x: ((callee.x0 + callee.x1) / 2) * bottom.width, y: 18 * 1.5 } });
  await paintedAfter(page, n);
  const f = await fragment(page);
  assert.equal(f.get('z2'), `${fn},${callee.name}`);
  assert.equal(f.get('sel'), callee.name);
  assert.equal(f.get('z'), null, 'the callers graph keeps its zoom');
  assert.deepEqual(await pageFolded(page), callers);

  // Hovering the other half's frame shows every sample type's values of it: the CLI's
  // callees graph's total below that callee, type by type.
  await page.mouse.move(bottom.x + bottom.width / 2, bottom.y + 18 * 1.5);
  const rows = page.locator('.flame-wrap:has(canvas#flame-callees) .tooltip .tt-all tr[data-type]');
  await rows.first().waitFor({ timeout: 10_000 });
  assert.equal((await page.locator('.flame-wrap:has(canvas#flame-callees) .tt-name').textContent()).trim(), callee.name);
  const hovered = await rows.evaluateAll((trs) => trs.map((t) => [t.dataset.type, Number(t.dataset.total)]));
  assert.equal(hovered.length, 4, JSON.stringify(hovered));
  for (const [type, total] of hovered) {
    const below = cliFolded(['--graph', `callees:${fn}`, '--sample-index', type])
      .filter((l) => l.startsWith(`${fn};${callee.name};`) || l.startsWith(`${fn};${callee.name} `))
      .reduce((s, l) => s + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    assert.equal(total, below, `${type} of ${callee.name} below ${fn}`);
  }
  await page.screenshot({ path: join(out, 'graph-sandwich.png') });

  // X makes the other half the main one, each half keeping its zoom; X again goes back.
  await page.mouse.move(5, 5);
  await page.locator('body').click({ position: { x: 5, y: 5 } });
  n = await painted(page);
  await page.keyboard.press('Shift+X');
  await page.waitForFunction(() => location.hash.includes('view=callees'), null, { timeout: 10_000 });
  await paintedAfter(page, n);
  let g = await fragment(page);
  assert.deepEqual([g.get('view'), g.get('z'), g.get('z2')], [`callees:${fn}`, `${fn},${callee.name}`, null]);
  await page.locator('canvas#flame-callers').waitFor();
  n = await painted(page);
  await page.keyboard.press('Shift+X');
  await page.waitForFunction(() => location.hash.includes('view=callers'), null, { timeout: 10_000 });
  await paintedAfter(page, n);
  g = await fragment(page);
  assert.deepEqual([g.get('view'), g.get('z'), g.get('z2')], [`callers:${fn}`, null, `${fn},${callee.name}`]);
  assert.deepEqual(await pageFolded(page), callers);

  // The function is the graph's root, at the bottom with its callers above: Up walks from it to
  // its widest caller; Enter zooms.
  const widest = widestPath(callers, 2);
  await page.locator('canvas#flame').focus();
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((f) => document.querySelector('canvas#flame').dataset.cursor === f, fn);
  await page.keyboard.press('ArrowUp');
  await page.waitForFunction((f) => document.querySelector('canvas#flame').dataset.cursor === f, widest[1]);
  n = await painted(page);
  await page.keyboard.press('Enter');
  await paintedAfter(page, n);
  assert.equal((await fragment(page)).get('z'), `${fn},${widest[1]}`);

  // E: the callees of the selected function (the caller now), from the graph's own link.
  n = await painted(page);
  await page.keyboard.press('Shift+E');
  await paintedAfter(page, n);
  assert.equal((await fragment(page)).get('view'), `callees:${widest[1]}`);
  const callees = cliFolded(['--graph', `callees:${widest[1]}`]);
  assert.deepEqual(await pageFolded(page), callees);
  // Now the callers are the other half, above.
  const above = await page.locator('canvas#flame-callers').boundingBox();
  assert.ok(above.y + above.height <= (await page.locator('canvas#flame').boundingBox()).y);

  // A share link (the profile inside it) opens the same graph elsewhere.
  await page.click('#share-button');
  await page.locator('#share-link').waitFor({ timeout: 60_000 });
  const link = await page.locator('#share-link').inputValue();
  assert.match(link, /view=callees/);
  const p2 = await site.browser.context.newPage();
  await p2.goto(link);
  await p2.locator('#graph-view button[data-graph=callees][aria-pressed=true]').waitFor({ timeout: 30_000 });
  await p2.locator('canvas#flame[data-painted]').waitFor({ timeout: 30_000 });
  assert.deepEqual(await pageFolded(p2), callees);
  await p2.close();
  assert.deepEqual(problems, []);
  await page.close();
});
