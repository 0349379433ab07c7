/**
 * The floor, in its own process: headless Chromium, launched with the builder's flags, printing
 * the whole book once as a single document (bench/floor-html.ts). Run by spawn-measured.ts.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PDFDocument } from 'pdf-lib';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import { printResult, readInput, type FloorChildInput } from './child-protocol.ts';
import { loadBook, singleDocumentHtml } from './floor-html.ts';

const input = readInput<FloorChildInput>();
const book = await loadBook(input.bookDir);
await mkdir(path.join(input.workDir, 'images'), { recursive: true });
for (const image of book.images) {
  await symlink(image.absPath, path.join(input.workDir, image.href)).catch((e: NodeJS.ErrnoException) => {
    if (e.code !== 'EEXIST') throw e;
  });
}
const html = singleDocumentHtml(book);
const htmlFile = path.join(input.workDir, 'book.html');
await writeFile(htmlFile, html);

const timed = async <T>(run: () => Promise<T>): Promise<[T, number]> => {
  const start = performance.now();
  const value = await run();
  return [value, Math.round(performance.now() - start)];
};

const [browser, launchMs] = await timed(() => launchBrowser(ensureBrowser((m) => console.error(m))));
try {
  const page = await browser.newPage();
  const [, gotoMs] = await timed(() => page.goto(pathToFileURL(htmlFile).href, { waitUntil: 'load', timeout: 600_000 }));
  // The builder's own options (build/pdf/layout.ts), tagged included (puppeteer's default too).
  const [bytes, pdfMs] = await timed(() => page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: true, outline: false, timeout: 600_000 }));
  await writeFile(path.join(input.workDir, 'book.pdf'), bytes);
  const pages = (await PDFDocument.load(bytes, { updateMetadata: false })).getPageCount();
  printResult({ launchMs, gotoMs, pdfMs, pages, pdfBytes: bytes.length, htmlBytes: Buffer.byteLength(html), nodeMaxRssKiB: process.resourceUsage().maxRSS });
} finally {
  await browser.close();
}
