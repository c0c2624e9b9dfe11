// What the end-to-end tests read from the page: the flame graph's paint counter and the top
// table's rows.

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
