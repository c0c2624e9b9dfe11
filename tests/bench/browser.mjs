// The browser half of scripts/bench: heaplens (dist/) and speedscope (the npm package's static
// site) side by side in the same headless Chromium, on the same profiles. Prints Markdown
// tables on stdout; progress and failures go to stderr.
//
// Usage: node tests/bench/browser.mjs [--runs N] [--baseline DIR] [--diff BASE=SAMPLES NEW=SAMPLES]
//        FILE=SAMPLES...
//   --runs N   page loads per file and tool, best first-paint time kept (default 3);
//              speedscope gets one load for files of 1M samples or more (it takes tens of
//              seconds and gigabytes there)
//   --diff BASE=SAMPLES NEW=SAMPLES
//              also the diff in heaplens (speedscope has none): BASE into the page's base
//              input, and once the page has loaded it, NEW into the profile input; the time
//              from that change event to the first painted differential flame graph, best of
//              --runs loads (a fresh browser each). May be given without any FILE=SAMPLES.
//   --baseline DIR
//              also heaplens as built at an earlier commit (scripts/bench-baseline: DIR holds its
//              dist/), the same loads of the same files, and the browser's own gunzip alone
//              (floor.mjs) on each file: a table of first paint against both
// Environment: BENCH_HEAPLENS_TIMEOUT_MS (default 120000) and BENCH_SPEEDSCOPE_TIMEOUT_MS
// (default 180000) bound one page load.
//
// Every page load gets a fresh browser, so each renderer's high-water mark belongs to one
// load (see procmem.mjs for what the memory figures cover). heaplens' interaction latencies
// are measured on the first load of each file, after its memory was read.
import { existsSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { serveDir } from '../e2e/server.mjs';
import { runHeaplens, runHeaplensDiff } from './heaplens.mjs';
import { runGunzipFloor } from './floor.mjs';
import { runSpeedscope } from './speedscope.mjs';
import { fmtMs, killLeftoverBrowsers, log } from './util.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dist = join(root, 'dist');
const speedscopeDist = join(root, 'node_modules', 'speedscope', 'dist', 'release');

function fileArg(arg) {
  const eq = arg?.lastIndexOf('=') ?? -1;
  if (eq < 0) throw new Error(`expected FILE=SAMPLES, got ${arg}`);
  return { path: resolve(arg.slice(0, eq)), samples: arg.slice(eq + 1) };
}

function parseArgs(argv) {
  let runs = 3;
  let baseline = null;
  const files = [];
  const diffs = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--runs') runs = Number(argv[++i]);
    else if (argv[i] === '--baseline') baseline = resolve(argv[++i]);
    else if (argv[i] === '--diff') {
      const base = fileArg(argv[++i]);
      const profile = fileArg(argv[++i]);
      diffs.push({ base, profile });
    } else files.push(fileArg(argv[i]));
  }
  if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs needs a positive integer');
  if (!files.length && !diffs.length) throw new Error('no profiles given');
  return { runs, files, diffs, baseline };
}

// --- cleanup: no browser and no temporary directory may outlive this process --------------
let siteDir = null;
function cleanup() {
  killLeftoverBrowsers();
  if (siteDir) rmSync(siteDir, { recursive: true, force: true });
  siteDir = null;
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    log(`${sig}: stopping`);
    cleanup();
    process.exit(128 + (sig === 'SIGINT' ? 2 : sig === 'SIGTERM' ? 15 : 1));
  });
}

/** speedscope's site plus the profiles, served from one origin (no CORS in the way). */
function speedscopeSite(files) {
  const dir = mkdtempSync(join(tmpdir(), 'heaplens-bench-speedscope-'));
  for (const name of readdirSync(speedscopeDist)) symlinkSync(join(speedscopeDist, name), join(dir, name));
  files.forEach((f, i) => symlinkSync(f.path, join(dir, `profile-${i}-${basename(f.path)}`)));
  return dir;
}

