// Opening large profiles one after another does not grow the tab without bound: the worker
// drops the previous profile and reuses its memory. Ten loads of the corpus's largest files in
// one page; the renderer's resident memory after the last load stays within a margin of what
// it was after the first round (Linux /proc, the Chromium this test started). Garbage is
// collected in the page and the worker before each reading, so that the readings show what is
// kept, not when the collector last ran.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { chromiumMemory } from '../bench/procmem.mjs';
import { openBrowser, watchPage } from './browser.mjs';
import { painted, paintedAfter } from './page.mjs';
import { serveDir } from './server.mjs';
import { corpus, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, () => openBrowser(['--js-flags=--expose-gc']));

test('ten large profiles in a row keep the tab memory bounded', { timeout: 300_000 }, async () => {
  const page = await site.browser.context.newPage();
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  const files = ['pyroscope/distributors.pb.gz', 'pprof/large.cpu', 'pyroscope/profile.pprof'].map((f) => join(corpus, f));
  const rss = [];
  for (let i = 0; i < 10; i++) {
    const n = await painted(page);
    await page.locator('#profile-input').setInputFiles(files[i % files.length]);
    await paintedAfter(page, n, 60_000);
    await page.evaluate(() => globalThis.gc());
    for (const worker of page.workers()) await worker.evaluate(() => globalThis.gc());
    await page.waitForTimeout(300);
    rss.push(chromiumMemory().rendererRssMB);
  }
  await page.close();
  console.log('renderer RSS MB after each load:', rss.join(', '));
  assert.deepEqual(problems, []);
  const afterFirstRound = Math.max(...rss.slice(0, files.length));
  const last = rss[rss.length - 1];
  assert.ok(
    last <= afterFirstRound * 1.25 + 20,
    `renderer memory grew from ${afterFirstRound} MB (first round) to ${last} MB after ten loads: ${rss.join(', ')}`,
  );
});
