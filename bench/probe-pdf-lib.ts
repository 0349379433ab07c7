/**
 * What the assemble stage's pdf-lib work costs at a given size, measured on the part PDFs
 * Chromium prints from a real build's part documents: load each part, copy every page into one
 * document, save (screen), grow the pages for bleed and save again (print) — and, for
 * comparison, qpdf merging the same part files where qpdf is installed.
 *
 *   npx tsx bench/probe-pdf-lib.ts --chapters 100
 */
import { spawnSync } from 'node:child_process';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { PDFDocument } from 'pdf-lib';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import { integerList } from './cli-options.ts';
import { keptLayoutDir } from './keep-work.ts';
import { partFiles, printAll } from './part-printer.ts';

const timed = async <T>(label: string, run: () => Promise<T> | T): Promise<T> => {
  const start = performance.now();
  const value = await run();
  console.log(`${label}: ${((performance.now() - start) / 1000).toFixed(2)} s`);
  return value;
};

async function main(): Promise<void> {
  const [chapters = 100] = integerList('chapters', [100]);
  const dir = await keptLayoutDir(chapters);
  const browser = await launchBrowser(ensureBrowser((m) => console.error(m)));
  let parts: Uint8Array[];
  try {
    const printed = await printAll(browser, partFiles(dir).filter((f) => !f.endsWith('00-cover.html')), 2);
    parts = printed.parts.map((p) => p.bytes);
  } finally {
    await browser.close();
  }
  const totalBytes = parts.reduce((n, b) => n + b.length, 0);
  console.log(`${chapters} chapters: ${parts.length} part PDFs, ${(totalBytes / 2 ** 20).toFixed(1)} MiB`);

  const docs = await timed('pdf-lib load every part', () => Promise.all(parts.map((b) => PDFDocument.load(b, { updateMetadata: false }))));
  const merged = await timed('pdf-lib copyPages into one document', async () => {
    const doc = await PDFDocument.create({ updateMetadata: false });
    for (const part of docs) for (const page of await doc.copyPages(part, part.getPageIndices())) doc.addPage(page);
    return doc;
  });
  console.log(`pages: ${merged.getPageCount()}`);
  const screen = await timed('pdf-lib save (object streams, the default)', () => merged.save({ updateFieldAppearances: false }));
  await timed('pdf-lib save (useObjectStreams: false)', () => merged.save({ updateFieldAppearances: false, useObjectStreams: false }));
  await timed('pdf-lib bleed on every page (translateContent + boxes)', () => {
    for (const page of merged.getPages()) {
      const { width, height } = page.getSize();
      page.setMediaBox(0, 0, width + 9, height + 18);
      page.translateContent(9, 9);
      page.setTrimBox(9, 9, width, height);
    }
  });
  await timed('pdf-lib save again (print)', () => merged.save({ updateFieldAppearances: false }));
  await timed('pdf-lib load the merged PDF', () => PDFDocument.load(screen, { updateMetadata: false }));

  const qpdf = spawnSync('qpdf', ['--version'], { encoding: 'utf8' });
  if (qpdf.status === 0) {
    const work = path.join(dir, 'probe-pdfs');
    await mkdir(work, { recursive: true });
    const files = await Promise.all(parts.map(async (bytes, i) => {
      const file = path.join(work, `${String(i).padStart(4, '0')}.pdf`);
      await writeFile(file, bytes);
      return file;
    }));
    await timed(`qpdf merge (${qpdf.stdout.split('\n')[0]})`, () => {
      const run = spawnSync('qpdf', ['--empty', '--pages', ...files, '--', path.join(work, 'merged.pdf')]);
      if (run.status !== 0 && run.status !== 3) throw new Error(`qpdf failed: ${run.stderr.toString()}`);
    });
  }
  await rm(dir, { recursive: true, force: true });
}

await main();
