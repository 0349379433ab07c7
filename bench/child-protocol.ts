/** What the measuring child processes (build-child.ts, floor-child.ts, pandoc-floor-child.ts) read and print as their last stdout line. */
import type { Format } from '../build/build.ts';

export interface BuildChildInput {
  bookDir: string;
  outDir: string;
  formats: Format[];
}

export interface BuildChildOutput {
  /** buildBook()'s milliseconds per stage. */
  timings: Record<string, number>;
  /** buildBook() wall time, ms (the process's start-up and imports excluded). */
  totalMs: number;
  printPageCount: number | undefined;
  files: { format: Format; bytes: number }[];
  /** The build's warnings: a refused font or image would make the numbers meaningless. */
  warnings: string[];
  /** process.resourceUsage().maxRSS at the end, KiB. */
  nodeMaxRssKiB: number;
}

export interface FloorChildInput {
  bookDir: string;
  /** Where to write the single HTML document and its PDF. */
  workDir: string;
}

export interface PandocFloorChildInput {
  /** pandoc's standalone HTML of the book, beside floor-print.css and the images (bench/pandoc.ts). */
  htmlFile: string;
  pdfFile: string;
}

/** What both floors print (bench/print-document.ts). */
export interface FloorChildOutput {
  launchMs: number;
  /** page.goto(…, load): parse, style, fonts. */
  gotoMs: number;
  /** page.pdf(): layout and printing. */
  pdfMs: number;
  pages: number;
  pdfBytes: number;
  htmlBytes: number;
  nodeMaxRssKiB: number;
}

export const RESULT_PREFIX = 'BENCH-RESULT ';

export function printResult(value: BuildChildOutput | FloorChildOutput): void {
  process.stdout.write(`\n${RESULT_PREFIX}${JSON.stringify(value)}\n`);
}

export type ChildInput = BuildChildInput | FloorChildInput | PandocFloorChildInput;

/** The child's input, passed as one JSON argument. */
export function readInput<T extends ChildInput>(): T {
  const arg = process.argv[2];
  if (!arg) throw new Error('expected one JSON argument');
  return JSON.parse(arg) as T; // written by spawn-measured.ts from the same type
}
