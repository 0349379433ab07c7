/**
 * `npm run bench [-- --sizes 20,100]`: generates synthetic books (bench/generate.ts), builds each
 * in a fresh child process (screen PDF, EPUB, print PDF), measures time per stage, pages per
 * second, output sizes and peak memory (Node and Chromium), then the floor (Chromium printing the
 * whole book once as one document) and pandoc's EPUB where installed. Prints Markdown tables,
 * writes bench/results/latest.json (the one before becomes previous.json) and prints the change.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { BENCH_DIR, booksDir, generateBook } from './generate.ts';
import { runBuildChild, runFloorChild } from './spawn-measured.ts';
import { pandocVersion, timePandocEpub } from './pandoc.ts';
import { describeMachine } from './machine.ts';
import { mib, type BenchResults, type SizeResult } from './results.ts';
import { deltaTable, resultTables } from './report.ts';

const DEFAULT_SIZES = [20, 100];
/** Fixed dates keep the builds off git (the generated books are not committed) and reproducible. */
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1764028800' };

function parseSizes(argv: string[]): number[] {
  const i = argv.findIndex((a) => a === '--sizes' || a.startsWith('--sizes='));
  if (i < 0) return DEFAULT_SIZES;
  const value = argv[i]!.includes('=') ? argv[i]!.split('=')[1] : argv[i + 1];
  const sizes = (value ?? '').split(',').map(Number);
  if (sizes.length === 0 || sizes.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new Error(`--sizes takes chapter counts separated by commas, e.g. --sizes 20,100 (got ${value ?? 'nothing'})`);
  }
  return sizes;
}

const progress = (message: string): void => console.error(`bench: ${message}`);

async function measureSize(chapters: number, pandoc: string | undefined): Promise<SizeResult> {
  const book = await generateBook(chapters);
  const outDir = path.join(booksDir(), `out-${chapters}`);
  progress(`${chapters} chapters: ${book.words.toLocaleString('en')} words generated in ${path.relative(process.cwd(), book.dir)}`);

  const loadAverage = os.loadavg()[0] ?? 0;
  progress(`${chapters} chapters: full build (pdf, epub, print)…`);
  const full = await runBuildChild({ bookDir: book.dir, outDir, formats: ['pdf', 'epub', 'print'] }, CHILD_ENV);
  const { result } = full;
  progress(`${chapters} chapters: ${result.printPageCount ?? '?'} print pages in ${(result.totalMs / 1000).toFixed(1)} s`);

  progress(`${chapters} chapters: EPUB alone…`);
  const epubAlone = await runBuildChild({ bookDir: book.dir, outDir: `${outDir}-epub`, formats: ['epub'] }, CHILD_ENV);

  progress(`${chapters} chapters: floor (one document, one page.pdf())…`);
  const floorDir = path.join(booksDir(), `floor-${chapters}`);
  await rm(floorDir, { recursive: true, force: true });
  const floor = await runFloorChild({ bookDir: book.dir, workDir: floorDir }, CHILD_ENV);

  let pandocResult: SizeResult['pandoc'];
  if (pandoc) {
    progress(`${chapters} chapters: pandoc EPUB…`);
    const timing = await timePandocEpub(book.dir, path.join(booksDir(), `pandoc-${chapters}.epub`), `A Benchmark of ${chapters} Chapters`);
    pandocResult = { version: pandoc, ...timing };
  }

  return {
    chapters,
    words: book.words,
    printPages: result.printPageCount,
    timings: result.timings,
    totalMs: result.totalMs,
    processMs: full.processMs,
    pagesPerSecond: result.printPageCount === undefined ? undefined : Math.round((result.printPageCount / (result.totalMs / 1000)) * 10) / 10,
    files: result.files,
    nodePeakRssMiB: Math.round(result.nodeMaxRssKiB / 1024),
    browserPeakRssMiB: mib(full.browser.rssBytes),
    browserPeakPssMiB: mib(full.browser.pssBytes),
    browserProcesses: full.browser.processes,
    epubAloneMs: epubAlone.result.timings.epub ?? epubAlone.result.totalMs,
    floor: {
      ms: floor.result.gotoMs + floor.result.pdfMs,
      gotoMs: floor.result.gotoMs,
      pdfMs: floor.result.pdfMs,
      launchMs: floor.result.launchMs,
      pages: floor.result.pages,
      browserPeakRssMiB: mib(floor.browser.rssBytes),
    },
    pandoc: pandocResult,
    loadAverage: Math.round(loadAverage * 100) / 100,
  };
}

async function saveResults(results: BenchResults): Promise<BenchResults | undefined> {
  const dir = path.join(BENCH_DIR, 'results');
  const latest = path.join(dir, 'latest.json');
  const previousFile = path.join(dir, 'previous.json');
  await mkdir(dir, { recursive: true });
  let previous: BenchResults | undefined;
  if (existsSync(latest)) {
    previous = JSON.parse(await readFile(latest, 'utf8')) as BenchResults; // written by this script
    await rename(latest, previousFile);
  }
  await writeFile(latest, `${JSON.stringify(results, null, 2)}\n`);
  return previous;
}

async function main(): Promise<void> {
  const sizes = parseSizes(process.argv.slice(2));
  const pandoc = pandocVersion();
  if (!pandoc) progress('pandoc not installed: no EPUB reference');
  const measured: SizeResult[] = [];
  for (const chapters of sizes) measured.push(await measureSize(chapters, pandoc));
  const results: BenchResults = { date: new Date().toISOString(), machine: describeMachine(), sizes: measured };
  const previous = await saveResults(results);
  console.log(resultTables(results));
  const change = previous ? deltaTable(results, previous) : undefined;
  if (change) console.log(`\n${change}`);
  progress(`results written to ${path.relative(process.cwd(), path.join(BENCH_DIR, 'results', 'latest.json'))}`);
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
