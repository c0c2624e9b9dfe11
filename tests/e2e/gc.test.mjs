// End-to-end tests of the GC view: GODEBUG=gctrace=1 logs dropped, picked, or opened from a link
// show the figures `heaplens gctrace` prints (the page and the CLI share the code, and the CLI's
// figures are held to the runtime's own MemStats by crates/text/tests/gctrace_real.rs), charts
// with at most one point per pixel column, hover values, and a share link that carries the parsed
// series and reopens the same view in a fresh page.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser } from './browser.mjs';
import { CLI } from './cli.mjs';
import { dropFiles, openPage } from './page.mjs';
import { serveDir } from './server.mjs';
import { out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const dir = join(root, 'tests', 'testdata', 'gctrace');
const base = join(dir, 'baseline.log');
const fresh = join(dir, 'optimized.log');

/** `heaplens gctrace --format tsv [--base B] N` as a map metric → [values...]. */
function cliFigures(args) {
  const text = execFileSync(CLI, ['gctrace', '--format', 'tsv', ...args], { encoding: 'utf8' });
  return new Map(text.trim().split('\n').map((l) => { const [k, ...v] = l.split('\t'); return [k, v]; }));
}

/** The summary table's rows as a map key → {base, new}. */
async function pageFigures(page) {
  const rows = await page.$$eval('#gc-summary tbody tr', (trs) => trs.map((t) => [t.dataset.key, t.dataset.base ?? null, t.dataset.new]));
  return new Map(rows.map(([k, b, n]) => [k, { base: b, new: n }]));
}

test('a picked gctrace log shows the CLI figures and charts of one point per pixel column at most', async () => {
  const { page, problems } = await openPage(site);
  await page.locator('#profile-input').setInputFiles(fresh);
  await page.locator('#gc-summary').waitFor({ timeout: 30_000 });
  const cli = cliFigures([fresh]);
  const shown = await pageFigures(page);
  assert.equal(shown.size, cli.size);
  for (const [k, [v]] of cli) assert.equal(shown.get(k)?.new, v, k);
  assert.equal(shown.get('gc_count').new, '197');
  // Four charts; the pause chart holds 197 points at most (fewer where GCs share a column).
  const charts = await page.$$eval('.gc-chart', (fs) => fs.map((f) => [f.id, Number(f.dataset.points)]));
  assert.deepEqual(charts.map((c) => c[0]), ['gc-chart-heap', 'gc-chart-pause', 'gc-chart-cpu', 'gc-chart-rate']);
  const squares = await page.$eval('#gc-chart-pause path.series', (p) => (p.getAttribute('d').match(/M/g) ?? []).length);
  assert.ok(squares > 50 && squares <= 197, `${squares} pause points`);
  // Hover in the middle of the pause chart names a pause; the arrow keys move it.
  const svg = page.locator('#gc-chart-pause svg');
  const box = await svg.boundingBox();
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const readout = page.locator('#gc-chart-pause .gc-readout');
  await assert.doesNotReject(readout.getByText(/STW pause: [0-9.]+ ms/).waitFor({ timeout: 5_000 }));
  const first = await readout.textContent();
  await svg.focus();
  await page.keyboard.press('Home');
  await readout.getByText(/^at 0 s:/).waitFor({ timeout: 5_000 });
  assert.notEqual(await readout.textContent(), first);
  await page.screenshot({ path: join(out, 'gc-single.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('two dropped logs are compared as the CLI compares them, and the link reopens the view', async () => {
  const { page, problems } = await openPage(site);
  await dropFiles(page, 'body', [base, fresh]);
  await page.locator('#gc-summary th', { hasText: 'base' }).waitFor({ timeout: 30_000 });
  const cli = cliFigures(['--base', base, fresh]);
  const shown = await pageFigures(page);
  for (const [k, [b, n]] of cli) assert.deepEqual(shown.get(k), { base: b, new: n }, k);
  // The sentences say the change of the pause percentiles and whether it is significant.
  const sentences = await page.locator('#gc-sentences li').allTextContents();
  assert.ok(sentences.some((s) => /^STW pause p99 .* ms → .* ms \([+-]\d+%\), (not )?significant$/.test(s)), sentences.join('\n'));
  await page.screenshot({ path: join(out, 'gc-compare.png'), fullPage: true });
  // The address bar and the share box hold the series; a new page opens the same figures.
  const link = await page.locator('#gc-share-link').inputValue();
  assert.match(link, /#v=1&g=[A-Za-z0-9_-]+&gn=optimized\.log&gb=[A-Za-z0-9_-]+&gbn=baseline\.log$/);
  assert.ok(!link.includes('gc%20') && link.length < 40_000, `${link.length} characters`);
  const other = await site.browser.context.newPage();
  await other.goto(link);
  await other.locator('#gc-summary th', { hasText: 'base' }).waitFor({ timeout: 30_000 });
  assert.deepEqual(await pageFigures(other), shown);
  await other.close();
  assert.deepEqual(problems, []);
  await page.close();
});

test('a gctrace link by URL, and a log the reader refuses', async () => {
  const { page, problems } = await openPage(site);
  // The log as a server would hold it (the test site serves dist/ only).
  await site.browser.context.route('**/logs/optimized.log', (route) => route.fulfill({ path: fresh, contentType: 'text/plain' }));
  await page.goto(`${site.server.url}#gctrace=${encodeURIComponent('logs/optimized.log')}`);
  await page.locator('#gc-summary').waitFor({ timeout: 30_000 });
  assert.equal((await pageFigures(page)).get('gc_count').new, '197');
  // An interleaved log: the alert names the file and says why, as the CLI does.
  const bad = join(dir, 'variants', 'two-processes-no-prefix.log');
  await page.locator('#profile-input').setInputFiles(bad);
  const alert = page.locator('[role=alert]');
  await alert.getByText('two-processes-no-prefix.log').waitFor({ timeout: 30_000 });
  let cliError = '';
  try {
    execFileSync(CLI, ['gctrace', bad], { encoding: 'utf8', stdio: 'pipe' });
  } catch (e) {
    assert.equal(e.status, 2);
    cliError = e.stderr.trim();
  }
  const reason = cliError.split(': ').slice(2).join(': ');
  assert.ok(reason.length > 20, cliError);
  assert.ok((await alert.textContent()).includes(reason), `${await alert.textContent()} vs ${reason}`);
  assert.deepEqual(problems.filter((p) => !/404|Failed to load/.test(p)), []);
  await page.close();
});
