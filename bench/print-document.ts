/**
 * What both floors do with their single HTML document: raw headless Chromium, launched with the
 * builder's flags (build/pdf/browser.ts), goto + one page.pdf() with the builder's print options
 * (build/pdf/layout.ts), tagged included. Used by floor-child.ts and pandoc-floor-child.ts.
 */
import { writeFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import type { FloorChildOutput } from './child-protocol.ts';

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const value = await run();
  return [value, Math.round(performance.now() - start)];
};

export async function printOneDocument(htmlFile: string, pdfFile: string, htmlBytes: number): Promise<FloorChildOutput> {
  const [browser, launchMs] = await timed(() => launchBrowser(ensureBrowser((m) => console.error(m))));
  try {
    const page = await browser.newPage();
    const [, gotoMs] = await timed(() => page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 600_000 }));
    const [bytes, pdfMs] = await timed(() => page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: false, timeout: 600_000 }));
    await writeFile(pdfFile, bytes);
    const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
    return { launchMs, gotoMs, pdfMs, pages, pdfBytes: bytes.length, htmlBytes, nodeMaxRssKiB: process.resourceUsage().maxRSS };
  } finally {
    await browser.close();
  }
}
