// heaplens in headless Chromium: time from choosing a file to the first painted flame graph,
// renderer memory, and interaction latencies (hover, zoom, sample-type switch).
//
// Every time is taken inside the page with performance.now(): the start in a capture-phase
// listener of the triggering DOM event (so Playwright's transport of the file or the input is
// not counted), the end in a MutationObserver on canvas#flame's `data-painted` counter, which
// the app bumps after each completed paint.
import { openBrowser, watchPage } from '../e2e/browser.mjs';
import { chromiumMemory, cpuMs } from './procmem.mjs';
import { closeQuietly, percentile, withTimeout } from './util.mjs';

const ROW_H = 18;
const MOUNT_TIMEOUT_MS = 30_000;
const FIRST_PAINT_TIMEOUT_MS = Number(process.env.BENCH_HEAPLENS_TIMEOUT_MS ?? 120_000);
const INTERACTION_TIMEOUT_MS = 30_000;

/**
 * Installed in the page before the measured actions: records the time of every change of
 * canvas#flame's paint counter, and of every DOM event of a few types (in capture phase on the
 * document, so before the app's own handlers run).
 */
function installRecorder() {
  const crumbs = () => document.querySelectorAll('.breadcrumb .crumb').length;
  // Conditions a paint must meet to count (no eval: the app's CSP forbids it).
  const conditions = {
    any: () => true,
    crumbsAbove: (n) => crumbs() > n,
    crumbsAtMost: (n) => crumbs() <= n,
    // The element `sel` is in the document (e.g. '#impact-summary': the view is a diff).
    present: (sel) => document.querySelector(sel) !== null,
  };
  const rec = {
    paints: [],
    events: {},
    lastCount: null,
    since: 0,
    markedAt: 0,
    cond: conditions.any,
    /** Starts one measurement: only events and paints from now on count. */
    mark(cond = 'any', arg = 0) {
      rec.since = rec.paints.length;
      rec.markedAt = performance.now();
      rec.cond = () => conditions[cond](arg);
    },
    /**
     * Resolves once a counting paint came after the first `type` event since mark() and then
     * no paint for `quietMs`; gives the times from that event to the first and to the last
     * counting paint, or { timeout: true }.
     */
    result(type, quietMs, timeoutMs) {
      const started = performance.now();
      return new Promise((resolve) => {
        const poll = () => {
          const t0 = rec.events[type]?.find((t) => t >= rec.markedAt);
          const after = t0 === undefined ? [] : rec.paints.slice(rec.since).filter((p) => p.t >= t0 && p.ok);
          const now = performance.now();
          if (after.length && now - after[after.length - 1].t >= quietMs) {
            resolve({ first: after[0].t - t0, last: after[after.length - 1].t - t0, paints: after.length });
          } else if (now - started > timeoutMs) {
            resolve({ timeout: true, event: t0 !== undefined });
          } else {
            setTimeout(poll, quietMs >= 100 ? 20 : 5);
          }
        };
        poll();
      });
    },
  };
  for (const type of ['change', 'mousemove', 'mousedown', 'keydown']) {
    document.addEventListener(
      type,
      () => {
        (rec.events[type] ??= []).push(performance.now());
      },
      { capture: true },
    );
  }
  // A paint of the flame graph or of the graph view.
  const onMutation = () => {
    const painted = (sel) => document.querySelector(sel)?.getAttribute('data-painted');
    const [flame, graph] = [painted('canvas#flame'), painted('canvas#callgraph')];
    const count = flame == null && graph == null ? null : `${flame}|${graph}`;
    if (count != null && count !== rec.lastCount) {
      rec.lastCount = count;
      rec.paints.push({ t: performance.now(), n: Number(count), ok: rec.cond() });
    }
  };
  new MutationObserver(onMutation).observe(document.documentElement, {
    subtree: true,
    childList: true,
    attributes: true,
    attributeFilter: ['data-painted'],
  });
  window.__bench = rec;
}

