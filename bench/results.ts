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

/** Raw Chromium printing pandoc's HTML of the chapters with bench/floor-print.css, as one document. */
export interface PandocFloorResult {
  /** pandoc's Markdown → standalone HTML5, ms (not part of `ms`). */
  pandocMs: number;
  htmlBytes: number;
  /** goto + pdf, ms. */
  ms: number;
  gotoMs: number;
  pdfMs: number;
  launchMs: number;
  pages: number;
  pdfBytes: number;
  browserPeakRssMiB: number | undefined;
  browserPeakPssMiB: number | undefined;
  otherCores: number | undefined;
}

/** Vivliostyle CLI on the pandoc floor's input, PDF only; `error` when it failed on the book. */
export type VivliostyleResult =
  | {
      /** Wall time of the `vivliostyle build` process, spawn to exit. */
      ms: number;
      pages: number;
      pdfBytes: number;
      browserPeakRssMiB: number | undefined;
      browserPeakPssMiB: number | undefined;
      /** CPU seconds of its whole tree (Node, server, browser). */
      cpuSeconds: number | undefined;
      otherCores: number | undefined;
      error?: undefined;
    }
  | { error: string };

export interface PandocResult {
  version: string;
  ms: number;
  bytes: number;
}

export interface SizeResult {
  chapters: number;
  words: number;
  printPages: number | undefined;
  /** What the full build made (absent in results from before the cover was added). */
  formats?: string[];
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
  /** Undefined where pandoc is not installed (it makes the input). */
  pandocFloor: PandocFloorResult | undefined;
  /** Undefined where Vivliostyle CLI or pandoc is not installed. */
  vivliostyle: VivliostyleResult | undefined;
  /** CPU seconds the full build used, Node and browser together. */
  cpuSeconds: number | undefined;
  /** Cores that other processes kept busy, on average, during the full build: above ~0.2, they inflated its times. */
  otherCores: number | undefined;
}

export interface Tools {
  /** `pandoc --version`'s first line, or why there is none. */
  pandoc: string;
  /** "Vivliostyle CLI 11.3.3 (core 2.45.1)", or why there is none. */
  vivliostyle: string;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  /** Absent in results written before the pandoc-HTML floor and Vivliostyle were measured. */
  tools?: Tools;
  /** os.loadavg()'s 1-minute average when the run started and when it ended. */
  load?: { start: number; end: number };
  sizes: SizeResult[];
}

export const mib = (bytes: number | undefined): number | undefined => (bytes === undefined ? undefined : Math.round(bytes / 2 ** 20));
