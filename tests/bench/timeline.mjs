// The timeline's benchmark, run by scripts/bench after the GC view's: 100 heap snapshots of
// about 20 000 samples each (bench-data/snapshots-100/snap-000.pb.gz .. snap-099.pb.gz, written
// one after another by tests/gen/largealloc -n 20000 -variant V, V = 0..99, so their times are
// distinct and increasing, which is checked, and they share most stacks); then
// `heaplens growth --format tsv` on the 100 files (wall time, best of --runs, and the peak RSS of
// that run, from GNU time), and in headless Chromium, a fresh browser per load, the time from the
// change event of #snapshots-input (all 100 files chosen at once) to the timeline charted: 100
// points in #timeline-chart and #growth-table or #growth-none in the DOM, then painted (the next
// animation frame); best of --runs loads, target <= 3 s; the renderer's peak memory (VmHWM: the
// page's main thread and its worker; max over the loads). On the first load, the sample type
// switched from the snapshots' default (alloc_space: they are allocs profiles) to inuse_space
// and back, 10 times each: from the select's change event to #timeline h2 naming the new type,
// painted (p50/p95); and whether a switch decoded anything again: requests the page makes
// during the switches (the worker fetches each snapshot's blob: URL once while loading, and
// those fetches are seen) and whether the progress bar showed. Also where the load's time goes,
// from the progress bar's "snapshot k of N" steps as the page showed them. Prints a Markdown
// table on stdout.
//
// Usage: node tests/bench/timeline.mjs [--runs N]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

import { openBrowser, watchPage } from '../e2e/browser.mjs';
import { serveDir } from '../e2e/server.mjs';
import { chromiumMemory } from './procmem.mjs';
import { closeQuietly, fmtMs, log, percentile, withTimeout } from './util.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SNAPS = 100;
const SAMPLES = 20_000;
const TARGET_MS = 3000;
const SWITCHES = 10; // rounds of alloc_space and back
const LOAD_TIMEOUT_MS = 120_000;
const dataDir = join(root, 'bench-data', `snapshots-${SNAPS}`);
const cli = process.env.HEAPLENS ?? join(root, 'target', 'release', 'heaplens');
const GNU_TIME = '/usr/bin/time';
const name = (v) => `snap-${String(v).padStart(3, '0')}.pb.gz`;
const files = Array.from({ length: SNAPS }, (_, v) => join(dataDir, name(v)));

/** A profile's time_nanos (field 9 of perftools.profiles.Profile), read from the wire format. */
function timeNanos(file) {
  const b = gunzipSync(readFileSync(file));
  let i = 0;
  const varint = () => {
    let v = 0n;
    for (let shift = 0n; ; shift += 7n) {
      const byte = b[i++];
      v |= BigInt(byte & 0x7f) << shift;
      if (byte < 0x80) return v;
    }
  };
  while (i < b.length) {
    const key = Number(varint());
    const [num, wire] = [key >> 3, key & 7];
    if (wire === 0) {
      const v = varint();
      if (num === 9) return v;
    } else if (wire === 1) i += 8;
    else if (wire === 2) {
      const len = Number(varint()); // read before `i` is: `i += varint()` would lose the varint
      i += len;
    }
    else if (wire === 5) i += 4;
    else throw new Error(`${file}: unexpected wire type ${wire}`);
  }
  return null;
}

/** The snapshots, generated once (into a temporary folder renamed at the end, so an interrupted
 * run leaves nothing that a later one would take as complete); the seconds it took, or null. */
function makeSnapshots() {
  if (files.every((f) => existsSync(f))) return null;
  const started = Date.now();
  const gen = join(root, 'tests', 'gen');
  const env = { ...process.env, GOPROXY: 'off', GOWORK: 'off', GO111MODULE: 'on', GOTOOLCHAIN: 'local' };
  const tmp = mkdtempSync(join(tmpdir(), 'heaplens-largealloc-'));
  const part = `${dataDir}.tmp`;
  try {
    log(`timeline: generating ${SNAPS} snapshots of ${SAMPLES} stacks into bench-data/snapshots-${SNAPS}/ (largealloc, built once)`);
    const bin = join(tmp, 'largealloc');
    try {
      execFileSync('go', ['build', '-o', bin, './largealloc'], { cwd: gen, env, stdio: ['ignore', 'ignore', 'inherit'] });
    } catch (err) {
      if (err.code === 'ENOENT') throw new Error(`bench-data/snapshots-${SNAPS} is missing and cannot be generated without 'go' (Debian package golang-go)`);
      throw err;
    }
    rmSync(part, { recursive: true, force: true });
    mkdirSync(part, { recursive: true });
    for (let v = 0; v < SNAPS; v++) {
      // Its one line per file goes to stderr; an error's output comes with the exception.
      execFileSync(bin, ['-n', String(SAMPLES), '-variant', String(v), '-o', join(part, name(v))], { stdio: 'pipe' });
    }
    rmSync(dataDir, { recursive: true, force: true });
    renameSync(part, dataDir);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
    rmSync(part, { recursive: true, force: true });
  }
  const secs = (Date.now() - started) / 1000;
  log(`timeline: generated in ${secs.toFixed(1)} s`);
  return secs;
}