/** Runs `fn(i)` for i < n; collects results and failures instead of stopping at one. */
async function repeat(n, what, fn) {
  const ok = [];
  const failed = [];
  for (let i = 0; i < n; i++) {
    const started = Date.now();
    try {
      const r = await fn(i);
      ok.push(r);
      log(`${what} load ${i + 1}/${n}: first paint ${fmtMs(r.firstPaintMs)} ms, peak renderer ${r.memory.rendererPeakMB} MB (${((Date.now() - started) / 1000).toFixed(1)} s)`);
    } catch (err) {
      failed.push(err);
      log(`${what} load ${i + 1}/${n} failed: ${err.message}`);
    }
  }
  return { ok, failed };
}

/** Summary of several loads of one tool on one file. */
function summarize({ ok, failed }) {
  if (!ok.length) {
    const err = failed[0];
    return { failed: true, timedOut: !!err?.timedOut, reason: err?.message ?? 'no run', memory: err?.memory ?? null };
  }
  const best = ok.reduce((a, b) => (b.firstPaintMs < a.firstPaintMs ? b : a));
  const max = (key) => Math.max(...ok.map((r) => r.memory[key] ?? NaN));
  return {
    failed: false,
    loads: ok.length,
    failures: failed.length,
    firstPaintMs: best.firstPaintMs,
    all: ok.map((r) => r.firstPaintMs),
    settledMs: best.settledMs,
    importMs: best.importMs,
    peakMB: max('rendererPeakMB'),
    rssMB: best.memory.rendererRssMB,
    gpuPeakMB: max('gpuPeakMB'),
    renderers: best.memory.renderers,
    chrome: best.chrome ?? null,
    interactions: ok.find((r) => r.interactions)?.interactions ?? null,
    problems: [...new Set(ok.flatMap((r) => r.problems ?? []))],
    pageErrors: [...new Set(ok.flatMap((r) => r.pageErrors ?? []))],
  };
}

const ratio = (peer, ours) => (Number.isFinite(peer) && Number.isFinite(ours) && ours > 0 ? `${(peer / ours).toFixed(1)}x` : '-');

async function main() {
  const { runs, files, diffs, baseline } = parseArgs(process.argv.slice(2));
  if (!existsSync(join(dist, 'index.html'))) throw new Error(`no ${dist}/index.html: run scripts/build first`);
  if (!existsSync(join(speedscopeDist, 'index.html'))) throw new Error(`no ${speedscopeDist}/index.html: npm package speedscope missing (scripts/setup)`);
  for (const f of [...files, ...diffs.flatMap((d) => [d.base, d.profile])]) {
    if (!existsSync(f.path)) throw new Error(`no such profile: ${f.path}`);
  }

  siteDir = speedscopeSite(files);
  const hlServer = await serveDir(dist, '/heaplens/');
  const ssServer = await serveDir(siteDir, '/');
  const blServer = baseline ? await serveDir(join(baseline, 'dist'), '/heaplens/') : null;
  const rows = [];
  const diffRows = [];
  try {
    for (const [i, f] of files.entries()) {
      const name = basename(f.path);
      const big = /^\d+$/.test(f.samples) && Number(f.samples) >= 1_000_000;
      log(`browser: heaplens on ${name} (${runs} load${runs > 1 ? 's' : ''})`);
      const hl = summarize(await repeat(runs, `heaplens ${name}`, (k) => runHeaplens(hlServer.url, f.path, { interactions: k === 0 })));
      const ssRuns = big ? 1 : runs;
      log(`browser: speedscope on ${name} (${ssRuns} load${ssRuns > 1 ? 's' : ''})`);
      const profileUrl = `${ssServer.url}profile-${i}-${encodeURIComponent(name)}`;
      const ss = summarize(await repeat(ssRuns, `speedscope ${name}`, () => runSpeedscope(ssServer.url, profileUrl)));
      const row = { name, samples: f.samples, hl, ss, ssRuns };
      if (blServer) {
        log(`browser: the gunzip floor and heaplens at ${basename(baseline)} on ${name}`);
        row.floor = await gunzipFloor(hlServer.url, f.path, runs);
        row.bl = summarize(await repeat(runs, `baseline ${name}`, () => runHeaplens(blServer.url, f.path)));
      }
      rows.push(row);
    }
    for (const d of diffs) {
      const what = `${basename(d.base.path)} -> ${basename(d.profile.path)}`;
      log(`browser: heaplens diff ${what} (${runs} load${runs > 1 ? 's' : ''})`);
      const r = await repeat(runs, `heaplens diff ${what}`, () => runHeaplensDiff(hlServer.url, d.base.path, d.profile.path));
      const s = summarize(r);
      if (!s.failed) {
        const best = r.ok.find((x) => x.firstPaintMs === s.firstPaintMs);
        s.baseLoads = r.ok.map((x) => x.baseLoadMs);
        s.summary = best.summary;
      }
      diffRows.push({ base: d.base, profile: d.profile, s });
    }
  } finally {
    await hlServer.close();
    await ssServer.close();
    await blServer?.close();
  }
  if (rows.length) report(rows, runs);
  if (baseline && rows.length) reportBaseline(rows, runs, basename(baseline));
  if (diffRows.length) reportDiffs(diffRows, runs, !rows.length);
  const anyFailed = rows.some((r) => r.hl.failed) || diffRows.some((r) => r.s.failed);
  return anyFailed ? 1 : 0;
}

