// Smoke test of the built site (dist/, made by scripts/build): it loads from a sub-path with no
// console errors, reads a picked profile and shows its name and size, and reports an empty file
// in its alert. Screenshots go to tests/e2e/out/.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';

import { openBrowser, watchPage } from './browser.mjs';
import { serveDir } from './server.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
const dist = join(root, 'dist');
const out = join(here, 'out');
const corpus = process.env.HEAPLENS_CORPUS ?? join(root, '..', 'shared', 'corpus');
const sample = join(corpus, 'pprof', 'sample.cpu');

let server;
let browser;

before(async () => {
  assert.ok(existsSync(join(dist, 'index.html')), `no ${dist}/index.html: run scripts/build first`);
  assert.ok(existsSync(sample), `missing test profile ${sample} (set HEAPLENS_CORPUS)`);
  mkdirSync(out, { recursive: true });
  server = await serveDir(dist, '/some/sub/path/');
  browser = await openBrowser();
});

after(async () => {
  await browser?.close();
  await server?.close();
});

async function openApp() {
  const page = await browser.context.newPage();
  const problems = watchPage(page, new URL(server.url).origin);
  await page.goto(server.url);
  try {
    await page.locator('#profile-input').waitFor({ state: 'attached', timeout: 20_000 });
  } catch (err) {
    throw new Error(`the app did not mount: ${err.message}\n${problems.join('\n')}`);
  }
  return { page, problems };
}

test('a picked profile shows its name and size', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  assert.equal(await page.title(), 'heaplens');
  assert.equal(await page.locator('label[for=profile-input]').textContent(), 'Profile');
  assert.equal(await page.locator('label[for=base-input]').textContent(), 'Base (optional)');

  await page.locator('#profile-input').setInputFiles(sample);
  const info = page.locator('#file-info');
  await info.getByText('sample.cpu').waitFor();
  const bytes = statSync(sample).size.toLocaleString('en-US');
  assert.equal(await info.locator('.size').getAttribute('title'), `${bytes} bytes`);
  assert.equal(await page.locator('[role=alert]').textContent(), '');

  await page.screenshot({ path: join(out, 'smoke.png'), fullPage: true });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: join(out, 'smoke-dark.png'), fullPage: true });
  await page.close();
  assert.deepEqual(problems, []);
});

test('an empty file is reported in the alert', { timeout: 60_000 }, async () => {
  const { page, problems } = await openApp();
  await page
    .locator('#base-input')
    .setInputFiles({ name: 'empty.pb.gz', mimeType: 'application/octet-stream', buffer: Buffer.alloc(0) });
  const alert = page.locator('[role=alert]');
  await alert.getByText('Base file empty.pb.gz is empty.').waitFor();
  await page.screenshot({ path: join(out, 'empty-file.png'), fullPage: true });
  await page.close();
  assert.deepEqual(problems, []);
});