/** Throws unless the snapshots' times are distinct and increasing; the span in seconds. */
function checkTimes() {
  const times = files.map(timeNanos);
  for (let k = 0; k < times.length; k++) {
    if (times[k] === null) throw new Error(`${files[k]} has no time_nanos`);
    if (k > 0 && times[k] <= times[k - 1]) throw new Error(`${name(k)} is not later than ${name(k - 1)}`);
  }
  return Number(times.at(-1) - times[0]) / 1e9;
}

/** `heaplens growth --format tsv` on the snapshots, `runs` times: the best wall time, that run's
 * peak RSS (MiB, from GNU time when installed) and the number of suspects printed. */
function cliGrowth(runs) {
  const args = ['growth', '--format', 'tsv', ...files];
  const rows = execFileSync(cli, args, { encoding: 'utf8', maxBuffer: 64 << 20 }).split('\n').filter(Boolean).length;
  const haveTime = existsSync(GNU_TIME);
  const rssFile = join(mkdtempSync(join(tmpdir(), 'heaplens-growth-')), 'time');
  let best = { ms: Infinity, rssMB: NaN };
  try {
    for (let i = 0; i < runs; i++) {
      const t = process.hrtime.bigint();
      const r = haveTime
        ? spawnSync(GNU_TIME, ['-f', '%M', '-o', rssFile, cli, ...args], { stdio: 'ignore' })
        : spawnSync(cli, args, { stdio: 'ignore' });
      const ms = Number(process.hrtime.bigint() - t) / 1e6;
      if (r.status !== 0) throw new Error(`heaplens growth failed (exit ${r.status})`);
      const rssMB = haveTime ? Number(readFileSync(rssFile, 'utf8').trim().split('\n').at(-1)) / 1024 : NaN;
      if (ms < best.ms) best = { ms, rssMB };
    }
  } finally {
    rmSync(dirname(rssFile), { recursive: true, force: true });
  }
  return { ...best, rows };
}

/**
 * Installed before the files are chosen: records the change event of #snapshots-input, every
 * new text of the progress bar (with its time), and resolves window.__charted with the ms from
 * that change to the timeline charted (100 points, the suspects' table or the note that there
 * are none) and painted.
 */
function installLoadRecorder([points, timeoutMs]) {
  const rec = { progress: [], t0: null };
  window.__timeline = rec;
  let last = null;
  new MutationObserver(() => {
    const text = document.querySelector('#progress .progress-label')?.textContent ?? null;
    if (text !== last) {
      last = text;
      rec.progress.push({ t: performance.now(), text });
    }
  }).observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  window.__charted = new Promise((done) => {
    document.querySelector('#snapshots-input').addEventListener(
      'change',
      () => {
        rec.t0 = performance.now();
        const check = () => {
          const n = document.querySelectorAll('#timeline-chart circle.snap').length;
          if (n === points && document.querySelector('#growth-table, #growth-none')) {
            requestAnimationFrame(() => done({ ms: performance.now() - rec.t0 }));
          } else if (performance.now() - rec.t0 > timeoutMs) {
            done({ timeout: true, points: n, error: document.querySelector('#error')?.textContent?.trim() ?? '' });
          } else {
            requestAnimationFrame(check);
          }
        };
        check();
      },
      { capture: true, once: true },
    );
  });
}

/** In the page: the sample type switched `rounds` times to the other of alloc_space and
 * inuse_space and back (the snapshots are allocs profiles: alloc_space is their default), each
 * from the select's change event (capture phase) to #timeline h2 starting with the new type,
 * painted. The options' values are indices; their text starts with the type's name. */