/** The browser's gunzip alone on `path`: best of `runs` fresh browsers, or the failure. */
async function gunzipFloor(siteUrl, path, runs) {
  let best = null;
  for (let i = 0; i < runs; i++) {
    try {
      const r = await runGunzipFloor(siteUrl, path);
      if (!best || r.ms < best.ms) best = r;
    } catch (err) {
      log(`gunzip floor of ${basename(path)} failed: ${err.message}`);
    }
  }
  return best;
}

/** First paint against the floor and against the baseline build. */
function reportBaseline(rows, runs, baselineName) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  out();
  out(`First paint against the floor and against heaplens as built at ${baselineName} (scripts/bench-baseline), same files, best of ${runs} fresh browser${runs > 1 ? 's' : ''} each. Floor: the browser's DecompressionStream alone inflating the file inside the page (what heaplens' page inflates with). Ratios above 1: this build is faster or smaller.`);
  out();
  out('| file | gunzip floor ms | inflated MB | first paint ms | first paint / floor | baseline first paint ms | faster than baseline | peak renderer MB | baseline peak MB | less memory |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const { name, hl, floor, bl } of rows) {
    const fp = hl.failed ? NaN : hl.firstPaintMs;
    const floorMs = floor ? floor.ms : NaN;
    const over = Number.isFinite(fp) && floorMs > 0 ? `${(fp / floorMs).toFixed(1)}x` : '-';
    const blFp = bl && !bl.failed ? bl.firstPaintMs : NaN;
    const blMB = bl && !bl.failed ? bl.peakMB : NaN;
    const hlMB = hl.failed ? NaN : hl.peakMB;
    const cells = [
      name,
      floor ? fmtMs(floor.ms) : 'failed',
      floor ? (floor.bytes / 1048576).toFixed(1) : '-',
      hl.failed ? 'failed' : fmtMs(fp),
      over,
      bl ? timeCell(bl) : '-',
      ratio(blFp, fp),
      Number.isFinite(hlMB) ? hlMB : '-',
      Number.isFinite(blMB) ? blMB : '-',
      ratio(blMB, hlMB),
    ];
    out(`| ${cells.join(' | ')} |`);
  }
}

/** Target for the first painted diff (ms). */
const DIFF_TARGET_MS = 1000;

