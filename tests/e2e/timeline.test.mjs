// End-to-end tests of the timeline of heap snapshots and `heaplens web`:
// - the 12 checked-in snapshots of tests/testdata/leak, preloaded by `heaplens web FILE…`, show
//   the growth suspects `heaplens growth --format tsv` prints (itself held to numbers computed
//   from `go tool pprof -top` by crates/cli/tests/growth.rs), sparklines in the top table, other
//   sample types without decoding again, and a snapshot (keyboard) or two (the diff) opened;
// - dropped together with a CPU profile they open as a timeline once the dialog is answered, the
//   CPU profile refused by name and the rest kept; a share link embeds the snapshots and reopens
//   the same timeline;
// - a live Go service that leaks (tests/gen/leaky) recorded through `heaplens web URL`'s proxy
//   by the page's recorder: the leak ranks first and the churn is no suspect; once the service
//   is gone a snapshot fails with one line in the alert.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, test } from 'node:test';

import { openBrowser, watchPage } from './browser.mjs';
import { CLI, cliTop } from './cli.mjs';
import { dropFiles, openPage } from './page.mjs';
import { serveDir } from './server.mjs';
import { corpus, dist, out, root, useSite } from './site.mjs';

const site = useSite(before, after, serveDir, openBrowser);
const LEAK = join(root, 'tests', 'testdata', 'leak');
const SNAPS = readdirSync(LEAK).filter((f) => /^snap-\d+\.pb\.gz$/.test(f)).sort().map((f) => join(LEAK, f));
const LEAKER = 'main.(*leakyCache).remember';
const CHURN = 'main.churn';

/** Starts `cmd args`, resolving once a stdout line matches `re` (with the match and the process). */
function startUntil(cmd, args, re, opts = {}) {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], ...opts });
    let err = '';
    proc.stderr.on('data', (d) => { err += d; });
    const lines = createInterface({ input: proc.stdout });
    const seen = [];
    lines.on('line', (l) => {
      seen.push(l);
      const m = l.match(re);
      if (m) resolve({ proc, match: m, seen });
    });
    proc.on('exit', (code) => reject(new Error(`${cmd} exited (${code}) before /${re.source}/: ${err}`)));
    setTimeout(() => reject(new Error(`${cmd}: no /${re.source}/ in 30 s: ${seen.join(' | ')} ${err}`)), 30_000);
  });
}

/** `heaplens web --no-browser --port 0 --dist dist ARGS`: its page address and a stop. */
async function web(args) {
  const { proc, match, seen } = await startUntil(CLI, ['web', '--no-browser', '--port', '0', '--dist', dist, ...args], /^\s*page:\s+(\S+)/);
  assert.match(seen[0], /^heaplens: serving http:\/\/127\.0\.0\.1:\d+\/$/);
  return { page: match[1], stop: () => proc.kill() };
}

/** `heaplens growth --format tsv ARGS SNAPS` as rows [name, change, slope, steadiness]. */
function cliGrowth(args, files = SNAPS) {
  const text = execFileSync(CLI, ['growth', '--format', 'tsv', ...args, ...files], { encoding: 'utf8' });
  return text.split('\n').filter(Boolean).map((l) => l.split('\t').slice(0, 4));
}

/** The page's suspects as rows [name, change, slope, steadiness]. */
async function pageGrowth(page) {
  return page.$$eval('#growth-table tbody tr', (trs) => trs.map((t) => [t.dataset.name, t.dataset.change, t.dataset.slope, t.dataset.steadiness]));
}

async function newPage(url) {
  const page = await site.browser.context.newPage();
  await page.setViewportSize({ width: 1280, height: 1000 });
  const problems = watchPage(page, new URL(url).origin);
  await page.goto(url);
  return { page, problems };
}