async function switchTypes(rounds) {
  const select = document.querySelector('#sample-type');
  const title = () => document.querySelector('#timeline h2')?.textContent ?? '';
  const start = title().split(' ')[0];
  const other = start === 'alloc_space' ? 'inuse_space' : 'alloc_space';
  const option = (type) => [...select.options].find((o) => o.textContent.startsWith(`${type} (`));
  if (!option(start) || !option(other)) return { error: `no option for ${start} or ${other}` };
  const times = [];
  let missed = 0;
  let progressSeen = 0;
  const watch = new MutationObserver(() => {
    if (document.querySelector('#progress')) progressSeen++;
  });
  watch.observe(document.documentElement, { subtree: true, childList: true, characterData: true });
  for (let i = 0; i < rounds * 2; i++) {
    const type = i % 2 === 0 ? other : start;
    let t0 = null;
    select.addEventListener('change', () => (t0 = performance.now()), { capture: true, once: true });
    const changed = new Promise((done) => {
      const check = () => {
        if (title().startsWith(`${type} `)) requestAnimationFrame(() => done(true));
        else if (performance.now() - t0 > 10_000) done(false);
        else requestAnimationFrame(check);
      };
      select.value = option(type).value;
      select.dispatchEvent(new Event('input', { bubbles: true }));
      select.dispatchEvent(new Event('change', { bubbles: true }));
      check();
    });
    if (await changed) times.push(performance.now() - t0);
    else missed++;
    // Let anything the switch started (the open snapshot's flame graph) settle before the next.
    await new Promise((r) => setTimeout(r, 200));
  }
  watch.disconnect();
  return { times, missed, progressSeen, types: `${start} -> ${other}`, title: title() };
}

async function pageRun(siteUrl, switches) {
  const browser = await openBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const origin = new URL(siteUrl).origin;
    const problems = watchPage(page, origin);
    // Every request with the phase it came in: the site's own files, then the snapshots' blob:
    // URLs fetched by the worker while loading, then (there should be none) while switching.
    const requests = [];
    let phase = 'site';
    page.on('request', (req) => requests.push({ phase, url: req.url() }));
    await page.goto(siteUrl);
    await page.locator('#snapshots-input').waitFor({ state: 'attached', timeout: 30_000 });
    await page.evaluate(installLoadRecorder, [SNAPS, LOAD_TIMEOUT_MS]);
    phase = 'load';
    await page.locator('#snapshots-input').setInputFiles(files);
    const charted = await withTimeout(page.evaluate(() => window.__charted), LOAD_TIMEOUT_MS + 30_000, 'waiting for the timeline');
    if (charted.timeout) {
      throw new Error(`no timeline of ${SNAPS} points within ${LOAD_TIMEOUT_MS} ms (${charted.points} points)${charted.error ? `: page says: ${charted.error}` : ''}`);
    }
    const memory = chromiumMemory();
    const rec = await page.evaluate(() => window.__timeline);
    const title = await page.locator('#timeline h2').textContent();
    const suspects = await page.locator('#growth-table tbody tr[data-name]').count();
    const result = { ms: charted.ms, memory, title, suspects, problems, steps: steps(rec) };
    if (switches) {
      // Let the load's last answers (the open snapshot's flame graph) land first.
      await page.waitForTimeout(500);
      phase = 'switch';
      result.switch = await page.evaluate(switchTypes, switches);
      log(`timeline: sample type ${result.switch.types ?? ''}: ${result.switch.error ?? `${result.switch.times.length} switches`}`);
      phase = 'done';
    }
    const count = (p, re) => requests.filter((r) => r.phase === p && re.test(r.url)).length;
    result.requests = { loadBlobs: count('load', /^blob:/), switchAll: count('switch', /./) };
    return result;
  } finally {
    await closeQuietly(browser);
  }
}

/** From the progress bar's texts: the ms from the change to "snapshot 1 of N", from there to
 * "snapshot N of N", per snapshot (median of the steps seen) and from the last one to the end
 * of the progress bar (the last snapshot's read, the timeline's series, the open snapshot). */
function steps(rec) {
  const at = [];
  let gone = null;
  for (const p of rec.progress) {
    const m = /snapshot (\d+) of (\d+)/.exec(p.text ?? '');
    if (m) at.push({ k: Number(m[1]), t: p.t - rec.t0 });
    else if (p.text === null && at.length) gone ??= p.t - rec.t0;
  }
  if (!at.length) return null;
  const gaps = [];
  for (let i = 1; i < at.length; i++) gaps.push((at[i].t - at[i - 1].t) / (at[i].k - at[i - 1].k));
  return { first: at[0].t, lastK: at.at(-1).k, last: at.at(-1).t, seen: at.length, perSnap: percentile(gaps, 50), gone };
}