function reportDiffs(diffRows, runs, alone) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  if (alone) {
    const chrome = diffRows.map((r) => r.s.chrome).find(Boolean);
    out(`Browser: headless Chromium${chrome ? ` ${chrome}` : ''}, 1100x700 viewport, a fresh browser for every page load.`);
  }
  out();
  out(`heaplens diff in the page: the base chosen first (#base-input) and loaded (the page shows nothing for a base alone: "loaded" = its renderer idle for 2 x 250 ms), then the profile (#profile-input); first diff paint = from the profile input's change event to the first paint of the flame graph while #impact-summary is shown; best of ${runs} load${runs > 1 ? 's' : ''}; target <= ${DIFF_TARGET_MS} ms.`);
  out();
  out('| base -> new | samples (base / new) | first diff paint ms | each load | settled ms | base load ms, each (until idle) | peak renderer MB | target <= 1 s |');
  out('|---|---:|---:|---|---:|---|---:|---|');
  for (const { base, profile, s } of diffRows) {
    const name = `${basename(base.path)} -> ${basename(profile.path)}`;
    const samples = `${base.samples} / ${profile.samples}`;
    if (s.failed) {
      out(`| ${name} | ${samples} | failed | - | - | - | ${s.memory?.rendererPeakMB ?? '-'} | ${s.reason.replaceAll('|', '/').slice(0, 200)} |`);
      continue;
    }
    const met = s.firstPaintMs <= DIFF_TARGET_MS ? 'met' : `missed (${fmtMs(s.firstPaintMs - DIFF_TARGET_MS)} ms over)`;
    out(`| ${name} | ${samples} | ${fmtMs(s.firstPaintMs)} | ${s.all.map(fmtMs).join(', ')} | ${fmtMs(s.settledMs)} | ${s.baseLoads.map(fmtMs).join(', ')} | ${s.peakMB} | ${met} |`);
  }
  const notes = [];
  for (const { base, profile, s } of diffRows) {
    if (s.failed) continue;
    const name = `${basename(base.path)} -> ${basename(profile.path)}`;
    if (s.summary) notes.push(`${name}: #impact-summary said "${s.summary.slice(0, 300)}"`);
    if (s.failures) notes.push(`${name}: ${s.failures} load(s) failed`);
    for (const p of [...s.problems, ...s.pageErrors].slice(0, 2)) notes.push(`${name}: ${p.slice(0, 160)}`);
  }
  if (notes.length) {
    out();
    for (const n of notes) out(`- ${n}`);
  }
}

/** A cell for a tool's time: the number, or why there is none. */
function timeCell(s) {
  if (!s.failed) return fmtMs(s.firstPaintMs);
  if (s.timedOut) return `timeout (>${Math.round(Number(process.env.BENCH_SPEEDSCOPE_TIMEOUT_MS ?? 180_000) / 1000)} s)`;
  return 'failed';
}

