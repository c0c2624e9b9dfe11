// What the end-to-end tests read from the page: the flame graph's paint counter and the top
// table's rows.

import { readFileSync } from 'node:fs';
import { basename } from 'node:path';

import { watchPage } from './browser.mjs';

/**
 * A new page of the site (`useSite`'s) at `width` × 900 with its problems watched, once the file
 * inputs are there; with `file`, that profile opened and its flame graph painted.
 */
export async function openPage(site, { file = undefined, width = 1280 } = {}) {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width, height: 900 });
  const problems = watchPage(page, new URL(site.server.url).origin);
  await page.goto(site.server.url);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  if (file) {
    const n = await painted(page);
    await page.locator('#profile-input').setInputFiles(file);
    await paintedAfter(page, n);
  }
  return { page, problems };
}

/** The paint counter of canvas#flame (0 before the first paint). */
export async function painted(page) {
  return page.evaluate(() => Number(document.querySelector('canvas#flame')?.dataset.painted ?? 0));
}

/** Waits until the flame graph has painted more than `n` times. */
export async function paintedAfter(page, n, timeout = 30_000) {
  await page.waitForFunction((m) => Number(document.querySelector('canvas#flame')?.dataset.painted ?? 0) > m, n, { timeout });
}

/** Body rows of #top-table as [name, flat, cum]. */
export async function tableRows(page) {
  return page.$$eval('#top-table tbody tr', (trs) => trs.map((t) => [t.dataset.name, t.dataset.flat, t.dataset.cum]));
}

/**
 * Clicks the top table's row of `name`; if it does not appear, fails with what the page shows
 * instead (the filter, the first rows, alerts, progress and the fragment), not only a timeout.
 */
export async function clickRow(page, name, timeout = 30_000) {
  const row = page.locator(`#top-table tbody tr[data-name="${name}"]`);
  try {
    await row.waitFor({ timeout });
  } catch (err) {
    const seen = await page.evaluate(() => ({
      title: document.title,
      filter: document.querySelector('#table-filter')?.value ?? null,
      rows: [...document.querySelectorAll('#top-table tbody tr')].slice(0, 5).map((t) => t.dataset.name),
      alert: [...document.querySelectorAll('[role=alert]')].map((a) => a.textContent).join(' | '),
      progress: document.querySelector('progress, .progress')?.textContent ?? null,
      main: document.querySelector('main')?.textContent?.slice(0, 300) ?? null,
      hash: location.hash.slice(0, 300),
    }));
    throw new Error(`no row ${name} in the top table: ${err.message}\npage: ${JSON.stringify(seen)}`);
  }
  await row.click();
}

/** Every row of the top table, pressing "Show more" until the table holds `n` rows. */
export async function allRows(page, n) {
  for (;;) {
    const rows = await tableRows(page);
    if (rows.length >= n) return rows;
    const more = page.locator('p.more button');
    if ((await more.count()) === 0) return rows;
    await more.click();
    await page.waitForFunction((k) => document.querySelectorAll('#top-table tbody tr').length > k, rows.length, { timeout: 30_000 });
  }
}

/**
 * Drops `files` (paths) on the element matching `selector`, as a user's drag and drop; says
 * whether the page took the dragover and the drop (prevented their defaults).
 */
export async function dropFiles(page, selector, files) {
  const payload = files.map((f) => ({ name: basename(f), b64: readFileSync(f).toString('base64') }));
  return page.evaluate(
    ({ selector, payload }) => {
      const dt = new DataTransfer();
      for (const { name, b64 } of payload) {
        const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
        dt.items.add(new File([bytes], name));
      }
      const target = document.querySelector(selector);
      const over = new DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true });
      target.dispatchEvent(over);
      const drop = new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true });
      target.dispatchEvent(drop);
      return { overPrevented: over.defaultPrevented, dropPrevented: drop.defaultPrevented };
    },
    { selector, payload },
  );
}

/**
 * Drops `paths` (files or folders on disk) on the page at (x, y) as the browser's own drag and
 * drop does (DevTools' Input.dispatchDragEvent): folders arrive as directory entries, which a
 * `DataTransfer` built in the page cannot hold.
 */
export async function dropPaths(page, paths, x = 400, y = 300) {
  // Input events go to the page in front.
  await page.bringToFront();
  const cdp = await page.context().newCDPSession(page);
  const data = { items: [], files: paths, dragOperationsMask: 1 };
  for (const type of ['dragEnter', 'dragOver', 'drop']) {
    await cdp.send('Input.dispatchDragEvent', { type, x, y, data });
  }
  await cdp.detach();
}
