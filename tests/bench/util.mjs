// Small helpers shared by the browser benchmark's modules.
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

import { browserProcesses } from './procmem.mjs';

/** Progress goes to stderr; stdout carries only the report. */
export function log(...args) {
  console.error('bench:', ...args);
}

/** The p-th percentile (nearest rank) of `xs`, or NaN for none. */
export function percentile(xs, p) {
  if (!xs.length) return NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** `promise`, or a rejection with `what` after `ms`. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: timed out after ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Closes a browser from openBrowser(); if that does not finish in time (a renderer stuck in a
 * long task can delay it), kills the browser process this Node process started, by its pid.
 */
export async function closeQuietly(browser) {
  const procs = browserProcesses();
  try {
    await withTimeout(browser.close(), 20_000, 'closing the browser');
  } catch (err) {
    log(`${err.message}; killing browser process(es) ${procs.map((p) => p.pid).join(', ')}`);
    kill(procs);
  }
}

/** Kills any browser process this Node process started that is still alive (at exit). */
export function killLeftoverBrowsers() {
  kill(browserProcesses());
}

/** SIGKILLs the given browser processes and removes their temporary profiles. */
function kill(procs) {
  for (const { pid, userDataDir } of procs) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
    // openBrowser() removes its profile only when the browser closes normally.
    if (userDataDir.startsWith(tmpdir())) rmSync(userDataDir, { recursive: true, force: true });
  }
}

export const fmtMs = (x) => (Number.isFinite(x) ? String(Math.round(x)) : '-');
