/**
 * Where the layout stage's time goes, measured on the part documents a real build wrote:
 * goto vs pdf per part, the fixed cost of a part, the biggest parts, tagged vs untagged,
 * request interception, 1…n tabs printing at once, and what pdf-lib's load of each part costs
 * next to counting its pages.
 *
 *   npx tsx bench/probe-layout.ts --chapters 100 [--tabs 1,2,3]
 */
import { rm } from 'node:fs/promises';
import { PDFDocument } from 'pdf-lib';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import { keptLayoutDir } from './keep-work.ts';
import { integerList } from './cli-options.ts';
import { partFiles, printAll, type PartTiming } from './part-printer.ts';

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const sec = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
const summary = (label: string, wallMs: number, parts: PartTiming[]): string => {
  const goto = parts.map((p) => p.gotoMs);
  const pdf = parts.map((p) => p.pdfMs);
  return `${label}: wall ${sec(wallMs)}; goto Σ ${sec(sum(goto))} (median ${median(goto).toFixed(0)} ms), pdf Σ ${sec(sum(pdf))} (median ${median(pdf).toFixed(0)} ms)`;
};
/** Pages of a Chromium PDF without parsing it: its page objects. */
const countPages = (bytes: Uint8Array): number => (Buffer.from(bytes).toString('latin1').match(/\/Type\s*\/Page\b/g) ?? []).length;

async function main(): Promise<void> {
  const [chapters = 100] = integerList('chapters', [100]);
  const tabCounts = integerList('tabs', [1, 2, 3]);
  const dir = await keptLayoutDir(chapters);
  const files = partFiles(dir);
  const browser = await launchBrowser(ensureBrowser((m) => console.error(m)));
  try {
    console.log(`${chapters} chapters: ${files.length} part documents in ${dir}`);
    const one = await printAll(browser, files, 1);
    console.log(summary('1 tab', one.wallMs, one.parts));
    const docs: number[] = [];
    const loadMs: number[] = [];
    const countMs: number[] = [];
    for (const p of one.parts) {
      let t = performance.now();
      docs.push((await PDFDocument.load(p.bytes, { updateMetadata: false })).getPageCount());
      loadMs.push(performance.now() - t);
      t = performance.now();
      if (countPages(p.bytes) !== docs.at(-1)) console.log(`  page count by regex differs for ${p.file}`);
      countMs.push(performance.now() - t);
    }
    console.log(`  pdf-lib load of every part: Σ ${sec(sum(loadMs))}; counting pages by regex instead: Σ ${sec(sum(countMs))}`);
    const ranked = one.parts.map((p, i) => ({ ...p, pages: docs[i]! })).sort((a, b) => b.gotoMs + b.pdfMs - (a.gotoMs + a.pdfMs));
    for (const p of ranked.slice(0, 4)) console.log(`  ${p.file}: ${p.pages} pages, goto ${p.gotoMs.toFixed(0)} ms, pdf ${p.pdfMs.toFixed(0)} ms`);
    const small = ranked.filter((p) => p.pages === 1);
    console.log(`  one-page parts (${small.length}): median goto ${median(small.map((p) => p.gotoMs)).toFixed(0)} ms + pdf ${median(small.map((p) => p.pdfMs)).toFixed(0)} ms`);
    const perPage = ranked.filter((p) => p.pages >= 10).map((p) => p.pdfMs / p.pages);
    console.log(`  parts of 10+ pages: median pdf ${median(perPage).toFixed(1)} ms per page`);

    const intercepted = await printAll(browser, files, 1, { tagged: true, intercept: true });
    console.log(summary('1 tab, request interception on', intercepted.wallMs, intercepted.parts));
    const untagged = await printAll(browser, files, 1, { tagged: false, intercept: false });
    console.log(summary('1 tab, tagged: false', untagged.wallMs, untagged.parts));
    const untaggedBytes = sum(untagged.parts.map((p) => p.bytes.length));
    console.log(`  bytes: tagged ${(sum(one.parts.map((p) => p.bytes.length)) / 2 ** 20).toFixed(1)} MiB, untagged ${(untaggedBytes / 2 ** 20).toFixed(1)} MiB`);
    for (const tabs of tabCounts.filter((t) => t > 1)) {
      const run = await printAll(browser, files, tabs);
      console.log(summary(`${tabs} tabs, parts printed at once`, run.wallMs, run.parts));
    }
  } finally {
    await browser.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
