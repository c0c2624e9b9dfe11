// Memory of the Chromium processes this Node process started, read from /proc (Linux only).
//
// What is measured: Chromium runs a page in a renderer process (`--type=renderer`); the page's
// JavaScript heap, its wasm memory, the DOM, 2D canvas backing stores and every dedicated web
// worker the page starts (workers are threads of the same renderer) all count in that process's
// resident memory. WebGL (speedscope draws with it) is executed in the GPU process
// (`--type=gpu-process`, software SwiftShader here), so its buffers and textures count there,
// not in the renderer; it is reported separately.
//
// VmHWM is the kernel's high-water mark of the resident set over the whole life of a process,
// so it is only a per-measurement figure when the browser (and with it the renderer) is fresh:
// the bench launches a new browser for every page load. VmRSS is the resident set at the time
// of reading.
import { readFileSync, readdirSync } from 'node:fs';

/** The parent pid of `pid`, or null when the process is gone. */
function parentOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) is in parentheses and may contain spaces: parse after it.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return Number(rest[1]);
  } catch {
    return null;
  }
}

/** The words of a process's command line. Chromium rewrites the title of its child processes
 * into one space-separated string, so spaces separate words too (no switch used here has one). */
function cmdline(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/).filter(Boolean);
  } catch {
    return [];
  }
}

/** VmHWM and VmRSS of `pid` in KiB, or null when the process is gone. */
function status(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1] ?? NaN);
    return { hwmKiB: kib('VmHWM'), rssKiB: kib('VmRSS') };
  } catch {
    return null;
  }
}

/** All live descendants of `root` (default: this Node process) as [{ pid, args }]. */
export function descendants(root = process.pid) {
  const children = new Map();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = parentOf(name);
    if (ppid === null) continue;
    if (!children.has(ppid)) children.set(ppid, []);
    children.get(ppid).push(Number(name));
  }
  const out = [];
  const todo = [...(children.get(root) ?? [])];
  while (todo.length) {
    const pid = todo.pop();
    out.push({ pid, args: cmdline(pid) });
    todo.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** The value of a `--name=value` switch in `args`, or undefined. */
function flag(args, name) {
  const prefix = `--${name}=`;
  return args.find((a) => a.startsWith(prefix))?.slice(prefix.length);
}

/** Chromium browser processes (no `--type=`) among the descendants of this process, as
 * [{ pid, userDataDir }]. */
export function browserProcesses() {
  return descendants()
    .filter((p) => /chrom/.test(p.args[0] ?? '') && !flag(p.args, 'type') && flag(p.args, 'user-data-dir'))
    .map((p) => ({ pid: p.pid, userDataDir: flag(p.args, 'user-data-dir') }));
}

const mib = (kib) => Math.round(kib / 1024);

/**
 * Memory of the one browser this process has open: the page's renderer (the renderer with the
 * highest VmHWM; Chromium's own UI renderer `--top-chrome-webui`, extension renderers and the
 * spare renderer it keeps warm are small and are left out or lose that comparison) and the GPU
 * process. Sizes in MiB; null when no such process was found.
 */
export function chromiumMemory() {
  const procs = descendants();
  let renderer = null;
  let renderers = 0;
  let gpu = null;
  for (const p of procs) {
    const type = flag(p.args, 'type');
    if (type === 'renderer') {
      if (p.args.includes('--top-chrome-webui') || p.args.includes('--extension-process')) continue;
      const s = status(p.pid);
      if (!s) continue;
      renderers += 1;
      if (!renderer || s.hwmKiB > renderer.hwmKiB) renderer = { pid: p.pid, ...s };
    } else if (type === 'gpu-process') {
      const s = status(p.pid);
      if (s) gpu = { pid: p.pid, ...s };
    }
  }
  return {
    renderers,
    rendererPid: renderer?.pid ?? null,
    rendererPeakMB: renderer ? mib(renderer.hwmKiB) : null,
    rendererRssMB: renderer ? mib(renderer.rssKiB) : null,
    gpuPeakMB: gpu ? mib(gpu.hwmKiB) : null,
    gpuRssMB: gpu ? mib(gpu.rssKiB) : null,
  };
}

/**
 * CPU time (user + system, all threads) `pid` has used so far, in milliseconds, or null when
 * the process is gone. The kernel counts in clock ticks (USER_HZ, 100 on Linux: 10 ms steps).
 */
export function cpuMs(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 (utime, stime) of proc(5); `rest` starts at field 3.
    return (Number(rest[11]) + Number(rest[12])) * 10;
  } catch {
    return null;
  }
}