/** Chromium's full version (the user agent string only has the major number). */
async function browserVersion(context, page) {
  try {
    const cdp = await context.newCDPSession(page);
    const { product } = await cdp.send('Browser.getVersion');
    await cdp.detach();
    return product.replace(/^\w+\//, '');
  } catch {
    return null;
  }
}

/** Starts one measurement in the page; `cond` names a condition paints must meet to count. */
const mark = (page, cond = 'any', arg = 0) => page.evaluate(([c, a]) => window.__bench.mark(c, a), [cond, arg]);

/** Waits for the page's result of the measurement started by mark(). */
async function settle(page, type, { quietMs = 0, timeoutMs = INTERACTION_TIMEOUT_MS } = {}) {
  // The page answers { timeout: true } itself, unless its main thread never gets free.
  return withTimeout(
    page.evaluate(([type, quietMs, timeoutMs]) => window.__bench.result(type, quietMs, timeoutMs), [
      type,
      quietMs,
      timeoutMs,
    ]),
    timeoutMs + 30_000,
    `waiting for a paint after '${type}'`,
  );
}

/**
 * One fresh browser, one page load, one profile: first-paint time and memory; with
 * `interactions`, also the interaction latencies (measured after memory was read).
 */
/** The site in `browser`'s page, mounted; `problems` it reports, whether its renderer crashed. */
async function openSite(browser, siteUrl) {
  const page = browser.context.pages()[0] ?? (await browser.context.newPage());
  const problems = watchPage(page, new URL(siteUrl).origin);
  let crashed = false;
  page.on('crash', () => {
    crashed = true;
  });
  await page.goto(siteUrl);
  await page.locator('#profile-input').waitFor({ state: 'attached', timeout: MOUNT_TIMEOUT_MS });
  return { page, problems, crashed: () => crashed };
}

export async function runHeaplens(siteUrl, file, { interactions = false } = {}) {
  const browser = await openBrowser();
  try {
    const { page, problems, crashed } = await openSite(browser, siteUrl);
    await page.evaluate(installRecorder);

    await mark(page);
    await page.locator('#profile-input').setInputFiles(file);
    // "Settled" is one second without a further paint: memory is read after that.
    const first = await settle(page, 'change', { quietMs: 1000, timeoutMs: FIRST_PAINT_TIMEOUT_MS });
    if (first.timeout) {
      throw new Error(
        `no paint within ${FIRST_PAINT_TIMEOUT_MS} ms${crashed() ? ' (renderer crashed)' : ''}` +
          (problems.length ? `: ${problems.slice(0, 3).join('; ')}` : ''),
      );
    }
    const memory = chromiumMemory();
    const chrome = await browserVersion(browser.context, page);
    const result = { firstPaintMs: first.first, settledMs: first.last, memory, chrome };
    if (interactions) {
      try {
        result.interactions = await measureInteractions(page);
      } catch (err) {
        result.interactions = { error: err.message.split('\n')[0] };
      }
    }
    result.problems = problems;
    return result;
  } finally {
    await closeQuietly(browser);
  }
}

/**
 * Waits until the page's renderer (main thread, analysis worker and all) has been idle for two
 * windows of `windowMs` in a row: at most `busyMs` of CPU time per window. The app shows
 * nothing while it reads a base profile without a profile, so this is the sign that it is done.
 * Resolves to the ms from `sinceMs` (a Date.now() value) to the start of the first idle window;
 * throws after `timeoutMs`.
 */
async function rendererIdle(sinceMs, { windowMs = 250, busyMs = 10, timeoutMs = FIRST_PAINT_TIMEOUT_MS } = {}) {
  const pid = chromiumMemory().rendererPid;
  if (!pid) throw new Error("no renderer process found to watch for the base's load");
  let prev = cpuMs(pid);
  let quiet = 0;
  let quietSince = null;
  // Give the page a moment to start reading the file at all.
  await new Promise((r) => setTimeout(r, windowMs));
  while (Date.now() - sinceMs < timeoutMs) {
    const start = Date.now();
    await new Promise((r) => setTimeout(r, windowMs));
    const now = cpuMs(pid);
    if (now === null || prev === null) throw new Error('the renderer went away while the base was loading');
    if (now - prev <= busyMs) {
      quietSince ??= start;
      if (++quiet >= 2) return quietSince - sinceMs;
    } else {
      quiet = 0;
      quietSince = null;
    }
    prev = now;
  }
  throw new Error(`the renderer was still busy ${Math.round(timeoutMs / 1000)} s after the base was chosen`);
}

/** The text of the page's error region (#error, role=alert; always there, empty when fine). */
async function errorText(page) {
  const text = await page.evaluate(() => document.querySelector('#error')?.textContent ?? '').catch(() => '');
  return text.trim().slice(0, 200);
}

/**
 * One fresh browser, one diff: `base` into #base-input, wait until the page has loaded it
 * (renderer idle), then `file` into #profile-input; the time from that input's change event to
 * the first paint of canvas#flame while #impact-summary is in the document (the first painted
 * differential flame graph), and memory.
 */
export async function runHeaplensDiff(siteUrl, base, file) {
  const browser = await openBrowser();
  try {
    const { page, problems, crashed } = await openSite(browser, siteUrl);
    await page.locator('#base-input').waitFor({ state: 'attached', timeout: MOUNT_TIMEOUT_MS });
    await page.evaluate(installRecorder);

    const baseChosen = Date.now();
    await page.locator('#base-input').setInputFiles(base);
    const baseLoadMs = await rendererIdle(baseChosen);
    const baseError = await errorText(page);
    if (baseError) throw new Error(`after loading the base, the page says: ${baseError}`);

    await mark(page, 'present', '#impact-summary');
    await page.locator('#profile-input').setInputFiles(file);
    const first = await settle(page, 'change', { quietMs: 1000, timeoutMs: FIRST_PAINT_TIMEOUT_MS });
    if (first.timeout) {
      const text = await errorText(page);
      throw new Error(
        `no diff paint within ${FIRST_PAINT_TIMEOUT_MS} ms${crashed() ? ' (renderer crashed)' : ''}` +
          (text ? `: page says: ${text.slice(0, 200)}` : '') +
          (problems.length ? `: ${problems.slice(0, 3).join('; ')}` : ''),
      );
    }
    const memory = chromiumMemory();
    const summary = (await page.locator('#impact-summary').innerText()).replace(/\s+/g, ' ').trim();
    const chrome = await browserVersion(browser.context, page);
    return { firstPaintMs: first.first, settledMs: first.last, baseLoadMs, memory, chrome, summary, problems };
  } finally {
    await closeQuietly(browser);
  }
}

async function measureInteractions(page) {
  const canvas = page.locator('canvas#flame');
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
  const box = await canvas.boundingBox();
  if (!box) throw new Error('canvas#flame has no box');
  const rowY = (row) => box.y + row * ROW_H + ROW_H / 2;
  const x = (frac) => box.x + box.width * frac;
  // The mouse must reach the canvas itself on the rows used below (nothing covering them).
  for (let row = 0; row <= 4; row++) {
    const onCanvas = await page.evaluate(
      ([px, py]) => document.elementFromPoint(px, py)?.id === 'flame',
      [x(0.5), rowY(row)],
    );
    if (!onCanvas) throw new Error(`row ${row} of the flame graph is not under the mouse at (${x(0.5)}, ${rowY(row)})`);
  }
  return {
    hover: await measureHover(page, x, rowY),
    zoom: await measureZoom(page, x, rowY),
    sampleType: await measureSampleTypes(page),
    views: await measureViews(page),
    graph: await measureGraph(page),
  };
}

/**
 * The graph view: the first switch to it (G: the call graph built, laid out in the worker and
 * painted; target <= 500 ms), switching back and forth again (the laid-out graph is kept), and
 * panning it: 40 drag moves, each from the mouse event to the repaint (target <= 16 ms p95).
 */
async function measureGraph(page) {
  const blur = () => page.evaluate(() => document.activeElement?.blur());
  const timed = async (type, act, quietMs = 300) => {
    await mark(page);
    await act();
    const r = await settle(page, type, { quietMs });
    if (r.timeout) throw new Error(`no repaint after ${type}`);
    return r;
  };
  await blur();
  const first = await timed('keydown', () => page.keyboard.press('Shift+G'));
  const canvas = page.locator('canvas#callgraph');
  await canvas.waitFor({ timeout: INTERACTION_TIMEOUT_MS });
  const nodes = Number(await canvas.getAttribute('data-nodes'));
  const again = [];
  for (let i = 0; i < 3; i++) {
    await timed('keydown', () => page.keyboard.press('Shift+G'));
    await page.locator('canvas#flame').waitFor({ timeout: INTERACTION_TIMEOUT_MS });
    again.push((await timed('keydown', () => page.keyboard.press('Shift+G'))).last);
  }
  await canvas.evaluate((el) => el.scrollIntoView({ block: 'nearest' }));
  const box = await canvas.boundingBox();
  const [x0, y0] = [box.x + box.width / 2, box.y + box.height / 2];
  await page.mouse.move(x0, y0);
  await page.mouse.down();
  const pans = [];
  for (let i = 0; i < 40; i++) {
    const dx = (i % 10) * 6 - 27;
    const dy = (i % 7) * 5 - 15;
    const r = await timed('mousemove', () => page.mouse.move(x0 + dx, y0 + dy), 0);
    pans.push(r.first);
  }
  await page.mouse.up();
  await page.keyboard.press('Shift+G');
  await page.locator('canvas#flame').waitFor({ timeout: INTERACTION_TIMEOUT_MS });
  return {
    nodes,
    firstMs: first.last,
    againP95: percentile(again, 95),
    pan: { n: pans.length, p50: percentile(pans, 50), p95: percentile(pans, 95), max: Math.max(...pans) },
  };
}

/**
 * View switches and filters, from the input event to the last repaint (nothing changes for
 * 300 ms after it): bottom-up and back (B), recursion collapsed and back (the select), the
 * callers graph of the top table's first function and back (C, T), hiding that function and
 * taking the chip off (H, the chip's remove button). Five rounds each; p95, max and every round per
 * operation.
 */
async function measureViews(page) {
  const blur = () => page.evaluate(() => document.activeElement?.blur());
  const timed = async (type, act) => {
    await mark(page);
    await act();
    const r = await settle(page, type, { quietMs: 300 });
    if (r.timeout) throw new Error(`no repaint after ${type}`);
    return r.last;
  };
  const first = page.locator('#top-table tbody tr').first();
  await first.click();
  await blur();
  const ops = {
    'bottom-up': [],
    'top-down': [],
    'collapse recursion': [],
    'recursion as sampled': [],
    'callers graph': [],
    'whole graph': [],
    'hide (H)': [],
    'hide removed': [],
  };
  for (let i = 0; i < 5; i++) {
    ops['bottom-up'].push(await timed('keydown', () => page.keyboard.press('Shift+B')));
    ops['top-down'].push(await timed('keydown', () => page.keyboard.press('Shift+B')));
    ops['collapse recursion'].push(await timed('change', () => page.selectOption('#recursion', 'all')));
    ops['recursion as sampled'].push(await timed('change', () => page.selectOption('#recursion', 'keep')));
    await blur();
    ops['callers graph'].push(await timed('keydown', () => page.keyboard.press('Shift+C')));
    ops['whole graph'].push(await timed('keydown', () => page.keyboard.press('Shift+T')));
    ops['hide (H)'].push(await timed('keydown', () => page.keyboard.press('Shift+H')));
    ops['hide removed'].push(await timed('mousedown', () => page.click('#refine .chip[data-filter=hide] .chip-remove')));
    await first.click();
    await blur();
  }
  return Object.fromEntries(
    Object.entries(ops).map(([k, t]) => [k, { n: t.length, p95: percentile(t, 95), max: Math.max(...t), all: t.map(Math.round) }]),
  );
}

/**
 * Hover: ~50 moves, alternating between row 0 (the root, which spans the whole width) and one
 * of rows 1-4, so every move changes the hovered frame and must repaint.
 */
async function measureHover(page, x, rowY) {
  await page.mouse.move(1, 1); // outside the canvas
  const latencies = [];
  let missed = 0;
  const N = 50;
  for (let i = 0; i < N; i++) {
    const row = i % 2 === 0 ? 0 : 1 + ((i >> 1) % 4);
    await mark(page);
    await page.mouse.move(x(0.02 + (0.96 * i) / (N - 1)), rowY(row));
    const r = await settle(page, 'mousemove', { timeoutMs: 2000 });
    if (r.timeout) missed += 1;
    else latencies.push(r.first);
  }
  return { n: latencies.length, missed, p50: percentile(latencies, 50), p95: percentile(latencies, 95), max: Math.max(...latencies) };
}

const crumbCount = (page) => page.locator('.breadcrumb .crumb').count();

/**
 * Zoom: clicks on frames of row 2 (found by hovering: a frame shows a tooltip), reset with '0'.
 * Two times per click: to the first paint of the zoomed view (the page stretches the frames it
 * has at once) and to the last paint (the worker's layout of the zoom, with the frames that were
 * too narrow to draw before), after which nothing changes for 300 ms.
 */
async function measureZoom(page, x, rowY) {
  const targets = [];
  for (let f = 0.05; f < 1 && targets.length < 4; f += 0.05) {
    await mark(page);
    await page.mouse.move(x(f), rowY(2));
    await settle(page, 'mousemove', { quietMs: 50, timeoutMs: 2000 });
    if (await page.locator('.flame-wrap .tooltip').count()) targets.push(f);
  }
  if (!targets.length) return { n: 0, note: 'no frame found on row 2' };
  const zoom = [];
  const complete = [];
  const reset = [];
  const rounds = 8;
  for (let i = 0; i < rounds; i++) {
    const f = targets[i % targets.length];
    await page.mouse.move(x(f), rowY(2));
    await page.waitForTimeout(50);
    const before = await crumbCount(page);
    // A paint counts once the breadcrumb has grown: a click may repaint the old view first
    // (selection highlight) before the zoomed layout arrives from the worker.
    await mark(page, 'crumbsAbove', before);
    await page.mouse.click(x(f), rowY(2));
    const z = await settle(page, 'mousedown', { quietMs: 300 });
    if (z.timeout || (await crumbCount(page)) <= before) throw new Error(`zoom click ${i} did not zoom`);
    zoom.push(z.first);
    complete.push(z.last);
    await mark(page, 'crumbsAtMost', before);
    await page.keyboard.press('0');
    const r = await settle(page, 'keydown', { quietMs: 300 });
    if (r.timeout) throw new Error(`reset ${i} did not repaint`);
    reset.push(r.last);
  }
  return {
    n: zoom.length,
    p50: percentile(zoom, 50),
    p95: percentile(zoom, 95),
    completeP50: percentile(complete, 50),
    completeP95: percentile(complete, 95),
    resetP95: percentile(reset, 95),
  };
}

/** Sample type: select every other type in turn, then the first one again. */
async function measureSampleTypes(page) {
  const select = page.locator('#sample-type');
  const values = await select.locator('option').evaluateAll((os) => os.map((o) => o.value));
  const start = await select.inputValue();
  const order = [...values.filter((v) => v !== start), start];
  const times = [];
  for (const v of order) {
    await mark(page);
    await select.selectOption(v);
    const r = await settle(page, 'change', { quietMs: 300 });
    if (r.timeout) throw new Error(`switching to sample type ${v} did not repaint`);
    times.push(r.last);
  }
  return { n: times.length, types: values.length, max: Math.max(...times), p50: percentile(times, 50) };
}
