/** The benchmark's results, as written to bench/results/latest.json. */
import type { Machine } from './machine.ts';

export interface FloorResult {
  /** goto + pdf, ms: what Chromium needs to print the whole book once. */
  ms: number;
  gotoMs: number;
  pdfMs: number;
  launchMs: number;
  pages: number;
  browserPeakRssMiB: number | undefined;
  browserPeakPssMiB: number | undefined;
  /** Cores other processes kept busy during the floor's run. */
  otherCores: number | undefined;
}

export interface PandocResult {
  version: string;
  ms: number;
  bytes: number;
}

export interface SizeResult {
  chapters: number;
  words: number;
  printPages: number | undefined;
  /** buildBook()'s ms per stage. EPUB runs alongside browser + layout + assemble. */
  timings: Record<string, number>;
  totalMs: number;
  /** Child process wall time, Node start-up and imports included. */
  processMs: number;
  pagesPerSecond: number | undefined;
  files: { format: string; bytes: number }[];
  nodePeakRssMiB: number;
  browserPeakRssMiB: number | undefined;
  browserPeakPssMiB: number | undefined;
  browserProcesses: number;
  /** The EPUB stage in a build of the EPUB alone (no browser competing for the CPU). */
  epubAloneMs: number;
  floor: FloorResult;
  /** Undefined where pandoc is not installed. */
  pandoc: PandocResult | undefined;
  /** CPU seconds the full build used, Node and browser together. */
  cpuSeconds: number | undefined;
  /** Cores that other processes kept busy, on average, during the full build: above ~0.2, they inflated its times. */
  otherCores: number | undefined;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  sizes: SizeResult[];
}

export const mib = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : Math.round(bytes / 2 ** 20));
