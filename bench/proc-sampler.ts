/**
 * Samples a process tree from /proc (Linux only) while it runs:
 *  - peak memory of its browser processes (descendants whose executable looks like
 *    Chrome/Chromium): RSS summed, and PSS, which counts pages shared between them once;
 *  - CPU: what the tree used, and what everything else on the machine used meanwhile, so that a
 *    run disturbed by other work says so.
 * Elsewhere it reports nothing.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PAGE_SIZE = 4096;
const CLOCK_TICKS = 100; // USER_HZ: /proc counts CPU time in 1/100 s on Linux
const BROWSER_EXE = /chrom|headless.shell/i;

export interface TreeSample {
  /** Peak of the browsers' summed RSS, bytes; undefined where /proc is missing. */
  browserRssBytes: number | undefined;
  /** Peak of the browsers' summed PSS (smaps_rollup), bytes. */
  browserPssBytes: number | undefined;
  /** Most browser processes seen at once. */
  browserProcesses: number;
  /** CPU seconds the tree used (Node and browser). */
  treeCpuSeconds: number | undefined;
  /** Average number of cores other processes kept busy during the run. */
  otherCores: number | undefined;
}

export interface Sampler {
  stop(): TreeSample;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
};

/** Fields of /proc/<pid>/stat after the command name: [state, ppid, …]. */
const statFields = (pid: string | number): string[] | undefined => {
  const stat = readText(`/proc/${pid}/stat`);
  return stat?.slice(stat.lastIndexOf(')') + 2).split(' ');
};

/** The tree below `root`, root included. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const ppid = Number(statFields(name)?.[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(name)]);
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

const isBrowser = (pid: number): boolean => {
  try {
    return BROWSER_EXE.test(readlinkSync(`/proc/${pid}/exe`));
  } catch {
    return false;
  }
};

const rssOf = (pid: number): number => Number(readText(`/proc/${pid}/statm`)?.split(' ')[1] ?? 0) * PAGE_SIZE;
const pssOf = (pid: number): number => Number(/^Pss:\s+(\d+) kB/m.exec(readText(`/proc/${pid}/smaps_rollup`) ?? '')?.[1] ?? 0) * 1024;
/** utime + stime, ticks. */
const cpuTicksOf = (pid: number): number => {
  const f = statFields(pid);
  return f ? Number(f[11]) + Number(f[12]) : 0;
};
/** Busy ticks of the whole machine, from the first line of /proc/stat. */
const machineBusyTicks = (): number => {
  const [, user, nice, system, , , irq, softirq, steal] = (readText('/proc/stat') ?? '').split('\n')[0]!.trim().split(/\s+/).map(Number);
  return [user, nice, system, irq, softirq, steal].reduce((a: number, b) => a + (b ?? 0), 0);
};

/** Starts sampling the tree below `root` every `intervalMs`. */
export function sampleProcessTree(root: number, intervalMs = 100): Sampler {
  if (!existsSync('/proc/self/stat')) {
    const nothing = { browserRssBytes: undefined, browserPssBytes: undefined, browserProcesses: 0, treeCpuSeconds: undefined, otherCores: undefined };
    return { stop: () => nothing };
  }
  const peak = { rss: 0, pss: 0, processes: 0 };
  const cpuTicks = new Map<number, number>(); // last value seen per process of the tree
  const started = performance.now();
  const busyAtStart = machineBusyTicks();
  const sample = (): void => {
    const tree = processTree(root);
    for (const pid of tree) cpuTicks.set(pid, Math.max(cpuTicks.get(pid) ?? 0, cpuTicksOf(pid)));
    const browsers = tree.filter(isBrowser);
    peak.rss = Math.max(peak.rss, browsers.reduce((n, pid) => n + rssOf(pid), 0));
    peak.pss = Math.max(peak.pss, browsers.reduce((n, pid) => n + pssOf(pid), 0));
    peak.processes = Math.max(peak.processes, browsers.length);
  };
  sample();
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      const seconds = (performance.now() - started) / 1000;
      const treeTicks = [...cpuTicks.values()].reduce((a, b) => a + b, 0);
      const otherTicks = Math.max(0, machineBusyTicks() - busyAtStart - treeTicks);
      return {
        browserRssBytes: peak.rss,
        browserPssBytes: peak.pss,
        browserProcesses: peak.processes,
        treeCpuSeconds: treeTicks / CLOCK_TICKS,
        otherCores: seconds > 0 ? otherTicks / CLOCK_TICKS / seconds : undefined,
      };
    },
  };
}
