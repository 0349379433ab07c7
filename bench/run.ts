/**
 * `npm run bench [-- --sizes 20,100] [--runs 3]`: generates synthetic books (bench/generate.ts),
 * builds each in a fresh child process (screen PDF, EPUB, print PDF), measures time per stage,
 * pages per second, output sizes and peak memory (Node and Chromium), then the floor (Chromium
 * printing the whole book once as one document) and pandoc's EPUB where installed. With
 * --runs n, each full build runs n times and the fastest counts. Prints Markdown tables, writes
 * bench/results/latest.json (the one before becomes previous.json) and prints the change.
 * Last, the preview's edit-to-page latency on this repository's book (bench/edit-latency.ts;
 * alone with --only latency), written to bench/results/edit-latency.json.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR, booksDir, generateBook } from './generate.ts';
import { runBuildChild, runFloorChild, type Measured } from './spawn-measured.ts';
import type { BuildChildOutput } from './child-protocol.ts';
import { pandocVersion, timePandocEpub } from './pandoc.ts';
import { describeMachine } from './machine.ts';
import { mib, type BenchResults, type SizeResult } from './results.ts';
import { deltaTable, resultTables } from './report.ts';
import { integerList, option } from './cli-options.ts';
import { editLatencyTable, measureEditLatency } from './edit-latency.ts';

const DEFAULT_SIZES = [20, 100];
/** Fixed dates keep the builds off git (the generated books are not committed) and reproducible. */
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1764028800' };

const round1 = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 10) / 10);
const progress = (message: string): void => console.error(`bench: ${message}`);

async function measureSize(chapters: number, runs: number, pandoc: string | undefined): Promise<SizeResult> {
  const book = await generateBook(chapters);
  const outDir = path.join(booksDir(), `out-${chapters}`);
  progress(`${chapters} chapters: ${book.words.toLocaleString('en')} words generated in ${path.relative(process.cwd(), book.dir)}`);

  let fastest: Measured<BuildChildOutput> | undefined;
  for (let run = 1; run <= runs; run++) {
    progress(`${chapters} chapters: full build (pdf, epub, print)${runs > 1 ? `, run ${run} of ${runs}` : ''}…`);
    const measured = await runBuildChild({ bookDir: book.dir, outDir, formats: ['pdf', 'epub', 'print'] }, CHILD_ENV);
    const others = measured.tree.otherCores;
    progress(
      `${chapters} chapters: ${measured.result.printPageCount ?? '?'} print pages in ${(measured.result.totalMs / 1000).toFixed(1)} s` +
        (others !== undefined && others > 0.2 ? ` (other processes kept ${others.toFixed(1)} cores busy meanwhile)` : ''),
    );
    for (const warning of measured.result.warnings.slice(0, 5)) progress(`${chapters} chapters: build warning: ${warning}`);
    // The fastest run is the one least disturbed by other work on the machine.
    if (!fastest || measured.result.totalMs < fastest.result.totalMs) fastest = measured;
  }
  const full = fastest!;
  const { result } = full;

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
    browserPeakRssMiB: mib(full.tree.browserRssBytes),
    browserPeakPssMiB: mib(full.tree.browserPssBytes),
    browserProcesses: full.tree.browserProcesses,
    epubAloneMs: epubAlone.result.timings.epub ?? epubAlone.result.totalMs,
    floor: {
      ms: floor.result.gotoMs + floor.result.pdfMs,
      gotoMs: floor.result.gotoMs,
      pdfMs: floor.result.pdfMs,
      launchMs: floor.result.launchMs,
      pages: floor.result.pages,
      browserPeakRssMiB: mib(floor.tree.browserRssBytes),
      browserPeakPssMiB: mib(floor.tree.browserPssBytes),
      otherCores: round1(floor.tree.otherCores),
    },
    pandoc: pandocResult,
    cpuSeconds: round1(full.tree.treeCpuSeconds),
    otherCores: round1(full.tree.otherCores),
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

/** The preview's edit-to-page latency on this repository's book (bench/edit-latency.ts). */
async function editLatency(): Promise<void> {
  progress('preview: edit-to-page latency on this repository\'s book…');
  const result = await measureEditLatency({ progress: (m) => progress(`preview: ${m}`) });
  await mkdir(path.join(BENCH_DIR, 'results'), { recursive: true });
  await writeFile(path.join(BENCH_DIR, 'results', 'edit-latency.json'), `${JSON.stringify({ date: new Date().toISOString(), machine: describeMachine(), ...result }, null, 2)}\n`);
  console.log(`\n${editLatencyTable(result)}`);
}

async function main(): Promise<void> {
  // `npm run bench -- --only latency`: the preview's measurement alone.
  if (option('only') === 'latency') return editLatency();
  const sizes = integerList('sizes', DEFAULT_SIZES);
  const [runs = 1] = integerList('runs', [1]);
  const pandoc = pandocVersion();
  if (!pandoc) progress('pandoc not installed: no EPUB reference');
  const measured: SizeResult[] = [];
  for (const chapters of sizes) measured.push(await measureSize(chapters, runs, pandoc));
  const results: BenchResults = { date: new Date().toISOString(), machine: describeMachine(), sizes: measured };
  const previous = await saveResults(results);
  console.log(resultTables(results));
  const change = previous ? deltaTable(results, previous) : undefined;
  if (change) console.log(`\n${change}`);
  progress(`results written to ${path.relative(process.cwd(), path.join(BENCH_DIR, 'results', 'latest.json'))}`);
  await editLatency();
}

main().catch((e: unknown) => {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
