// Paths the end-to-end tests share: the repository, the built site, the screenshot directory,
// the shared corpus and the demo pair.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
export const root = join(here, '..', '..');
/** The built site; HEAPLENS_DIST points the tests at another build (e.g. an older one). */
export const dist = process.env.HEAPLENS_DIST ?? join(root, 'dist');
export const out = join(here, 'out');
export const corpus = process.env.HEAPLENS_CORPUS ?? join(root, '..', 'shared', 'corpus');
export const demoProfile = join(root, 'static', 'demo', 'scheduler-optimized.prof');
export const demoBase = join(root, 'static', 'demo', 'scheduler-baseline.prof');

/**
 * Serves dist/ and opens one browser for the tests of a file (node:test's before/after hooks);
 * `site.server` and `site.browser` are set once `before` has run.
 */
export function useSite(before, after, serveDir, openBrowser, prefix = '/') {
  const site = { server: null, browser: null };
  before(async () => {
    site.server = await serveDir(dist, prefix);
    site.browser = await openBrowser();
  });
  after(async () => {
    await site.browser?.close();
    await site.server?.close();
  });
  return site;
}