test('heaplens web FILE…: the timeline\'s suspects are the CLI\'s; sample types, sparklines, a snapshot and a diff opened', { timeout: 180_000 }, async () => {
  const server = await web(SNAPS);
  try {
    const { page, problems } = await newPage(server.page);
    await page.locator('#growth-table tbody tr').first().waitFor({ timeout: 60_000 });
    assert.match(await page.locator('#timeline h2').textContent(), /^inuse_space over 12 snapshots, \d\d:\d\d:\d\d to \d\d:\d\d:\d\d UTC \(22s\)$/);
    assert.equal(await page.locator('#timeline-chart circle.snap').count(), 12);
    const want = cliGrowth([]);
    assert.deepEqual(await pageGrowth(page), want);
    assert.equal(want[0][0], LEAKER);
    assert.ok(!want.some((r) => r[0] === CHURN), 'the churn is no inuse_space suspect');
    // The newest snapshot is open, and the top table draws a trend per function.
    assert.equal(await page.locator('#timeline-chart').getAttribute('data-open'), '11');
    await page.locator('#top-table tbody tr').first().waitFor();
    assert.ok(await page.locator('#top-table td.spark svg').count() >= 5, 'sparklines in the top table');
    // Another sample type: the CLI's ranking of it (the churn now grows: it allocates).
    await page.selectOption('#sample-type', '1'); // alloc_space
    const alloc = cliGrowth(['--sample-index', 'alloc_space']);
    assert.equal(alloc[0][0], CHURN);
    await page.waitForFunction((n) => document.querySelector('#growth-table tbody tr')?.dataset.name === n, CHURN, { timeout: 30_000 });
    assert.deepEqual(await pageGrowth(page), alloc);
    // Ranked by cum: the CLI's --cum.
    await page.selectOption('#sample-type', '3'); // inuse_space
    await page.selectOption('#timeline-rank', 'cum');
    const cum = cliGrowth(['--cum']);
    await page.waitForFunction((n) => document.querySelectorAll('#growth-table tbody tr').length === n, cum.length, { timeout: 30_000 });
    assert.deepEqual(await pageGrowth(page), cum);
    assert.match(page.url(), /tcum=1/);
    // Keyboard: two snapshots back, Enter opens snap-10; three more back, `b` compares snap-07
    // (base) with snap-10.
    const chart = page.locator('#timeline-chart');
    await chart.focus();
    for (const k of ['ArrowLeft', 'ArrowLeft', 'Enter']) await page.keyboard.press(k);
    await page.waitForFunction(() => document.querySelector('#timeline-chart').dataset.open === '9', null, { timeout: 30_000 });
    for (const k of ['ArrowLeft', 'ArrowLeft', 'ArrowLeft', 'b']) await page.keyboard.press(k);
    await page.waitForFunction(() => document.querySelector('#timeline-chart').dataset.base === '6', null, { timeout: 30_000 });
    assert.equal(await chart.getAttribute('data-open'), '9');
    const diff = cliTop(SNAPS[9], 3, 'functions', SNAPS[6]);
    await page.waitForFunction((n) => document.querySelector('#top-table tbody tr')?.dataset.flat === n, diff[0][1], { timeout: 30_000 });
    const first = await page.$eval('#top-table tbody tr', (t) => [t.dataset.name, t.dataset.flat, t.dataset.cum]);
    assert.deepEqual(first, diff[0]);
    // Shift+click on the first point: snap-01 is the base of the open snap-10.
    await page.locator('#timeline-chart circle.snap').first().click({ modifiers: ['Shift'] });
    await page.waitForFunction(() => document.querySelector('#timeline-chart').dataset.base === '0', null, { timeout: 30_000 });
    // Dark mode stays readable: a screenshot to look at.
    await page.emulateMedia({ colorScheme: 'dark' });
    mkdirSync(out, { recursive: true });
    await page.locator('#timeline').screenshot({ path: join(out, 'timeline-dark.png') });
    await page.close();
    assert.deepEqual(problems, []);
  } finally {
    server.stop();
  }
});

