// The GC view's benchmark, run by scripts/bench after the browser half: a long load test's
// GODEBUG=gctrace=1 log (100 000 GC lines, made from tests/testdata/gctrace/baseline.log by
// repeating its lines with the numbers and times carried on) into bench-data/gctrace-100k.log;
// then `heaplens gctrace` on it (wall time, best of --runs), and in headless Chromium the time
// from the file input's change event to the GC view's four charts in the DOM and painted (the
// next animation frame; best of --runs loads, a fresh browser each; target <= 1 s), and the
// hover latency on the pause chart (in-page: from a mousemove to the readout and hover line
// changed in the DOM with style and layout done, 60 moves; target p95 <= 16 ms). Prints a Markdown table on stdout.
//
// Usage: node tests/bench/gclog.mjs [--runs N]
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { openBrowser, watchPage } from '../e2e/browser.mjs';
import { serveDir } from '../e2e/server.mjs';
import { closeQuietly, fmtMs, log, percentile } from './util.mjs';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const LINES = 100_000;
const logPath = join(root, 'bench-data', 'gctrace-100k.log');
const cli = process.env.HEAPLENS ?? join(root, 'target', 'release', 'heaplens');

/** The long log: the real one's lines over and over, numbered on, later each round. */
function makeLog() {
  if (existsSync(logPath)) return;
  const lines = readFileSync(join(root, 'tests', 'testdata', 'gctrace', 'baseline.log'), 'utf8').split('\n').filter((l) => l.startsWith('gc '));
  const span = Number(/@([0-9.]+)s/.exec(lines.at(-1))[1]) + 0.01;
  const out = [];
  for (let i = 0; out.length < LINES; i++) {
    const round = Math.floor(i / lines.length);
    const l = lines[i % lines.length];
    const at = Number(/@([0-9.]+)s/.exec(l)[1]) + round * span;
    out.push(l.replace(/^gc \d+ @[0-9.]+s/, `gc ${i + 1} @${at.toFixed(3)}s`).replace(' (forced)', ''));
  }
  mkdirSync(dirname(logPath), { recursive: true });
  writeFileSync(logPath, `${out.join('\n')}\n`);
}

function cliMs(runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    execFileSync(cli, ['gctrace', '--format', 'tsv', logPath], { stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return Math.min(...times);
}

async function pageRun(siteUrl, hover) {
  const browser = await openBrowser();
  try {
    const page = browser.context.pages()[0] ?? (await browser.context.newPage());
    const problems = watchPage(page, new URL(siteUrl).origin);
    await page.goto(siteUrl);
    await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 30_000 });
    await page.evaluate(() => {
      window.__gc = new Promise((done) => {
        document.querySelector('#profile-input').addEventListener('change', () => {
          const t0 = performance.now();
          const check = () => {
            if (document.querySelectorAll('.gc-chart svg').length === 4) requestAnimationFrame(() => done(performance.now() - t0));
            else requestAnimationFrame(check);
          };
          check();
        }, { once: true });
      });
    });
    await page.locator('#profile-input').setInputFiles(logPath);
    const ms = await page.evaluate(() => window.__gc);
    const result = { ms, problems };
    if (hover) {
      result.hover = await page.evaluate(async () => {
        const svg = document.querySelector('#gc-chart-pause svg');
        const readout = document.querySelector('#gc-chart-pause .gc-readout');
        const box = svg.getBoundingClientRect();
        const times = [];
        let missed = 0;
        for (let i = 0; i < 60; i++) {
          // From the event to the readout and hover line updated in the DOM, style and layout
          // done (forced), like the flame graph's hover is timed to the end of its canvas paint.
          const changed = new Promise((done) => {
            const obs = new MutationObserver(() => {
              obs.disconnect();
              svg.getBoundingClientRect();
              done(true);
            });
            obs.observe(readout, { childList: true, characterData: true, subtree: true });
            setTimeout(() => {
              obs.disconnect();
              done(false);
            }, 1000);
          });
          const t0 = performance.now();
          svg.dispatchEvent(new MouseEvent('mousemove', { clientX: box.left + box.width * (0.08 + 0.9 * (i / 60)), clientY: box.top + box.height / 2, bubbles: true }));
          if (await changed) times.push(performance.now() - t0);
          else missed++;
          await new Promise((r) => requestAnimationFrame(() => r()));
        }
        return { times, missed };
      });
    }
    return result;
  } finally {
    await closeQuietly(browser);
  }
}

async function main() {
  let runs = 3;
  const i = process.argv.indexOf('--runs');
  if (i > 0) runs = Number(process.argv[i + 1]);
  makeLog();
  const bytes = readFileSync(logPath).length;
  log(`gctrace: heaplens gctrace on ${LINES} lines`);
  const cliBest = cliMs(runs);
  const server = await serveDir(join(root, 'dist'), '/heaplens/');
  const loads = [];
  let hover = null;
  try {
    for (let k = 0; k < runs; k++) {
      log(`gctrace: page load ${k + 1}/${runs}`);
      const r = await pageRun(server.url, k === 0);
      loads.push(r.ms);
      if (r.hover) hover = r.hover;
      if (r.problems.length) log(`gctrace: page problems: ${r.problems.slice(0, 3).join('; ')}`);
    }
  } finally {
    await server.close();
  }
  const best = Math.min(...loads);
  const out = (l = '') => process.stdout.write(`${l}\n`);
  out(`GC view: a ${LINES}-line gctrace log (${(bytes / 1e6).toFixed(1)} MB), best of ${runs}; targets: charts within 1000 ms of the drop, hover p95 <= 16 ms.`);
  out();
  out('| heaplens gctrace (CLI) ms | page: change event to 4 charts painted ms (each load) | within 1 s | hover p95 ms (moves) | hover max ms | within 16 ms |');
  out('|---:|---:|---|---:|---:|---|');
  const p95 = hover ? percentile(hover.times, 95) : NaN;
  const max = hover ? Math.max(...hover.times) : NaN;
  out(`| ${fmtMs(cliBest)} | ${fmtMs(best)} (${loads.map(fmtMs).join(', ')}) | ${best <= 1000 ? 'yes' : 'no'} | ${fmtMs(p95)} (${hover?.times.length ?? 0}${hover?.missed ? `, ${hover.missed} without a change` : ''}) | ${fmtMs(max)} | ${p95 <= 16 ? 'yes' : 'no'} |`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
