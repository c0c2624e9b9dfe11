// A quick look at heaplens alone on one profile: first paint, renderer memory and
// interaction latencies, over N fresh page loads. For working on performance between full
// `./scripts/bench` runs: `node tests/bench/quick.mjs FILE [N]` (needs dist/ built).
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveDir } from '../e2e/server.mjs';
import { runHeaplens } from './heaplens.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const [file, n = '1'] = process.argv.slice(2);
if (!file) {
  console.error('usage: node tests/bench/quick.mjs FILE [LOADS]');
  process.exit(2);
}
const server = await serveDir(process.env.HEAPLENS_DIST ?? join(root, 'dist'), '/heaplens/');
try {
  for (let k = 0; k < Number(n); k++) {
    const r = await runHeaplens(server.url, file, { interactions: k === 0 });
    const m = r.memory;
    console.log(
      JSON.stringify({
        firstPaintMs: Math.round(r.firstPaintMs),
        rendererPeakMB: m.rendererPeakMB,
        rendererRssMB: m.rendererRssMB,
        interactions: r.interactions,
      }),
    );
  }
} finally {
  await server.close();
}
