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

const peekDir = join(root, 'tests', 'golden', 'pprof-peek');

/** tests/golden/pprof-peek/MANIFEST.tsv rows: { golden, input, base ('' for none), regex, sampleIndex, sampleType }. */
export function peekManifest() {
  const [head, ...lines] = readFileSync(join(peekDir, 'MANIFEST.tsv'), 'utf8').split('\n').filter((l) => l.length > 0);
  const cols = head.split('\t');
  return lines.map((l) => {
    const f = Object.fromEntries(l.split('\t').map((v, i) => [cols[i], v]));
    return { golden: f.golden, input: f.input, base: f.base, regex: f.regex, sampleIndex: Number(f.sample_index), sampleType: f.sample_type };
  });
}

/**
 * The functions of a `go tool pprof -peek` golden: { name, flat, cum, callers, callees } with
 * raw integer strings, callers and callees as [name, value] in pprof's order (" (inline)" after
 * an edge's name is dropped: the panel does not mark inlined calls).
 */
export function peekBlocks(golden) {
  const text = readFileSync(join(peekDir, golden), 'utf8');
  const blocks = [];
  let cur = null;
  let legend = false;
  for (const line of text.split('\n')) {
    if (/^-+\+-+$/.test(line)) {
      if (legend) {
        if (cur?.name) blocks.push(cur);
        cur = { name: '', flat: '', cum: '', callers: [], callees: [] };
      }
      continue;
    }
    if (line.trimStart().startsWith('flat  flat%')) {
      legend = true;
      continue;
    }
    if (!cur || line === '') continue;
    const bar = line.indexOf('|');
    const cols = line.slice(0, bar).trim().split(/\s+/);
    if (cols.length === 2) {
      const edge = [line.slice(bar + 4).replace(/ \(inline\)$/, ''), raw(cols[0])];
      (cur.name ? cur.callees : cur.callers).push(edge);
    } else if (cols.length === 5) {
      Object.assign(cur, { name: line.slice(bar + 2), flat: raw(cols[0]), cum: raw(cols[3]) });
    } else {
      throw new Error(`${golden}: not a peek line: ${line}`);
    }
  }
  return blocks;
}
