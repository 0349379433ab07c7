/** Prints part documents with Chromium, timing goto and pdf per part, on 1…n tabs of one browser. */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'puppeteer-core';

export interface PartTiming {
  file: string;
  gotoMs: number;
  pdfMs: number;
  bytes: Uint8Array;
}

export interface PrintSettings {
  /** page.pdf({ tagged }); the builder prints tagged PDFs. */
  tagged: boolean;
  /** Route every request through setRequestInterception, as the builder's guarded printer does. */
  intercept: boolean;
}

const BUILDER_LIKE: PrintSettings = { tagged: true, intercept: false };

async function openPage(browser: Browser, settings: PrintSettings): Promise<Page> {
  const page = await browser.newPage();
  await page.setJavaScriptEnabled(false);
  if (settings.intercept) {
    await page.setRequestInterception(true);
    page.on('request', (request) => void request.continue());
  }
  return page;
}

async function printPart(page: Page, file: string, settings: PrintSettings): Promise<PartTiming> {
  const t0 = performance.now();
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: 300_000 });
  const t1 = performance.now();
  const bytes = await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: settings.tagged, outline: false, timeout: 300_000 });
  const t2 = performance.now();
  return { file: path.basename(file), gotoMs: t1 - t0, pdfMs: t2 - t1, bytes };
}

/** Prints every file with `tabs` pages of one browser working through a shared queue. */
export async function printAll(
  browser: Browser,
  files: string[],
  tabs: number,
  settings: PrintSettings = BUILDER_LIKE,
): Promise<{ wallMs: number; parts: PartTiming[] }> {
  const queue = [...files];
  const parts: PartTiming[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: tabs }, async () => {
      const page = await openPage(browser, settings);
      try {
        for (let file = queue.shift(); file !== undefined; file = queue.shift()) parts.push(await printPart(page, file, settings));
      } finally {
        await page.close();
      }
    }),
  );
  parts.sort((a, b) => a.file.localeCompare(b.file));
  return { wallMs: performance.now() - started, parts };
}

export const partFiles = (dir: string): string[] =>
  readdirSync(dir).filter((f) => f.endsWith('.html')).sort().map((f) => path.join(dir, f));