async function main() {
  let runs = 3;
  const i = process.argv.indexOf('--runs');
  if (i > 0) runs = Number(process.argv[i + 1]);
  const genSecs = makeSnapshots();
  const span = checkTimes();
  const bytes = files.reduce((s, f) => s + statSync(f).size, 0);
  log(`timeline: heaplens growth on ${SNAPS} snapshots`);
  const c = cliGrowth(runs);
  const server = await serveDir(join(root, 'dist'), '/heaplens/');
  const loads = [];
  let first = null;
  let peakMB = null;
  try {
    for (let k = 0; k < runs; k++) {
      log(`timeline: page load ${k + 1}/${runs}`);
      const r = await pageRun(server.url, k === 0 ? SWITCHES : 0);
      loads.push(r);
      first ??= r;
      if (r.memory.rendererPeakMB != null) peakMB = Math.max(peakMB ?? 0, r.memory.rendererPeakMB);
      const st = r.steps;
      log(`timeline: ${fmtMs(r.ms)} ms (snapshot 1 at ${fmtMs(st?.first)}, ${st?.lastK} at ${fmtMs(st?.last)}, progress gone at ${fmtMs(st?.gone)}); ${r.title.trim()}; ${r.suspects} suspects`);
      if (r.problems.length) log(`timeline: page problems: ${r.problems.slice(0, 3).join('; ')}`);
    }
  } finally {
    await server.close();
  }
  const ms = loads.map((r) => r.ms);
  const best = Math.min(...ms);
  const bestRun = loads[ms.indexOf(best)];
  const sw = first.switch;
  const out = (l = '') => process.stdout.write(`${l}\n`);
  out(
    `Timeline: ${SNAPS} heap snapshots of ~${SAMPLES / 1000}k samples (${(bytes / 1e6).toFixed(1)} MB gzipped, taken over ${span.toFixed(1)} s` +
      `${genSecs === null ? '' : `, generated in ${genSecs.toFixed(0)} s`}), best of ${runs}; target: charted within ${TARGET_MS} ms of the change.`,
  );
  out();
  out('| heaplens growth (CLI) ms | CLI peak RSS MB | page: change event to 100 points and suspects painted ms, best (median; each load) | within 3 s | switch sample type and back p50 / p95 ms (switches) | requests / progress bar during switches | renderer peak MB | suspects CLI / page |');
  out('|---:|---:|---:|---|---:|---|---:|---:|');
  const swCell = !sw ? '-' : sw.error ? sw.error : `${fmtMs(percentile(sw.times, 50))} / ${fmtMs(percentile(sw.times, 95))} (${sw.times.length}${sw.missed ? `, ${sw.missed} without the new title` : ''})`;
  const again = sw && !sw.error ? `${first.requests.switchAll} / ${sw.progressSeen ? 'shown' : 'not shown'} (load: ${first.requests.loadBlobs} blob: fetches)` : '-';
  out(
    `| ${fmtMs(c.ms)} | ${Number.isFinite(c.rssMB) ? Math.round(c.rssMB) : '-'} | ${fmtMs(best)} (${fmtMs(percentile(ms, 50))}; ${ms.map(fmtMs).join(', ')}) | ${best <= TARGET_MS ? 'yes' : 'no'} | ${swCell} | ${again} | ${peakMB ?? '-'} | ${c.rows} / ${first.suspects} |`,
  );
  const s = bestRun.steps;
  if (s) {
    out();
    out(
      `Where the best load's time goes (the progress bar as the page showed it, ${s.seen} of ${SNAPS} steps seen): "snapshot 1 of ${SNAPS}" at ${fmtMs(s.first)} ms, ` +
        `"snapshot ${s.lastK} of ${SNAPS}" at ${fmtMs(s.last)} ms (${s.perSnap.toFixed(1)} ms per snapshot, median), progress bar gone at ${fmtMs(s.gone)} ms, charted and painted at ${fmtMs(best)} ms. ` +
        `Natively, \`heaplens growth\` (the same decoding and series, one thread) takes ${fmtMs(c.ms)} ms.`,
    );
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
