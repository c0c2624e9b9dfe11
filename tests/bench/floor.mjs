// The browser's floor for opening a gzipped profile: the browser's own gunzip
// (DecompressionStream, what heaplens' page inflates with) over the same file, alone, in a
// fresh headless Chromium on heaplens' page (same origin, same process settings). No page can
// show a profile sooner than it can inflate it; scripts/bench prints heaplens' first paint as a
// multiple of this.
import { openBrowser } from '../e2e/browser.mjs';
import { closeQuietly } from './util.mjs';

/**
 * Loads `siteUrl`, replaces the document with a file input, hands it `file`, and times reading it through
 * DecompressionStream('gzip') to the end inside the page (performance.now()). Resolves to
 * { ms, bytes } (bytes inflated); rejects when the browser cannot inflate it.
 */
export async function runGunzipFloor(siteUrl, file) {
  const browser = await openBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    // The site's own page first (same origin and warm-up as heaplens' loads), then a bare
    // document with only a file input: heaplens' page owns its body.
    await page.goto(siteUrl);
    await page.setContent('<input type="file" id="floor-input">');
    await page.locator('#floor-input').setInputFiles(file);
    return await page.evaluate(async () => {
      const blob = document.querySelector('#floor-input').files[0];
      const started = performance.now();
      const reader = blob.stream().pipeThrough(new DecompressionStream('gzip')).getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        bytes += value.length;
      }
      return { ms: performance.now() - started, bytes };
    });
  } finally {
    await closeQuietly(browser);
  }
}
