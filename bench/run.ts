/**
 * `npm run bench [-- --sizes 20,100] [--runs 3]`: generates synthetic books (bench/generate.ts),
 * builds each in a fresh child process (screen PDF, EPUB, print PDF, print cover), measures time
 * per stage, pages per second, output sizes and peak memory (Node and Chromium), then:
 *  - the floor: Chromium printing the builder's own HTML of the whole book once as one document;
 *  - the pandoc-HTML floor: Chromium printing pandoc's HTML of the chapters with one small print
 *    stylesheet (bench/floor-print.css), where pandoc is installed;
 *  - Vivliostyle CLI on that same input, PDF only, where it is installed (never a dependency);
 *  - pandoc's EPUB, where pandoc is installed.
 * With --runs n, each full build runs n times and the fastest counts. Prints Markdown tables,
 * writes bench/results/latest.json (the one before becomes previous.json) and prints the change.
 * Last, the preview's edit-to-page latency on this repository's book (bench/edit-latency.ts;
 * alone with --only latency), written to bench/results/edit-latency.json.
 */
import { existsSync } from 'node:fs';
import os from 'node:os';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BENCH_DIR, booksDir, generateBook } from './generate.ts';
import { runBuildChild, runFloorChild, runPandocFloorChild, type Measured } from './spawn-measured.ts';
import type { BuildChildOutput } from './child-protocol.ts';
import type { Format } from '../build/build.ts';
import { pandocHtml, pandocVersion, timePandocEpub } from './pandoc.ts';
import { findVivliostyle, runVivliostyle, type VivliostyleCli } from './vivliostyle.ts';
import { describeMachine } from './machine.ts';
import { mib, type BenchResults, type PandocFloorResult, type SizeResult, type VivliostyleResult } from './results.ts';
import { deltaTable, resultTables } from './report.ts';
import { integerList, option } from './cli-options.ts';
import { editLatencyTable, measureEditLatency } from './edit-latency.ts';

const DEFAULT_SIZES = [20, 100];
/** The full build: every output of a printed book (the web edition is another product). */
const FULL_BUILD: Format[] = ['pdf', 'epub', 'print', 'cover'];
/**
 * Fixed dates keep the builds off git (the generated books are not committed) and reproducible;
 * a build from scratch is what is measured: no layout cache (a second run would find the first's).
 */
const CHILD_ENV: NodeJS.ProcessEnv = { ...process.env, SOURCE_DATE_EPOCH: '1764028800', EBOOK_NO_CACHE: '1' };

const round1 = (x: number | undefined): number | undefined => (x === undefined ? undefined : Math.round(x * 10) / 10);
const progress = (message: string): void => console.error(`bench: ${message}`);
const loadAverage = (): number => Math.round(os.loadavg()[0]! * 100) / 100;

interface Peers {
  /** pandoc's version, undefined where it is not installed. */
  pandoc: string | undefined;
  vivliostyle: VivliostyleCli | undefined;
}

async function measureSize(chapters: number, runs: number, peers: Peers): Promise<SizeResult> {
  const { pandoc } = peers;
  const book = await generateBook(chapters);
  const outDir = path.join(booksDir(), `out-${chapters}`);
  progress(`${chapters} chapters: ${book.words.toLocaleString('en')} words generated in ${path.relative(process.cwd(), book.dir)}`);

  let fastest: Measured<BuildChildOutput> | undefined;
  for (let run = 1; run <= runs; run++) {
    progress(`${chapters} chapters: full build (${FULL_BUILD.join(', ')})${runs > 1 ? `, run ${run} of ${runs}` : ''}…`);
    const measured = await runBuildChild({ bookDir: book.dir, outDir, formats: FULL_BUILD }, CHILD_ENV);
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

  const title = `A Benchmark of ${chapters} Chapters`;
  let pandocFloor: PandocFloorResult | undefined;
  let vivliostyle: VivliostyleResult | undefined;
  if (pandoc) {
    progress(`${chapters} chapters: pandoc-HTML floor (pandoc's HTML + floor-print.css, one page.pdf())…`);
    // bench/generate.ts writes English books (book.yaml: language: en).
    const html = await pandocHtml(book.dir, path.join(booksDir(), `pandoc-html-${chapters}`), { title, language: 'en' });
    const printed = await runPandocFloorChild({ htmlFile: html.htmlFile, pdfFile: path.join(path.dirname(html.htmlFile), 'chromium.pdf') }, CHILD_ENV);
    pandocFloor = {
      pandocMs: html.ms,
      htmlBytes: html.bytes,
      ms: printed.result.gotoMs + printed.result.pdfMs,
      gotoMs: printed.result.gotoMs,
      pdfMs: printed.result.pdfMs,
      launchMs: printed.result.launchMs,
      pages: printed.result.pages,
      pdfBytes: printed.result.pdfBytes,
      browserPeakRssMiB: mib(printed.tree.browserRssBytes),
      browserPeakPssMiB: mib(printed.tree.browserPssBytes),
      otherCores: round1(printed.tree.otherCores),
    };
    if (peers.vivliostyle) {
      progress(`${chapters} chapters: Vivliostyle CLI on the same HTML, PDF only…`);
      vivliostyle = await runVivliostyle(peers.vivliostyle, html.htmlFile, path.join(path.dirname(html.htmlFile), 'vivliostyle.pdf'), CHILD_ENV).catch(
        (e: unknown): VivliostyleResult => ({ error: e instanceof Error ? e.message : String(e) }),
      );
      if (vivliostyle.error !== undefined) progress(`${chapters} chapters: Vivliostyle failed: ${vivliostyle.error}`);
      else progress(`${chapters} chapters: Vivliostyle: ${vivliostyle.pages} pages in ${(vivliostyle.ms / 1000).toFixed(1)} s`);
    }
  }

  let pandocResult: SizeResult['pandoc'];
  if (pandoc) {
    progress(`${chapters} chapters: pandoc EPUB…`);
    const timing = await timePandocEpub(book.dir, path.join(booksDir(), `pandoc-${chapters}.epub`), title);
    pandocResult = { version: pandoc, ...timing };
  }

  return {
    chapters,
    words: book.words,
    printPages: result.printPageCount,
    formats: FULL_BUILD,
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
    pandocFloor,
    vivliostyle,
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
  const loadAtStart = loadAverage();
  progress(`1-minute load average at the start: ${loadAtStart} (${os.availableParallelism()} cores)`);
  const pandoc = pandocVersion();
  if (!pandoc) progress('pandoc not installed (apt-get install pandoc): no pandoc-HTML floor, no Vivliostyle run (it prints pandoc\'s HTML), no EPUB reference');
  const found = findVivliostyle();
  const vivliostyle = 'missing' in found ? undefined : found;
  if ('missing' in found) progress(found.missing);
  else progress(`${found.version} at ${found.bin}`);
  const measured: SizeResult[] = [];
  for (const chapters of sizes) measured.push(await measureSize(chapters, runs, { pandoc, vivliostyle }));
  const loadAtEnd = loadAverage();
  progress(`1-minute load average at the end: ${loadAtEnd}`);
  const results: BenchResults = {
    date: new Date().toISOString(),
    machine: describeMachine(),
    tools: {
      pandoc: pandoc ?? 'pandoc not installed',
      vivliostyle: 'missing' in found ? 'Vivliostyle CLI not found' : found.version,
    },
    load: { start: loadAtStart, end: loadAtEnd },
    sizes: measured,
  };
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
