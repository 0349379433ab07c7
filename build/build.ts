/**
 * The driver: load → parse → model → render → outputs. Each stage is a function of the previous
 * stage's value; the CLI and the tests call buildBook() and nothing else.
 */
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config/load-config.ts';
import { loadSources } from './sources/load-sources.ts';
import { buildModel } from './model/build-model.ts';
import type { Book } from './model/book.ts';
import { inspectImages } from './model/inspect-images.ts';
import { loadTemplates, type Templates } from './render/templates.ts';
import { ensureBrowser, launchBrowser, type Log } from './pdf/browser.ts';
import { layOutBook } from './pdf/layout.ts';
import { assemblePdfs } from './pdf/assemble.ts';
import { buildEpubPackage } from './epub/package.ts';
import { writeEpubZip } from './epub/zip.ts';
import { OutputSet } from './output/atomic.ts';
import { buildDate } from './reproducible.ts';
import { BookError } from './errors.ts';

export const FORMATS = ['pdf', 'epub', 'print'] as const;
export type Format = (typeof FORMATS)[number];

export interface BuildOptions {
  bookDir: string;
  outDir: string;
  formats: readonly Format[];
  log?: Log;
}

export interface BuildResult {
  book: Book;
  files: { format: Format; path: string; bytes: number }[];
  printPageCount: number | undefined;
  warnings: string[];
  /** Milliseconds per stage. */
  timings: Record<string, number>;
}

export const outputName = (slug: string, format: Format): string =>
  format === 'pdf' ? `${slug}.pdf` : format === 'epub' ? `${slug}.epub` : `${slug}-print.pdf`;

export async function buildBook(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const bookDir = path.resolve(options.bookDir);
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, run: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    try {
      return await run();
    } finally {
      timings[stage] = Math.round(performance.now() - start);
    }
  };

  const config = await timed('load', () => loadConfig(path.join(bookDir, 'book.yaml')));
  const sources = await timed('sources', () => loadSources(bookDir));
  const book = await timed('model', () => buildModel(config, bookDir, sources));
  await timed('images', () => inspectImages(book.images));
  const templates = await timed('templates', () => loadTemplates(bookDir));
  const date = buildDate(bookDir);
  const outputs = new OutputSet(path.resolve(options.outDir));
  await outputs.prepare();
  const slug = config.slug;
  const wants = (f: Format): boolean => options.formats.includes(f);
  const warnings = [...book.warnings];
  let printPageCount: number | undefined;

  try {
    const epub = wants('epub')
      ? timed('epub', async () => {
          const pkg = await buildEpubPackage(book, templates, date);
          await writeEpubZip(pkg, outputs.reserve(outputName(slug, 'epub')), date);
        })
      : Promise.resolve();
    const pdfs =
      wants('pdf') || wants('print')
        ? renderPdfs(book, templates, date, log, timed).then(async (result) => {
            printPageCount = result.printPageCount;
            warnings.push(...result.warnings);
            if (wants('pdf')) await outputs.write(outputName(slug, 'pdf'), result.screen);
            if (wants('print')) await outputs.write(outputName(slug, 'print'), result.print);
          })
        : Promise.resolve();
    const settled = await Promise.allSettled([epub, pdfs]);
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    const written = await outputs.commit().catch((e: Error) => {
      throw new BookError(`cannot put the outputs in place: ${e.message}`);
    });
    const files = await Promise.all(
      written.map(async (file) => ({
        format: FORMATS.find((f) => outputName(slug, f) === path.basename(file))!,
        path: file,
        bytes: (await stat(file)).size,
      })),
    );
    return { book, files, printPageCount, warnings, timings };
  } catch (e) {
    await outputs.discard();
    throw e;
  }
}

async function renderPdfs(
  book: Book,
  templates: Templates,
  date: Date,
  log: Log,
  timed: <T>(stage: string, run: () => Promise<T> | T) => Promise<T>,
): Promise<Awaited<ReturnType<typeof assemblePdfs>>> {
  const executable = ensureBrowser(log);
  const browser = await timed('browser', () => launchBrowser(executable));
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'ebook-layout-'));
  try {
    const layout = await timed('layout', () => layOutBook({ book, templates, browser, workDir }));
    const pdfs = await timed('assemble', () => assemblePdfs(book, layout, date));
    pdfs.warnings.push(...layout.refused.map((r) => `the page tried to load ${r}; refused (only files inside the book may load)`));
    return pdfs;
  } finally {
    await browser.close().catch(() => undefined);
    if (!process.env.EBOOK_KEEP_WORK) await rm(workDir, { recursive: true, force: true });
  }
}
