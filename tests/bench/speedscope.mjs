// speedscope (the npm package's static site) in headless Chromium, opened with
// `#profileURL=<url>`: time to its first painted flame chart, and renderer memory.
//
// speedscope times its own parse with console.time('import') / console.timeEnd('import')
// ("import: N ms" in the console); that covers fetching and parsing the profile but not
// building the flame chart or drawing it, which for big profiles takes longer than the parse.
// So the page is instrumented before speedscope's script runs (an init script):
//   - console.time/timeEnd('import') record performance.now(): the start is the moment
//     speedscope starts loading the profile (the page and its script are loaded by then, as in
//     the heaplens measurement, which starts when the app is up and a file is chosen);
//   - WebGL drawArrays/drawElements and 2D fillText/drawImage (speedscope draws the chart with
//     WebGL and the labels on a 2D overlay canvas) record performance.now() and the timestamp
//     of the animation frame they belong to.
// First paint = the last draw call of the first animation frame in which the main flame chart
// (the largest 2D overlay canvas that got labels) was drawn; speedscope draws its minimap one
// frame earlier, which does not count. Settled = the last draw call before the page stayed
// quiet for a second.
import { openBrowser } from '../e2e/browser.mjs';
import { chromiumMemory } from './procmem.mjs';
import { closeQuietly, withTimeout } from './util.mjs';

const TIMEOUT_MS = Number(process.env.BENCH_SPEEDSCOPE_TIMEOUT_MS ?? 180_000);

function instrument() {
  const rec = {
    importStart: null,
    importEnd: null,
    frame: 0,
    // Per animation frame after the import ended: { first, last, labels: [canvas ids] }.
    frames: [],
    // Pixel area of each 2D canvas that got labels, by id.
    canvasArea: {},
    lastDraw: null,
    draws: 0,
  };
  window.__bench = rec;
  const time = console.time;
  const timeEnd = console.timeEnd;
  console.time = function (label, ...rest) {
    if (label === 'import') rec.importStart = performance.now();
    return time.call(this, label, ...rest);
  };
  console.timeEnd = function (label, ...rest) {
    if (label === 'import') rec.importEnd = performance.now();
    return timeEnd.call(this, label, ...rest);
  };
  // Draw calls are grouped by the animation frame callback they run in (or after).
  const raf = window.requestAnimationFrame;
  window.requestAnimationFrame = function (cb) {
    return raf.call(window, (ts) => {
      rec.frame = ts;
      return cb(ts);
    });
  };
  const ids = new WeakMap();
  let nextId = 0;
  const onDraw = (canvas, label) => {
    if (rec.importEnd === null) return;
    const now = performance.now();
    let f = rec.frames[rec.frames.length - 1];
    if (!f || f.ts !== rec.frame) rec.frames.push((f = { ts: rec.frame, first: now, last: now, labels: [] }));
    f.last = now;
    rec.lastDraw = now;
    rec.draws += 1;
    if (label && canvas) {
      if (!ids.has(canvas)) ids.set(canvas, nextId++);
      const id = ids.get(canvas);
      rec.canvasArea[id] = canvas.width * canvas.height;
      if (!f.labels.includes(id)) f.labels.push(id);
    }
  };
  const hook = (proto, name, label) => {
    const orig = proto?.[name];
    if (typeof orig !== 'function') return;
    proto[name] = function (...args) {
      onDraw(this.canvas, label);
      return orig.apply(this, args);
    };
  };
  for (const gl of [window.WebGLRenderingContext, window.WebGL2RenderingContext]) {
    hook(gl?.prototype, 'drawArrays', false);
    hook(gl?.prototype, 'drawElements', false);
  }
  hook(CanvasRenderingContext2D.prototype, 'fillText', true);
  hook(CanvasRenderingContext2D.prototype, 'drawImage', false);
  /** Resolves when something was drawn after the import and then nothing for `quietMs`. */
  rec.settled = (quietMs) =>
    new Promise((resolve) => {
      const poll = () => {
        if (rec.lastDraw !== null && performance.now() - rec.lastDraw >= quietMs) {
          const { settled, ...plain } = rec;
          resolve(JSON.parse(JSON.stringify(plain)));
        } else {
          setTimeout(poll, 50);
        }
      };
      poll();
    });
}

/**
 * The end of speedscope's first complete picture: the main flame chart is the largest 2D
 * canvas that got labels (the minimap above it is drawn first, a frame earlier); its first
 * frame with labels ends at that frame's last draw call. Null when it never drew labels.
 */
function firstChartFrameEnd(rec) {
  let main = null;
  for (const [id, area] of Object.entries(rec.canvasArea)) {
    if (main === null || area > rec.canvasArea[main]) main = id;
  }
  if (main === null) return null;
  return rec.frames.find((f) => f.labels.includes(Number(main)))?.last ?? null;
}

/**
 * One fresh browser, one page load of speedscope on `profileUrl`: { importMs, firstPaintMs,
 * settledMs, memory }. Throws on failure (the caller reports it).
 */
export async function runSpeedscope(siteUrl, profileUrl) {
  const browser = await openBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    let importLine = null;
    // Rejected by the first sign that speedscope gave up (only the first call counts).
    let failed;
    const failedPromise = new Promise((_, reject) => {
      failed = (why) => reject(new Error(why));
    });
    failedPromise.catch(() => {});
    page.on('console', (msg) => {
      const text = msg.text();
      const m = /^import: ([\d.]+) ?ms$/.exec(text);
      if (m) importLine = Number(m[1]);
      if (text.startsWith('Failed to load format')) failed(`speedscope: ${text}`);
    });
    page.on('dialog', (d) => {
      failed(`speedscope alert: ${d.message()}`);
      d.dismiss().catch(() => {});
    });
    const pageErrors = [];
    page.on('pageerror', (err) => pageErrors.push(err.message));
    page.on('crash', () => failed('the renderer crashed (out of memory?)'));
    await page.addInitScript(instrument);
    await page.goto(`${siteUrl}#profileURL=${encodeURIComponent(profileUrl)}`);
    let rec;
    try {
      rec = await withTimeout(
        Promise.race([page.evaluate(() => window.__bench.settled(1000)), failedPromise]),
        TIMEOUT_MS,
        'speedscope did not paint',
      );
      if (rec.importStart === null) throw new Error('speedscope never started its import');
      if (firstChartFrameEnd(rec) === null) throw new Error('speedscope drew no flame chart labels');
    } catch (err) {
      // What it had used by then is still worth reporting.
      err.memory = chromiumMemory();
      err.timedOut = /timed out/.test(err.message);
      if (pageErrors.length) err.message += ` (page errors: ${pageErrors.slice(0, 2).join('; ')})`;
      throw err;
    }
    return {
      importMs: importLine ?? rec.importEnd - rec.importStart,
      firstPaintMs: firstChartFrameEnd(rec) - rec.importStart,
      settledMs: rec.lastDraw - rec.importStart,
      draws: rec.draws,
      memory: chromiumMemory(),
      pageErrors,
    };
  } finally {
    await closeQuietly(browser);
  }
}