test('dropped snapshots open as a timeline from the dialog; a CPU profile among them is refused by name', { timeout: 120_000 }, async () => {
  const { page, problems } = await openPage(site);
  const cpu = join(corpus, 'pprof', 'sample.cpu');
  await dropFiles(page, 'main', [...SNAPS.slice(0, 6), cpu, ...SNAPS.slice(6)]);
  await page.locator('#many-dialog').waitFor({ timeout: 10_000 });
  assert.match(await page.locator('#many-dialog').textContent(), /13 profiles/);
  await page.click('#many-timeline');
  await page.locator('#growth-table tbody tr').first().waitFor({ timeout: 60_000 });
  assert.equal(await page.locator('#timeline-chart circle.snap').count(), 12);
  assert.deepEqual(await pageGrowth(page), cliGrowth([]));
  const alert = page.locator('[role=alert]');
  assert.match(await alert.textContent(), /sample\.cpu is not a snapshot of the same kind as snap-01\.pb\.gz/);
  // The snapshot list shows the order, and Order: as given is offered.
  const names = await page.locator('#timeline-snapshots button').allTextContents();
  assert.deepEqual(names, SNAPS.map((f) => f.split('/').pop()));
  // A share link carries the twelve snapshots (they fit) and reopens the same timeline.
  await page.click('#share-button');
  await page.locator('#share-link').waitFor({ timeout: 60_000 });
  await page.waitForFunction(() => (document.querySelector('#share-link')?.value ?? '').includes('&p='), null, { timeout: 60_000 });
  const shared = await page.locator('#share-link').inputValue();
  assert.equal((shared.match(/[#&]p=/g) ?? []).length, 12, 'twelve embedded snapshots');
  const again = await newPage(shared);
  await again.page.locator('#growth-table tbody tr').first().waitFor({ timeout: 60_000 });
  assert.equal(await again.page.locator('#timeline-chart circle.snap').count(), 12);
  assert.deepEqual(await pageGrowth(again.page), cliGrowth([]));
  await again.page.close();
  assert.deepEqual(again.problems, []);
  await page.close();
  assert.deepEqual(problems, []);
});

test('heaplens web URL: the page records a leaking Go service; the leak ranks first, the churn is no suspect', { timeout: 240_000 }, async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'heaplens-leaky-'));
  const bin = join(tmp, 'leaky');
  execFileSync('go', ['build', '-o', bin, './leaky'], { cwd: join(root, 'tests', 'gen'), stdio: 'inherit' });
  const svc = await startUntil(bin, ['-addr', '127.0.0.1:0', '-duration', '5m'], /^listening on (\S+)/);
  let server;
  try {
    server = await web([svc.match[1]]);
    assert.match(server.page, /#live=1$/);
    const { page, problems } = await newPage(server.page);
    await page.locator('#recorder').waitFor({ timeout: 20_000 });
    // Five snapshots, one a second, by the recorder.
    await page.fill('#record-every', '1');
    await page.locator('#record-every').dispatchEvent('change');
    await page.click('#record-toggle');
    await page.waitForFunction(() => document.querySelectorAll('#timeline-chart circle.snap').length >= 5, null, { timeout: 60_000 });
    await page.click('#record-toggle');
    await page.locator('#growth-table tbody tr').first().waitFor({ timeout: 30_000 });
    const rows = await pageGrowth(page);
    assert.equal(rows[0][0], LEAKER, JSON.stringify(rows));
    assert.ok(!rows.some((r) => r[0] === CHURN), `the churn is no suspect: ${JSON.stringify(rows)}`);
    const n = await page.locator('#timeline-chart circle.snap').count();
    // The service gone, a snapshot fails with one line, and the timeline stays.
    svc.proc.kill();
    await new Promise((r) => svc.proc.once('exit', r));
    await page.click('#take-snapshot');
    const alert = page.locator('[role=alert]');
    await alert.filter({ hasText: /heap-\d+\.pb\.gz/ }).waitFor({ timeout: 30_000 });
    assert.equal((await alert.textContent()).split('\n').length, 1);
    assert.equal(await page.locator('#timeline-chart circle.snap').count(), n);
    mkdirSync(out, { recursive: true });
    await page.screenshot({ path: join(out, 'timeline-live.png'), fullPage: true });
    await page.close();
    // The failed fetch is the only problem the page reports.
    assert.ok(problems.every((p) => /502|debug\/pprof/.test(p)), JSON.stringify(problems));
  } finally {
    server?.stop();
    svc.proc.kill();
    rmSync(tmp, { recursive: true, force: true });
  }
});
