// Every file of the shared corpus through the page's file input, one after another in one page.
// A file `go tool pprof` reads is held to pprof itself: for every golden of tests/golden/pprof/
// (every sample type, and the line and address tables where there are goldens) the page's WHOLE
// top table, paged in with "Show more", equals the golden's rows. Other files are held to the CLI:
// its top table, or, where it refuses the file, an alert naming the file with the CLI's reason.
// A CLI crash (any exit but 0 and 2) fails the test. Never a panic, an uncaught error, a frozen
// tab or a blank page (the previous profile stays open after a refusal).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { goldenRows, manifest } from './golden.mjs';
import { allRows, painted } from './page.mjs';
import { serveDir } from './server.mjs';
import { corpus, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(tsv|md|txt)$/i.test(n) && /SOURCES|README|LICENSE/i.test(n) ? [] : [p];
  });
}

/** What the CLI says of `file`: its top rows, or its refusal; a crash throws. */
function cliOf(file) {
  const r = spawnSync(CLI, ['top', '--format', 'tsv', file], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status === 0) return { rows: cliTop(file, undefined) };
  if (r.status === 2) return { refusal: r.stderr.trim() };
  throw new Error(`the CLI crashed on ${file}: status ${r.status}, signal ${r.signal}: ${r.stderr}`);
}

const GRAN = { functions: 'Functions', lines: 'Lines', addresses: 'Addresses' };

test('every corpus file opens with pprof\'s numbers (whole tables, every sample type) or is refused with the CLI\'s reason', { timeout: 900_000 }, async () => {
  const page = await site.browser.context.newPage();
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  const goldens = new Map();
  // Legacy text heap profiles are named from their `#` symbol lines by heaplens, where pprof run
  // with -symbolize=none prints <unknown>: those goldens hold the engine's tests, not the page's.
  for (const g of manifest().filter((m) => !m.input.includes('testdata/legacy/'))) {
    const file = resolve(root, g.input);
    if (!goldens.has(file)) goldens.set(file, []);
    goldens.get(file).push(g);
  }
  const inCorpus = files(corpus).sort();
  assert.ok(inCorpus.length >= 70, `corpus looks incomplete: ${inCorpus.length} files`);
  // And the repository's own test profiles that have goldens.
  const all = [...inCorpus, ...[...goldens.keys()].filter((f) => !inCorpus.includes(f)).sort()];
  let [opened, refused, tables, rowsCompared] = [0, 0, 0, 0];
  for (const file of all) {
    const name = file.split('/').pop();
    const what = relative(root, file);
    const cli = cliOf(file);
    const before = await painted(page);
    await page.locator('#profile-input').setInputFiles(file);
    if (cli.refusal !== undefined) {
      const alert = page.locator('[role=alert]').filter({ hasText: name });
      await alert.waitFor({ timeout: 60_000 }).catch(() => assert.fail(`${what}: the CLI refuses it, the page said nothing`));
      // The reason: what the CLI says after "heaplens: FILE: ".
      const reason = cli.refusal.slice(cli.refusal.indexOf(`${file}: `) + file.length + 2);
      assert.ok((await alert.textContent()).includes(reason), `${what}: the page's alert ${JSON.stringify(await alert.textContent())} lacks the CLI's reason ${JSON.stringify(reason)}`);
      refused++;
      continue;
    }
    const first = cli.rows[0] ?? null;
    await page
      .waitForFunction(
        ([f, n]) => {
          if (Number(document.querySelector('canvas#flame')?.dataset.painted ?? 0) <= n) return false;
          const tr = document.querySelector('#top-table tbody tr');
          return f ? tr && tr.dataset.name === f[0] && tr.dataset.flat === f[1] && tr.dataset.cum === f[2] : !tr;
        },
        [first, before],
        { timeout: 60_000 },
      )
      .catch(async () => assert.fail(`${what}: no table like the CLI's; alert: ${await page.locator('[role=alert]').textContent()}`));
    opened++;
    // Held to pprof: every golden of this file, the whole table.
    for (const g of goldens.get(file) ?? []) {
      const want = goldenRows(g.golden);
      await page.click(`.table-tools .seg:text-is("${GRAN[g.granularity]}")`);
      await page.selectOption('#sample-type', String(g.sampleIndex));
      const head = want[0] ?? null;
      await page.waitForFunction(
        ([f, ty]) => {
          const sel = document.querySelector('#sample-type');
          if (sel.value !== String(ty)) return false;
          const tr = document.querySelector('#top-table tbody tr');
          return f ? tr && tr.dataset.name === f[0] && tr.dataset.flat === f[1] && tr.dataset.cum === f[2] : !tr;
        },
        [head, g.sampleIndex],
        { timeout: 60_000 },
      ).catch(() => assert.fail(`${what} ${g.golden}: the first row is not pprof's ${JSON.stringify(head)}`));
      const got = await allRows(page, want.length);
      assert.equal(got.length, want.length, `${g.golden}: ${got.length} rows, pprof has ${want.length}`);
      assert.deepEqual(got, want, g.golden);
      tables++;
      rowsCompared += want.length;
    }
    await page.click('.table-tools .seg:text-is("Functions")').catch(() => {});
  }
  await page.close();
  assert.deepEqual(problems, []);
  console.log(`# opened ${opened}, refused ${refused}; ${tables} whole tables (${rowsCompared} rows) equal pprof's goldens`);
  assert.ok(opened >= 70 && refused >= 5, `opened ${opened}, refused ${refused}`);
  const everyGolden = [...goldens.values()].reduce((n, g) => n + g.length, 0);
  assert.equal(tables, everyGolden, 'every golden of tests/golden/pprof compared');
});
