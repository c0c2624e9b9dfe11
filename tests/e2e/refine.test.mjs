// End-to-end tests of pprof's refine filters in the page: the menu on a row and on a frame, the
// keys on the selection, chips that say what they keep and come off, a typed filter, pprof's
// reason for a bad regex in the alert, and the filters in the link. The table is held to the
// CLI's with the same flags (the CLI is held to `go tool pprof` by tests/golden/pprof-refine).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { spawnSync } from 'node:child_process';

import { openBrowser } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { openPage, painted, paintedAfter, tableRows } from './page.mjs';
import { serveDir } from './server.mjs';
import { root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const file = join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof');

const openApp = () => openPage(site, { file, width: 1280 });

/** Waits until the table (first 200 rows) is the CLI's with `flags`. */
async function tableIsCli(page, flags) {
  const want = cliTop(file, undefined, 'functions', undefined, flags).slice(0, 200);
  try {
    await page.waitForFunction(
      (w) => {
        const trs = [...document.querySelectorAll('#top-table tbody tr')];
        return trs.length === w.length && trs.every((t, i) => t.dataset.name === w[i][0] && t.dataset.flat === w[i][1] && t.dataset.cum === w[i][2]);
      },
      want,
      { timeout: 30_000 },
    );
  } catch {
    assert.deepEqual(await tableRows(page), want, `the table with ${flags.join(' ')}`);
  }
  return want;
}

const exact = (name) => `^${name.replace(/[\\.+*?()|[\]{}^$]/g, '\\$&')}$`;

test('refine: focus from a row\'s menu, hide by a key, a typed filter, chips that come off, as the CLI', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const fn = 'heaplens/testgen/scheduler.(*Scheduler).logEvent';
  // Right-click a row: the menu; Focus on.
  await page.fill('#table-filter', 'logEvent');
  await page.click(`#top-table tbody tr[data-name="${fn}"]`, { button: 'right' });
  await page.locator('#refine-menu').waitFor();
  await page.click('#refine-menu button[data-filter=focus]');
  await page.locator('#refine .chip[data-filter=focus]').waitFor();
  await page.fill('#table-filter', '');
  const focused = await tableIsCli(page, ['--focus', exact(fn)]);
  assert.ok(focused.length > 1, 'focus keeps the function and its stacks');
  assert.match(await page.locator('#refine-keeps').textContent(), /The filters keep .* of .*%\)/);
  assert.ok(new URLSearchParams((await page.evaluate(() => location.hash)).slice(1)).get('focus')?.includes('logEvent'));

  // Select a row and press H: hidden, on top of the focus.
  const hidden = focused.map(([n]) => n).find((n) => n !== fn && !n.startsWith('runtime.'));
  await page.click(`#top-table tbody tr[data-name="${hidden}"]`);
  await page.keyboard.press('Shift+H');
  await page.locator('#refine .chip[data-filter=hide]').waitFor();
  await tableIsCli(page, ['--focus', exact(fn), '--hide', exact(hidden)]);

  // A chip comes off.
  await page.click('#refine .chip[data-filter=focus] .chip-remove');
  await page.locator('#refine .chip[data-filter=focus]').waitFor({ state: 'detached' });
  await tableIsCli(page, ['--hide', exact(hidden)]);

  // A typed filter, and a right-click on a frame.
  await page.click('#refine .chip[data-filter=hide] .chip-remove');
  await page.click('.refine-edit summary');
  await page.fill('#refine-prune_from', 'encoding/json');
  await page.press('#refine-prune_from', 'Enter');
  await page.locator('#refine .chip[data-filter=prune_from]').waitFor();
  await tableIsCli(page, ['--prune_from', 'encoding/json']);
  const box = await page.locator('canvas#flame').boundingBox();
  await page.mouse.click(box.x + box.width * 0.3, box.y + 9, { button: 'right' });
  await page.locator('#refine-menu').waitFor();
  const framed = (await page.locator('#refine-menu .menu-title').getAttribute('title'));
  await page.click('#refine-menu button[data-filter=ignore]');
  await tableIsCli(page, ['--prune_from', 'encoding/json', '--ignore', exact(framed)]);
  await page.screenshot({ path: join((await import('./site.mjs')).out, 'refine.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

test('refine: a regex pprof rejects is explained with pprof\'s reason and changes nothing else', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  const before = await tableRows(page);
  await page.click('.refine-edit summary');
  await page.fill('#refine-focus', '(');
  await page.press('#refine-focus', 'Enter');
  const cli = spawnSync(CLI, ['top', '--focus', '(', file], { encoding: 'utf8' });
  assert.equal(cli.status, 2);
  const reason = cli.stderr.trim().replace(/^heaplens: /, '');
  const alert = page.locator('[role=alert]');
  await alert.filter({ hasText: /regexp/ }).waitFor({ timeout: 20_000 });
  assert.ok((await alert.textContent()).includes(reason.slice(reason.indexOf('parsing'))), `${await alert.textContent()} vs ${reason}`);
  assert.deepEqual(await tableRows(page), before);
  await page.close();
  assert.deepEqual(problems, []);
});

test('only my code: the standard library\'s values go to the program\'s functions, as the CLI --only-mine', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  await page.check('#only-mine');
  await page.locator('#refine .chip[data-filter=only_mine]').waitFor();
  const rows = await tableIsCli(page, ['--only-mine']);
  assert.ok(rows.length > 0 && rows.every(([n]) => n.startsWith('heaplens/') || n.startsWith('main.')), rows.map((r) => r[0]).join(' '));
  assert.ok((await page.evaluate(() => location.hash)).includes('mine=1'));
  await page.uncheck('#only-mine');
  await tableIsCli(page, []);
  await page.close();
  assert.deepEqual(problems, []);
});
