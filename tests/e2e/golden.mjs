// The `go tool pprof -top` goldens of tests/golden/pprof/, for the end-to-end tests: the manifest,
// and a golden's rows as the page's table carries them ([name, flat, cum], raw integers).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { root } from './site.mjs';

const dir = join(root, 'tests', 'golden', 'pprof');

/** MANIFEST.tsv rows: { golden, input (repo-relative), granularity, sampleIndex, sampleType }. */
export function manifest() {
  const [head, ...lines] = readFileSync(join(dir, 'MANIFEST.tsv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const cols = head.split('\t');
  return lines.map((l) => {
    const f = Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v]));
    return { golden: f.golden, input: f.input, granularity: f.granularity, sampleIndex: Number(f.sample_index), sampleType: f.sample_type };
  });
}

/** A printed value with its unit suffix (`123456B`, `0`, `-5ns`) as the integer string. */
function raw(s) {
  const digits = s.replace(/[A-Za-zμ]+$/, '');
  if (!/^-?\d+$/.test(digits)) throw new Error(`value ${s} is not a raw integer`);
  return String(BigInt(digits));
}

/** The rows of a golden: [name, flat, cum] with names as pprof prints them, without its marks. */
export function goldenRows(golden) {
  // Names are bytes; the page shows invalid UTF-8 as U+FFFD, as this decoding does.
  const text = new TextDecoder('utf-8').decode(readFileSync(join(dir, golden)));
  const rows = [];
  let inRows = false;
  for (const line of text.split('\n')) {
    if (!inRows) {
      inRows = line.trimStart().startsWith('flat  flat%');
      continue;
    }
    const m = /^\s*(\S+)\s+(\S+%)\s+(\S+%)\s+(\S+)\s+(\S+%)  (.*)$/.exec(line);
    if (!m) {
      // A name with a line break in it goes on over the next line.
      if (rows.length > 0 && line.length > 0) rows[rows.length - 1][0] += `\n${line}`;
      else if (rows.length > 0) rows[rows.length - 1][0] += '\n';
      continue;
    }
    const name = m[6].replace(/ \((partial-inline|inline)\)$/, '');
    rows.push([name, raw(m[1]), raw(m[4])]);
  }
  // The file ends with a line break, not a name's.
  if (rows.length > 0) rows[rows.length - 1][0] = rows[rows.length - 1][0].replace(/\n$/, '');
  return rows;
}
