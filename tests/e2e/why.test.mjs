// End-to-end tests of "why it allocates": the Go compiler's diagnostics of the same build as the
// profile, dropped beside it, give the page the summary and lines `heaplens why` prints (held to
// pprof's -lines golden and the compiler's own -m output by crates/view/tests/why.rs), and the
// line view shows what the compiler said under each line, with -m=2's flow folded under it.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser } from './browser.mjs';
import { CLI } from './cli.mjs';
import { goldenRows } from './golden.mjs';
import { clickRow, dropFiles, openPage } from './page.mjs';
import { serveDir } from './server.mjs';
import { out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const prof = join(root, 'tests', 'testdata', 'scheduler', 'baseline.prof');
const m2 = join(root, 'tests', 'testdata', 'escape', 'baseline.m2.txt');

function cli(args) {
  return execFileSync(CLI, ['why', prof, '--escape', m2, ...args], { encoding: 'utf8' });
}

test('dropped diagnostics give the CLI summary and lines, and notes under the source lines', async () => {
  const { page, problems } = await openPage(site, { file: prof, width: 1400 });
  await dropFiles(page, 'body', [m2]);
  await page.locator('#why-panel').waitFor({ timeout: 30_000 });
  const summary = cli([]).split('\n');
  assert.equal((await page.locator('#why-summary').textContent()).trim(), summary[0]);
  const hot = summary.indexOf('Hot functions the compiler could not inline:');
  assert.ok(hot > 1, summary.join('\n'));
  assert.deepEqual(await page.locator('.why-reasons li').allTextContents(), summary.slice(1, hot).map((l) => l.trim()));
  const notInlined = summary.slice(hot + 1).filter((l) => l.length > 0).map((l) => l.trim());
  assert.deepEqual(await page.locator('.why-inline li').allTextContents(), notInlined);
  const want = cli(['--format', 'tsv']).trim().split('\n').slice(0, 15).map((l) => l.split('\t').slice(0, 4));
  const shown = await page.$$eval('#why-table tbody tr', (trs) => trs.map((t) => [t.dataset.file, t.dataset.line, t.dataset.flat, t.dataset.cum]));
  assert.deepEqual(shown, want);
  // The line view of writePayload: line 183's diagnostics under it.
  await clickRow(page, 'heaplens/testgen/scheduler.writePayload');
  const note = page.locator('#lines-panel tr.why-line[data-line="183"]');
  await note.waitFor({ timeout: 30_000 });
  const says = await note.locator('.why-say').allTextContents();
  assert.ok(says.some((s) => s.includes('escapes to heap')), says.join(' | '));
  // An -m=2 block: its flow is folded under the message and opens on a click.
  const block = note.locator('details.why-say').first();
  await block.locator('summary').click();
  assert.match(await block.locator('pre').textContent(), /flow: /);
  await page.screenshot({ path: join(out, 'why.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('diagnostics of another build are loaded with a note that nothing matched', async () => {
  const { page, problems } = await openPage(site, { file: prof });
  await page.locator('#profile-input').setInputFiles(join(root, 'tests', 'testdata', 'escape', 'variants', 'shop-app.m.txt'));
  await page.locator('#why-panel .why-note').waitFor({ timeout: 30_000 });
  assert.match(await page.locator('#why-panel .why-note').textContent(), /another build or checkout/);
  assert.match(await page.locator('#why-summary').textContent(), /^0% of alloc_space/);
  assert.deepEqual(problems, []);
  await page.close();
});

/** name → cum of a pprof function golden of the scheduler's baseline profile. */
function goldenCums(file) {
  return new Map(goldenRows(`testdata/scheduler/baseline.prof/${file}`).map(([name, , cum]) => [name, Number(cum)]));
}

test('the top table shows bytes per object: pprof cum space over cum objects', async () => {
  const { page, problems } = await openPage(site, { file: prof });
  const space = goldenCums('functions.1.alloc_space.txt');
  const objects = goldenCums('functions.0.alloc_objects.txt');
  const rows = await page.$$eval('#top-table tbody tr', (trs) => trs.map((t) => [t.dataset.name, t.dataset.perObject ?? null]));
  assert.ok(rows.length > 50);
  for (const [name, per] of rows) {
    const o = objects.get(name);
    const want = o > 0 ? String(Math.round(space.get(name) / o)) : null;
    assert.equal(per, want, name);
  }
  assert.equal(await page.locator('#top-table thead th', { hasText: 'B/obj' }).count(), 1);
  assert.deepEqual(problems, []);
  await page.close();
});