function report(rows, runs) {
  const out = (line = '') => process.stdout.write(`${line}\n`);
  const chrome = rows.map((r) => r.hl.chrome).find(Boolean);
  out(`Browser: headless Chromium${chrome ? ` ${chrome}` : ''}, 1100x700 viewport, a fresh browser for every page load.`);
  out(`First paint: heaplens from the file input's change event, speedscope from the start of its "import" (profile fetched from localhost), to the end of the first painted flame graph; best of ${runs} load${runs > 1 ? 's' : ''} (speedscope: 1 load for files of 1M samples or more).`);
  out('Peak renderer MB: VmHWM of the page\'s renderer process (JS heap, wasm, DOM, canvases and web workers), max over the loads; ratios are speedscope / heaplens (above 1: heaplens is better).');
  out();
  out('| file | samples | heaplens first paint ms | speedscope first paint ms | speed ratio (speedscope/heaplens) | heaplens peak renderer MB | speedscope peak renderer MB | memory ratio (speedscope/heaplens) |');
  out('|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const { name, samples, hl, ss } of rows) {
    const hlMB = hl.failed ? NaN : hl.peakMB;
    let ssMB = ss.failed ? NaN : ss.peakMB;
    let ssMBCell = Number.isFinite(ssMB) ? String(ssMB) : '-';
    let speed = ratio(ss.firstPaintMs, hl.firstPaintMs);
    if (ss.failed && ss.timedOut && !hl.failed) {
      const limit = Number(process.env.BENCH_SPEEDSCOPE_TIMEOUT_MS ?? 180_000);
      speed = `>${(limit / hl.firstPaintMs).toFixed(0)}x`;
    }
    if (ss.failed && ss.memory?.rendererPeakMB) {
      ssMB = ss.memory.rendererPeakMB;
      ssMBCell = `>=${ssMB} (before failing)`;
    }
    out(`| ${name} | ${samples} | ${hl.failed ? 'failed' : fmtMs(hl.firstPaintMs)} | ${timeCell(ss)} | ${speed} | ${Number.isFinite(hlMB) ? hlMB : '-'} | ${ssMBCell} | ${ratio(ssMB, hlMB)}${ss.failed && Number.isFinite(ssMB) ? ' (at least)' : ''} |`);
  }
  out();
  out('Details (first paint of each load; settled = last paint before a quiet second; RSS read then):');
  out();
  out('| file | tool | first paint ms, each load | settled ms | renderer RSS after paint MB | GPU process peak MB | notes |');
  out('|---|---|---|---:|---:|---:|---|');
  for (const { name, hl, ss } of rows) {
    for (const [tool, s] of [['heaplens', hl], ['speedscope', ss]]) {
      if (s.failed) {
        out(`| ${name} | ${tool} | ${timeCell(s)} | - | ${s.memory?.rendererRssMB ?? '-'} | ${s.memory?.gpuPeakMB ?? '-'} | ${s.reason.replaceAll('|', '/')} |`);
        continue;
      }
      const notes = [];
      if (tool === 'speedscope' && Number.isFinite(s.importMs)) notes.push(`its console "import": ${fmtMs(s.importMs)} ms`);
      if (s.failures) notes.push(`${s.failures} load(s) failed`);
      for (const p of [...s.problems, ...s.pageErrors].slice(0, 2)) notes.push(p.replaceAll('|', '/').slice(0, 120));
      out(`| ${name} | ${tool} | ${s.all.map(fmtMs).join(', ')} | ${fmtMs(s.settledMs)} | ${s.rssMB} | ${s.gpuPeakMB} | ${notes.join('; ')} |`);
    }
  }
  out();
  out('heaplens interaction latency (first load of each file; in-page, from the input event to the end of the repaint):');
  out();
  out('| file | hover p95 ms (moves) | zoom p95 ms: zoomed / complete (clicks) | zoom reset p95 ms | sample-type switch max ms (switches) |');
  out('|---|---:|---:|---:|---:|');
  for (const { name, hl } of rows) {
    const it = hl.interactions;
    if (!it) {
      out(`| ${name} | - | - | - | - |`);
      continue;
    }
    if (it.error) {
      out(`| ${name} | failed: ${it.error.replaceAll('|', '/')} | | | |`);
      continue;
    }
    const hover = `${fmtMs(it.hover.p95)} (${it.hover.n}${it.hover.missed ? `, ${it.hover.missed} without repaint` : ''})`;
    const zoom = it.zoom.n ? `${fmtMs(it.zoom.p95)} / ${fmtMs(it.zoom.completeP95)} (${it.zoom.n})` : `- (${it.zoom.note})`;
    const reset = it.zoom.n ? fmtMs(it.zoom.resetP95) : '-';
    out(`| ${name} | ${hover} | ${zoom} | ${reset} | ${fmtMs(it.sampleType.max)} (${it.sampleType.n}) |`);
  }
  out();
  out('heaplens view switches and filters (first load of each file; from the input event to the last repaint; target <= 300 ms):');
  out();
  out('| file | operation | p95 ms | max ms | each round ms | within 300 ms |');
  out('|---|---|---:|---:|---|---|');
  for (const { name, hl } of rows) {
    const views = hl.interactions?.views;
    if (!views) continue;
    for (const [op, v] of Object.entries(views)) {
      const each = (v.all ?? []).join(', ');
      out(`| ${name} | ${op} | ${fmtMs(v.p95)} | ${fmtMs(v.max)} | ${each} | ${v.p95 <= 300 ? 'yes' : 'no'} |`);
    }
  }
  out();
  out('heaplens graph view (first load of each file): the first switch to it, from the key to the last repaint (target <= 500 ms), switching to it again, and panning (from each mouse move to its repaint; target <= 16 ms p95):');
  out();
  out('| file | nodes | first switch ms | again p95 ms | pan p50 ms | pan p95 ms | pan max ms (moves) | within targets |');
  out('|---|---:|---:|---:|---:|---:|---:|---|');
  for (const { name, hl } of rows) {
    const g = hl.interactions?.graph;
    if (!g) continue;
    const ok = g.firstMs <= 500 && g.pan.p95 <= 16 ? 'yes' : 'no';
    out(`| ${name} | ${g.nodes} | ${fmtMs(g.firstMs)} | ${fmtMs(g.againP95)} | ${fmtMs(g.pan.p50)} | ${fmtMs(g.pan.p95)} | ${fmtMs(g.pan.max)} (${g.pan.n}) | ${ok} |`);
  }
}

main().then(
  (code) => {
    cleanup();
    process.exit(code);
  },
  (err) => {
    log(`browser: ${err.stack ?? err.message}`);
    cleanup();
    process.exit(1);
  },
);
