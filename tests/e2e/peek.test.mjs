// The callers/callees panel against `go tool pprof -peek`: for every golden of
// tests/golden/pprof-peek/ (scheduler profiles and their diff, Go heap and CPU profiles of the
// corpus, a corpus diff), its profile (and base) opened through the file inputs, the golden's
// sample type chosen, and the golden's functions selected one by one from the top table. The
// panel's flat and cum, and every caller and callee row it shows (name and raw value), equal
// pprof's, in pprof's order. The panel's one addition, a `(root)` caller for the stacks the
// function starts, is left out of the comparison (the native test golden_peek.rs checks it).
import assert from 'node:assert/strict';
import { resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { peekBlocks, peekManifest } from './golden.mjs';
import { clickRow, painted, paintedAfter } from './page.mjs';
import { serveDir } from './server.mjs';
import { root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);

/** The panel shows at most this many rows of each side. */
const PANEL_ROWS = 50;
/** Functions checked per golden (the first ones pprof prints). */
const PER_GOLDEN = 8;

/** The panel as it is: its function, the flat and cum of sample type `type`, and its rows. */
async function panel(page, type) {
  return page.evaluate((ty) => {
    const rows = (id) => [...document.querySelectorAll(`#${id} tr`)].map((tr) => [tr.querySelector('td.name').title, tr.querySelector('td.num').title]);
    const t = document.querySelector(`#peek-types .peek-type[data-type="${ty}"]`);
    return {
      name: document.querySelector('.peek .peek-head h2')?.title ?? null,
      flat: t?.dataset.flat ?? null,
      cum: t?.dataset.cum ?? null,
      callers: rows('callers'),
      callees: rows('callees'),
    };
  }, type);
}

/** The rows pprof's `rows` make in the panel, which also lists a (root) caller when `root`. */
function expectRows(shown, rows, what) {
  const root = shown.filter(([n]) => n === '(root)').length;
  assert.ok(root <= 1, `${what}: ${root} (root) rows`);
  const named = shown.filter(([n]) => n !== '(root)');
  assert.equal(shown.length, Math.min(PANEL_ROWS, rows.length + root), `${what}: ${shown.length} rows, pprof has ${rows.length}`);
  assert.deepEqual(named, rows.slice(0, named.length), what);
  return named.length;
}

test('the callers/callees panel shows pprof\'s -peek values for the selected function', { timeout: 900_000 }, async () => {
  const origin = new URL(site.server.url).origin;
  const problems = [];
  let page = null;
  let [goldens, functions, edges, diffs] = [0, 0, 0, 0];
  let open = { input: null, base: null };
  for (const g of peekManifest()) {
    const input = resolve(root, g.input);
    const base = g.base ? resolve(root, g.base) : null;
    if (open.input !== input || open.base !== base) {
      // A fresh page per pair of files: no base left over from the previous one.
      await page?.close();
      page = await site.browser.context.newPage();
      await page.setViewportSize({ width: 1400, height: 900 });
      const seen = watchPage(page, origin);
      page.on('close', () => problems.push(...seen));
      await page.goto(site.server.url);
      await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
      const n = await painted(page);
      if (base) await page.locator('#base-input').setInputFiles(base);
      await page.locator('#profile-input').setInputFiles(input);
      await paintedAfter(page, n, 60_000);
      if (base) {
        const name = input.split('/').pop();
        await page.waitForFunction((f) => document.title.includes(f) && document.querySelector('#impact-summary'), name, { timeout: 60_000 });
        diffs++;
      }
      open = { input, base };
    }
    await page.selectOption('#sample-type', String(g.sampleIndex));
    await page.waitForFunction((ty) => document.querySelector('#sample-type').value === String(ty), g.sampleIndex);
    const blocks = peekBlocks(g.golden).filter((b) => b.cum !== '0' || b.flat !== '0').slice(0, PER_GOLDEN);
    assert.ok(blocks.length > 0, `${g.golden}: no function to select`);
    for (const b of blocks) {
      const what = `${g.golden}: ${b.name}`;
      await page.fill('#table-filter', b.name);
      await clickRow(page, b.name);
      await page
        .waitForFunction(
          ([name, ty, cum]) => {
            const t = document.querySelector(`#peek-types .peek-type[data-type="${ty}"]`);
            return document.querySelector('.peek .peek-head h2')?.title === name && t?.dataset.cum === cum;
          },
          [b.name, g.sampleType, b.cum],
          { timeout: 30_000 },
        )
        .catch(async () => assert.fail(`${what}: the panel shows ${JSON.stringify(await panel(page, g.sampleType))}, pprof's cum is ${b.cum}`));
      const got = await panel(page, g.sampleType);
      assert.deepEqual([got.flat, got.cum], [b.flat, b.cum], `${what}: flat, cum`);
      edges += expectRows(got.callers, b.callers, `${what}: callers`);
      edges += expectRows(got.callees, b.callees, `${what}: callees`);
      functions++;
    }
    await page.fill('#table-filter', '');
    goldens++;
  }
  await page?.close();
  assert.deepEqual(problems, []);
  console.log(`# ${goldens} peek goldens (${diffs} diffs): ${functions} functions, ${edges} caller and callee rows equal pprof's`);
  assert.ok(goldens >= 15 && diffs >= 2 && functions >= 80 && edges >= 300, `${goldens} goldens, ${diffs} diffs, ${functions} functions, ${edges} rows`);
});
