// Debian's Chromium driven by playwright-core, headless, with a fresh profile and no background
// networking (the machine has no internet; nothing here may try to reach it).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-quic',
  '--no-first-run',
  '--disable-component-update',
  '--disable-sync',
];

/** Opens a browser context (with `extraArgs` for Chromium, and any in `CHROMIUM_ARGS`,
 * space-separated, for experiments such as V8 flags); `close()` also removes its profile
 * directory. */
export async function openBrowser(extraArgs = []) {
  const profile = await mkdtemp(join(tmpdir(), 'heaplens-e2e-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: [...ARGS, ...extraArgs, ...(process.env.CHROMIUM_ARGS ?? '').split(' ').filter(Boolean)],
    viewport: { width: 1100, height: 700 },
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}

/** Records what a page says went wrong: console errors, uncaught exceptions, failed requests
 * and any request that leaves `origin`. */
export function watchPage(page, origin) {
  const problems = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error') problems.push(`console error: ${msg.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`uncaught: ${err.message}`));
  page.on('requestfailed', (req) =>
    problems.push(`request failed: ${req.url()} (${req.failure()?.errorText})`),
  );
  page.on('request', (req) => {
    const url = req.url();
    if (!url.startsWith(origin) && !url.startsWith('data:') && !url.startsWith('blob:')) {
      problems.push(`request outside the site: ${url}`);
    }
  });
  return problems;
}
