// The heaplens CLI (target/release/heaplens, built by scripts/test) as the reference for what
// the page must show: `top --format tsv` rows for a file and sample type.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const CLI = process.env.HEAPLENS_CLI ?? join(root, 'target', 'release', 'heaplens');

/**
 * Rows of `heaplens top --format tsv` (or `diff --base BASE`) as [name, flat, cum] strings; `file`
 * may be a list of files, which the CLI merges.
 */
export function cliTop(file, sampleIndex, granularity = 'functions', base = undefined, extra = []) {
  if (!existsSync(CLI)) throw new Error(`no ${CLI}: run cargo build --release --bin heaplens`);
  const args = base ? ['diff', '--base', base, ...extra] : ['top', ...extra];
  args.push('--format', 'tsv', '--granularity', granularity);
  if (sampleIndex !== undefined) args.push('--sample-index', String(sampleIndex));
  args.push(...[file].flat());
  // stderr is kept (not echoed): a refusal is reported by the caller.
  const out = execFileSync(CLI, args, { encoding: 'utf8', maxBuffer: 1 << 28, stdio: ['ignore', 'pipe', 'pipe'] });
  return out
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}

/** Rows of `heaplens list --format tsv REGEX FILE` (with `--base BASE` in a diff) as
 * [function, file, line, flat, cum] strings. */
export function cliList(file, regex, base = undefined) {
  const args = ['list', '--format', 'tsv', ...(base ? ['--base', base] : []), regex, file];
  const out = execFileSync(CLI, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return out
    .split('\n')
    .slice(1)
    .filter((l) => l.length > 0)
    .map((l) => l.split('\t'));
}
