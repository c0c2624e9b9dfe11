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
import { clickRow, dropFiles, dropPaths, openPage } from './page.mjs';
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

const sched = (f) => join(root, 'tests', 'testdata', 'scheduler', f);
const esc = (f) => join(root, 'tests', 'testdata', 'escape', f);

/** name → cum of a pprof function golden of one of the scheduler's profiles. */
function cumsOf(variant, file) {
  return new Map(goldenRows(`testdata/scheduler/${variant}.prof/${file}`).map(([name, , cum]) => [name, Number(cum)]));
}

test('a diff with both builds diagnostics compares them as the CLI does, and shows each side bytes per object', async () => {
  const { page, problems } = await openPage(site, { width: 1500 });
  await page.locator('#base-input').setInputFiles(sched('baseline.prof'));
  await page.locator('#profile-input').setInputFiles(sched('optimized.prof'));
  await page.waitForFunction(() => document.title.includes('optimized.prof') && document.querySelector('#impact-summary'), null, { timeout: 30_000 });
  // Dropped together: the one whose name says base is the base build's.
  await dropFiles(page, 'body', [esc('optimized.m.txt'), esc('baseline.m.txt')]);
  await page.locator('#why-compare').waitFor({ timeout: 30_000 });
  const text = execFileSync(
    CLI,
    ['why', '--base', sched('baseline.prof'), '--base-escape', esc('baseline.m.txt'), sched('optimized.prof'), '--escape', esc('optimized.m.txt')],
    { encoding: 'utf8' },
  ).split('\n');
  const since = text.indexOf('Since the base:');
  assert.ok(since > 0, text.join('\n'));
  assert.equal((await page.locator('#why-summary').textContent()).trim(), text[0]);
  assert.equal((await page.locator('#why-compare .why-head').textContent()).trim(), text[since + 1]);
  assert.match(text[since + 1], /^\d+ escapes removed, \d+ added: [\d.]+% less of alloc_space/);
  const removed = text.slice(since + 1).findIndex((l) => l === 'Removed:');
  const reasons = text.slice(since + 2, since + 1 + removed).map((l) => l.trim());
  assert.deepEqual(await page.locator('#why-compare .why-reasons li').allTextContents(), reasons);
  assert.equal(await page.locator('#why-compare details.why-sites').count(), 2);
  // B/obj: base → new, each side's cum space over cum objects (pprof's goldens).
  const want = (variant, name) => {
    const o = cumsOf(variant, 'functions.0.alloc_objects.txt').get(name);
    return o > 0 ? String(Math.round(cumsOf(variant, 'functions.1.alloc_space.txt').get(name) / o)) : null;
  };
  const rows = await page.$$eval('#top-table tbody tr', (trs) =>
    trs.map((t) => [t.dataset.name, t.dataset.perObject ?? null, t.dataset.basePerObject ?? null]));
  assert.ok(rows.length > 30);
  let both = 0;
  for (const [name, per, basePer] of rows) {
    assert.equal(per, want('optimized', name), name);
    assert.equal(basePer, want('baseline', name), name);
    if (per && basePer) both += 1;
  }
  assert.ok(both > 20, String(both));
  assert.equal(await page.locator('#top-table thead th', { hasText: 'B/obj' }).count(), 1);
  await page.locator('#why-compare').scrollIntoViewIfNeeded();
  await page.screenshot({ path: join(out, 'why-diff.png'), fullPage: true });
  assert.deepEqual(problems, []);
  await page.close();
});

test('at line granularity the top table says why each line allocates, as the CLI TSV', async () => {
  const { page, problems } = await openPage(site, { file: prof, width: 1500 });
  await dropFiles(page, 'body', [m2]);
  await page.locator('#why-panel').waitFor({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Lines' }).click();
  await page.locator('#top-table td.why-cell').first().waitFor({ timeout: 30_000 });
  // file:line → the TSV's diagnostics.
  const tsv = new Map(cli(['--format', 'tsv']).trim().split('\n').map((l) => l.split('\t'))
    .map(([file, line, , , says]) => [`${file.split('/').pop()}:${line}`, says]));
  const rows = await page.$$eval('#top-table tbody tr', (trs) =>
    trs.map((t) => [t.dataset.name, t.querySelector('td.why-cell')?.title ?? '']));
  let said = 0;
  for (const [name, why] of rows) {
    const at = name.split(' ').pop().split('/').pop();
    if (why !== '') {
      assert.equal(why, tsv.get(at), name);
      said += 1;
    }
  }
  assert.ok(said >= 10, String(said));
  assert.deepEqual(problems, []);
  await page.close();
});

test('object sizes: the bytes of each Go size class, for all samples and for a selected function', async () => {
  const { page, problems } = await openPage(site, { file: prof, width: 1400 });
  await page.locator('#sizes-panel').waitFor({ timeout: 30_000 });
  const bins = () => page.$$eval('#sizes-table tbody tr', (trs) => trs.map((t) => [Number(t.dataset.hi), Number(t.dataset.value)]));
  const all = await bins();
  assert.ok(all.length > 5);
  // In all, the bins hold the profile's alloc_space (no sample lacks a size).
  const total = all.reduce((s, [, v]) => s + v, 0);
  const info = execFileSync(CLI, ['top', prof, '--format', 'tsv', '--sample-index', 'alloc_space'], { encoding: 'utf8' });
  const flatSum = info.trim().split('\n').reduce((s, l) => s + Number(l.split('\t')[1]), 0);
  assert.equal(total, flatSum);
  // A function's bins: its samples only, fewer bytes in all.
  await clickRow(page, 'heaplens/testgen/scheduler.(*Scheduler).Create');
  await page.waitForFunction(() => document.querySelector('#sizes-panel h2').textContent.includes('Create'), null, { timeout: 30_000 });
  const create = await bins();
  const createTotal = create.reduce((s, [, v]) => s + v, 0);
  const cum = Number((await page.locator('#top-table tbody tr[data-name="heaplens/testgen/scheduler.(*Scheduler).Create"]').getAttribute('data-cum')));
  assert.equal(createTotal, cum);
  await page.locator('#sizes-panel').scrollIntoViewIfNeeded();
  await page.locator('#sizes-panel').screenshot({ path: join(out, 'sizes.png') });
  assert.deepEqual(problems, []);
  await page.close();
});

test('a dropped -json=0 folder is read whole, as the CLI reads the directory', async () => {
  const { page, problems } = await openPage(site, { file: prof });
  const dir = esc('baseline.json');
  await dropPaths(page, [dir]);
  await page.locator('#why-panel').waitFor({ timeout: 30_000 });
  // The panel shows what is read so far: wait until the heading names the folder's three files
  // (one per source file of the package), then the whole folder's summary is the CLI's.
  const files = ['api.json', 'baseline.json', 'scheduler_test.json'];
  await page.waitForFunction(
    (fs) => fs.every((f) => document.querySelector('#why-panel h2')?.textContent.includes(f)),
    files,
    { timeout: 30_000 },
  );
  const want = execFileSync(CLI, ['why', prof, '--escape', dir], { encoding: 'utf8' }).split('\n');
  assert.equal((await page.locator('#why-summary').textContent()).trim(), want[0]);
  const heading = await page.locator('#why-panel h2').textContent();
  for (const f of files) assert.ok(heading.includes(f), heading);
  assert.equal((await page.locator('[role=alert]').allTextContents()).join('').trim(), '');
  assert.deepEqual(problems, []);
  await page.close();
});
