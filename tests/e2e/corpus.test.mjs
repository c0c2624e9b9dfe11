// Every file of the shared corpus through the page's file input, one after another in one page:
// each gives the CLI's top table (the first rows, default sample type) or, where the CLI refuses
// it too, a plain-words role="alert" naming the file — never a panic, an uncaught error, a frozen
// tab or a blank page (the previous profile stays open after a refusal).
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { cliTop } from './cli.mjs';
import { painted } from './page.mjs';
import { serveDir } from './server.mjs';
import { corpus, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);

function files(dir) {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) return files(p);
    return /\.(tsv|md|txt)$/i.test(n) && /SOURCES|README|LICENSE/i.test(n) ? [] : [p];
  });
}

test('every corpus file opens with the CLI numbers or is refused in words', { timeout: 600_000 }, async () => {
  const page = await site.browser.context.newPage();
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  const all = files(corpus).sort();
  assert.ok(all.length >= 70, `corpus looks incomplete: ${all.length} files`);
  let opened = 0;
  let refused = 0;
  for (const file of all) {
    const name = file.split('/').pop();
    let want = null;
    try {
      want = cliTop(file, undefined);
    } catch {
      want = null;
    }
    // This file's view is the one painted after the current paint count.
    const before = await painted(page);
    await page.locator('#profile-input').setInputFiles(file);
    const what = relative(corpus, file);
    if (want === null) {
      await page
        .locator('[role=alert]')
        .filter({ hasText: name })
        .waitFor({ timeout: 60_000 })
        .catch(() => assert.fail(`${what}: the CLI refuses it, the page said nothing`));
      refused++;
    } else {
      const first = want[0];
      await page
        .waitForFunction(
          ([f, n]) => {
            if (Number(document.querySelector('canvas#flame')?.dataset.painted ?? 0) <= n) return false;
            const tr = document.querySelector('#top-table tbody tr');
            return f ? tr && tr.dataset.name === f[0] && tr.dataset.flat === f[1] && tr.dataset.cum === f[2] : !tr;
          },
          [first ?? null, before],
          { timeout: 60_000 },
        )
        .catch(async () =>
          assert.fail(`${what}: no table like the CLI's; alert: ${await page.locator('[role=alert]').textContent()}`),
        );
      opened++;
    }
  }
  await page.close();
  assert.deepEqual(problems, []);
  assert.ok(opened >= 70 && refused >= 5, `opened ${opened}, refused ${refused}`);
});
