// End-to-end tests of merges in the page: three profiles dropped on the window open, once the
// dialog is answered with *Merge* (it also offers a timeline of snapshots), as their merge, named by its files in the header, and the page's WHOLE top table of every sample type
// equals `heaplens top --format tsv FILE FILE FILE` and `go tool pprof`'s merge goldens
// (tests/golden/pprof-merge/); several files picked in *Profile* merge too; profiles whose types
// differ are refused in the alert, which names both files, and the open profile stays.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { goldenRows } from './golden.mjs';
import { allRows, dropFiles, openPage, painted, paintedAfter } from './page.mjs';
import { serveDir } from './server.mjs';
import { corpus, out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const scheduler = join(root, 'tests', 'testdata', 'scheduler');
const DD_HEAPS = ['heap.before.pprof', 'heap.after.pprof', 'heap.pprof'].map((f) => join(corpus, 'dd-trace-go', f));

const openApp = () => openPage(site, { width: 1280 });

/** Shows sample type `i` and waits for its table to start with `first`. */
async function showType(page, i, first) {
  await page.selectOption('#sample-type', String(i));
  await page
    .waitForFunction(
      ([f, ty]) => {
        if (document.querySelector('#sample-type').value !== String(ty)) return false;
        const tr = document.querySelector('#top-table tbody tr');
        return tr && tr.dataset.name === f[0] && tr.dataset.flat === f[1] && tr.dataset.cum === f[2];
      },
      [first, i],
      { timeout: 30_000 },
    )
    .catch(async () => assert.fail(`type ${i}: the first row is not ${JSON.stringify(first)}; alert: ${await page.locator('[role=alert]').textContent()}`));
}

test('merge by dropping three files: the page\'s whole tables equal the CLI\'s and pprof\'s', { timeout: 180_000 }, async () => {
  const { page, problems } = await openApp();
  const n = await painted(page);
  await dropFiles(page, 'main', DD_HEAPS);
  await page.locator('#many-merge').click({ timeout: 10_000 });
  await paintedAfter(page, n, 60_000);
  // The header names the merge by its files, in the order dropped.
  const names = 'heap.before.pprof + heap.after.pprof + heap.pprof';
  assert.equal(await page.locator('#profile-input-open').textContent(), names);
  assert.equal(await page.locator('#pair-dialog').count(), 0);
  assert.match(await page.locator('#info').textContent(), /Merged3 profiles, merged as go tool pprof merges them/);
  assert.match(await page.title(), /heap\.before\.pprof \+ heap\.after\.pprof \+ heap\.pprof/);
  // pprof's default type of the merge: the first set (heap.pprof's alloc_space).
  assert.equal(await page.locator('#sample-type').inputValue(), '1');
  let rows = 0;
  for (const i of [0, 1, 2, 3]) {
    const want = cliTop(DD_HEAPS, i);
    assert.ok(want.length > 20, `type ${i}: ${want.length} rows`);
    await showType(page, i, want[0]);
    const got = await allRows(page, want.length);
    assert.equal(got.length, want.length, `type ${i}: ${got.length} rows, the CLI has ${want.length}`);
    assert.deepEqual(got, want, `type ${i}`);
    // And pprof's own merge of the three files (raw values, sorted as pprof sorts).
    const type = ['alloc_objects', 'alloc_space', 'inuse_objects', 'inuse_space'][i];
    const golden = goldenRows(`../pprof-merge/dd-heaps/functions.${i}.raw.${type}.txt`);
    assert.deepEqual(got, golden, `type ${i} against go tool pprof`);
    rows += got.length;
  }
  assert.ok(rows > 300, `${rows} rows`);
  console.log(`# 4 whole tables, ${rows} rows of a three-file merge equal the CLI's and pprof's`);
  await showType(page, 1, cliTop(DD_HEAPS, 1)[0]);
  mkdirSync(out, { recursive: true });
  await page.screenshot({ path: join(out, 'merge.png') });
  await page.close();
  assert.deepEqual(problems, []);
});

test('several profiles picked in Profile merge; two dropped can be merged from the dialog', { timeout: 120_000 }, async () => {
  const { page, problems } = await openApp();
  const pair = [join(scheduler, 'baseline.prof'), join(scheduler, 'optimized.prof')];
  let n = await painted(page);
  await page.locator('#profile-input').setInputFiles(pair);
  await paintedAfter(page, n);
  assert.equal(await page.locator('#profile-input-open').textContent(), 'baseline.prof + optimized.prof');
  const want = cliTop(pair, 3);
  await showType(page, 3, want[0]);
  assert.deepEqual(await allRows(page, want.length), want);
  // Two dropped: the dialog offers the merge beside base and new.
  await page.goto(`${site.server.url}#`);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  n = await painted(page);
  await dropFiles(page, 'main', [pair[1], DD_HEAPS[0]]);
  await page.locator('#pair-merge').waitFor({ timeout: 10_000 });
  await page.click('#pair-merge');
  await paintedAfter(page, n);
  // The base is the guessed one (heap.before.pprof by its name) and comes first.
  assert.equal(await page.locator('#profile-input-open').textContent(), 'heap.before.pprof + optimized.prof');
  const two = cliTop([DD_HEAPS[0], pair[1]], 0);
  await showType(page, 0, two[0]);
  assert.deepEqual(await allRows(page, two.length), two);
  assert.equal(await page.locator('#impact-summary').count(), 0, 'a merge, not a diff');
  await page.close();
  assert.deepEqual(problems, []);
});

test('profiles whose types differ are refused: the alert names both files, the open profile stays', { timeout: 90_000 }, async () => {
  const { page, problems } = await openApp();
  const heap = join(scheduler, 'baseline.prof');
  let n = await painted(page);
  await page.locator('#profile-input').setInputFiles(heap);
  await paintedAfter(page, n);
  const cpu = join(corpus, 'pprof', 'sample.cpu');
  // The CLI's refusal, which the page's alert must carry.
  let refusal = '';
  try {
    execFileSync(CLI, ['top', join(scheduler, 'optimized.prof'), cpu], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (e) {
    assert.equal(e.status, 2);
    refusal = e.stderr.trim();
  }
  assert.match(refusal, /optimized\.prof and .*sample\.cpu cannot be merged: period types differ \(space\/bytes and cpu\/nanoseconds\)$/);
  await dropFiles(page, 'main', [join(scheduler, 'optimized.prof'), cpu, DD_HEAPS[0]]);
  await page.locator('#many-merge').click({ timeout: 10_000 });
  const alert = page.locator('[role=alert]');
  await alert.filter({ hasText: 'cannot be merged' }).waitFor({ timeout: 30_000 });
  const text = await alert.textContent();
  assert.match(text, /optimized\.prof and sample\.cpu cannot be merged: period types differ \(space\/bytes and cpu\/nanoseconds\)/);
  assert.match(text, /The previous profile is still open/);
  assert.equal(await page.locator('#profile-input-open').textContent(), 'baseline.prof');
  assert.ok((await page.locator('#top-table tbody tr').count()) > 0);
  await page.close();
  assert.deepEqual(problems, []);
});
