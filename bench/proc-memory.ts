/**
 * Peak memory of a browser process tree, sampled from /proc (Linux only): every interval, the
 * descendants of a root pid whose executable looks like Chrome/Chromium, their RSS summed (and
 * their PSS, which does not count pages shared between them twice). Elsewhere it reports nothing.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

const PAGE_SIZE = 4096;
const BROWSER_EXE = /chrom|headless.shell/i;

export interface MemoryPeak {
  /** Peak of the summed RSS, bytes; undefined where /proc is missing. */
  rssBytes: number | undefined;
  /** Peak of the summed PSS (from smaps_rollup), bytes. */
  pssBytes: number | undefined;
  /** Most browser processes seen at once. */
  processes: number;
}

export interface MemorySampler {
  stop(): MemoryPeak;
}

const readText = (file: string): string | undefined => {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined; // the process ended between listing and reading
  }
};

/** Parent pid of every process, from /proc/<pid>/stat (the field after the command's closing paren). */
function parentsOf(): Map<number, number[]> {
  const children = new Map<number, number[]>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readText(`/proc/${name}/stat`);
    if (!stat) continue;
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = children.get(ppid) ?? [];
    list.push(Number(name));
    children.set(ppid, list);
  }
  return children;
}

export function descendants(root: number): number[] {
  const children = parentsOf();
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift()!;
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
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

/** Starts sampling the browser processes below `root` every `intervalMs`. */
export function sampleBrowserMemory(root: number, intervalMs = 100): MemorySampler {
  if (!existsSync('/proc/self/stat')) return { stop: () => ({ rssBytes: undefined, pssBytes: undefined, processes: 0 }) };
  const peak = { rssBytes: 0, pssBytes: 0, processes: 0 };
  const sample = (): void => {
    const pids = descendants(root).filter(isBrowser);
    let rss = 0;
    let pss = 0;
    for (const pid of pids) {
      rss += rssOf(pid);
      pss += pssOf(pid);
    }
    peak.rssBytes = Math.max(peak.rssBytes, rss);
    peak.pssBytes = Math.max(peak.pssBytes, pss);
    peak.processes = Math.max(peak.processes, pids.length);
  };
  const timer = setInterval(sample, intervalMs);
  return {
    stop() {
      clearInterval(timer);
      return { ...peak };
    },
  };
}
