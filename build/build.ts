/**
 * The driver: load → parse → model → render → outputs. Each stage is a function of the previous
 * stage's value; the CLI and the tests call buildBook() and nothing else.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from './config/load-config.ts';
import { loadSources } from './sources/load-sources.ts';
import { buildModel } from './model/build-model.ts';
import type { Book } from './model/book.ts';
import { inspectImages, type ImageInfo } from './model/inspect-images.ts';
import { imageResolutionWarnings } from './pdf/image-resolution.ts';
import { loadTemplates, type Templates } from './render/templates.ts';
import { ensureBrowser, launchBrowser, type Log } from './pdf/browser.ts';
import { layOutBook, openLayoutTabs, type Layout, type PageBreak } from './pdf/layout.ts';
import type { PartPrinter } from './pdf/printer.ts';
import { normalizeIsbn13 } from './config/schema.ts';
import { assemblePdfs, type AssembledPdfs } from './pdf/assemble.ts';
import { startCovers, type CoverRenderer, type Covers } from './cover/covers.ts';
import { buildEpubPackage, prepareEpubAssets } from './epub/package.ts';
import { writeEpubZip } from './epub/zip.ts';
import { EpubChecker, type EpubVerdict } from './epub/validate.ts';
import { OutputSet, sizeOf } from './output/atomic.ts';
import { prepareWebAssets, webOffers, writeWebSite } from './web/site.ts';
import { buildDate } from './reproducible.ts';
import { BookError, BookErrors, throwIfAny } from './errors.ts';
import { fitMessages } from './pdf/fit.ts';
import { renderDiagrams } from './diagrams/render-diagrams.ts';
import { attachDiagrams } from './model/diagrams.ts';
import type { Browser } from 'puppeteer-core';

export const FORMATS = ['pdf', 'epub', 'print', 'cover', 'web'] as const;
export type Format = (typeof FORMATS)[number];

export interface BuildOptions {
  bookDir: string;
  outDir: string;
  formats: readonly Format[];
  log?: Log;
  /** Every warning is an error: for a book that must come out exactly as written. */
  strict?: boolean;
  /** A browser that outlives the build (the preview keeps one between rebuilds): used, never closed. */
  browser?: Browser;
  /** Told as each stage starts and ends, and how far the layout has gone: progress on a terminal. */
  progress?: (event: BuildProgress) => void;
  /**
   * Called with the laid-out pages as soon as they exist, before covers, PDFs and EPUB are made:
   * the preview shows them at once and lets the rest of the build catch up.
   */
  onLayout?: (laidOut: { book: Book; layout: Layout; warnings: readonly string[] }) => Promise<void> | void;
  /** Stops the build before its next stage (a newer edit, in the preview): it then throws signal.reason. */
  signal?: AbortSignal;
  /**
   * The preview's layout (pdf/layout.ts): one part to a print document, so that an edit lays
   * out only its own part again, and the tabs kept warm in the lent browser. The pages look the
   * same as a build's; the files' bytes differ. The covers and the EPUB's fonts and images are
   * begun once the pages are out, not beside them.
   */
  incremental?: boolean;
}

export type BuildProgress =
  | { stage: string; state: 'start' }
  | { stage: string; state: 'done'; ms: number }
  | { stage: 'layout'; state: 'step'; done: number; total: number };

export interface BuildResult {
  book: Book;
  files: { format: Format; path: string; bytes: number }[];
  printPageCount: number | undefined;
  /** The print cover's numbers, to check against the print service's calculator. */
  cover: { spineWidthIn: number; spineText: boolean; widthIn: number; heightIn: number; paper: string; service: string } | undefined;
  warnings: string[];
  /** Milliseconds per stage. */
  timings: Record<string, number>;
  /** Documents of the print layout printed now, and taken from the cache of earlier builds. */
  layoutParts: { printed: number; reused: number } | undefined;
  /**
   * Mermaid diagrams drawn now, and taken from the cache; undefined for a book without any (it
   * never loads Mermaid). With `drawn` 0, no tab was opened for them either.
   */
  diagrams: { drawn: number; reused: number } | undefined;
}

const OUTPUT_NAMES: Record<Format, (slug: string) => string> = {
  pdf: (slug) => `${slug}.pdf`,
  epub: (slug) => `${slug}.epub`,
  print: (slug) => `${slug}-print.pdf`,
  cover: (slug) => `${slug}-cover.pdf`,
  /** A folder: the static site. */
  web: (slug) => `${slug}-web`,
};
export const outputName = (slug: string, format: Format): string => OUTPUT_NAMES[format](slug);

export async function buildBook(options: BuildOptions): Promise<BuildResult> {
  const log = options.log ?? (() => undefined);
  const bookDir = path.resolve(options.bookDir);
  const timings: Record<string, number> = {};
  const timed = async <T>(stage: string, run: () => Promise<T> | T): Promise<T> => {
    options.signal?.throwIfAborted();
    options.progress?.({ stage, state: 'start' });
    const start = performance.now();
    try {
      const value = await run();
      options.progress?.({ stage, state: 'done', ms: Math.round(performance.now() - start) });
      return value;
    } finally {
      timings[stage] = Math.round(performance.now() - start);
    }
  };

  // Chromium starts while the book is read and modelled: its start-up is its own processes' work.
  const launching = options.browser ? undefined : Promise.resolve().then(() => launchBrowser(ensureBrowser(log)));
  launching?.catch(() => undefined); // awaited, and reported, below
  const closeUnused = (): void => void launching?.then((b) => b.close()).catch(() => undefined);
  const outputs = new OutputSet(path.resolve(options.outDir));
  const wants = (f: Format): boolean => options.formats.includes(f);
  const date = buildDate(bookDir);
  let config, sources, modelled, images, templates, made: Format[];
  /** Scratch folder for the browser's documents (layout, covers), removed at the end. */
  let workDir: string | undefined;
  let earlyCovers: Promise<CoverRenderer> | undefined;
  let checker: EpubChecker | undefined;
  let layoutTabs: Promise<PartPrinter[]> | undefined;
  const closeTabs = (): Promise<unknown> | undefined => layoutTabs?.then((tabs) => Promise.all(tabs.map((t) => t.close()))).catch(() => undefined);
  try {
    config = await timed('load', () => loadConfig(path.join(bookDir, 'book.yaml')));
    // A web build makes what its landing page offers (the screen PDF, the EPUB…), into its folder.
    made = [...new Set([...options.formats, ...(wants('web') ? webOffers(config) : [])])];
    // The EPUB's checker warms up on the other core while the book is read and laid out.
    if (made.includes('epub')) checker = new EpubChecker();
    templates = await timed('templates', () => loadTemplates(bookDir));
    workDir = await mkdtemp(path.join(os.tmpdir(), 'ebook-layout-'));
    // The front covers need only book.yaml and the templates: begun in the browser as soon as it
    // is up, while Node reads and models the chapters (the other core has little to do then).
    // The preview makes them after its pages instead.
    const browserUp = options.browser ? Promise.resolve(options.browser) : launching!;
    if (!options.incremental && needsCovers(made)) {
      const settings = { book: { config, bookDir }, templates, workDir, date };
      earlyCovers = browserUp.then((browser) => startCovers({ ...settings, browser }));
      earlyCovers.catch(() => undefined); // awaited, and reported, with the covers
    }
    // The layout's tabs too, after the covers': their renderers start while Node works.
    if (!options.incremental && needsLayout(made)) {
      const dir = workDir;
      layoutTabs = browserUp.then((browser) => openLayoutTabs(browser, bookDir, dir));
      layoutTabs.catch(() => undefined); // the layout opens its own then
    }
    sources = await timed('sources', () => loadSources(bookDir));
    modelled = await timed('model', () => buildModel(config!, bookDir, sources!));
    images = await timed('images', () => inspectImages(modelled!.images));
    await outputs.prepare();
  } catch (e) {
    await earlyCovers?.then((c) => c.close()).catch(() => undefined);
    await closeTabs();
    await checker?.close();
    closeUnused();
    if (workDir) await removeWorkDir(workDir);
    throw e;
  }
  const slug = config.slug;
  const makes = (f: Format): boolean => made.includes(f);
  const warnings = [...modelled.warnings];
  let printPageCount: number | undefined;

  let cover: BuildResult['cover'];
  // One browser for the whole build: the diagrams first (their drawings enter the model), then
  // the layout and the covers. Every output needs it (an EPUB-only build, for its cover).
  let browser: Browser | undefined;

  try {
    const launched = options.browser ?? (await timed('browser', () => launching!));
    if (!options.browser) browser = launched; // closed at the end; a browser lent to the build is not
    const { diagrams } = modelled;
    const drawn = diagrams.length > 0 ? await timed('diagrams', () => renderDiagrams(diagrams, { browser: launched, bookDir, language: config.language, print: config.print })) : undefined;
    warnings.push(...(drawn?.warnings ?? []));
    const book = drawn ? attachDiagrams(modelled, drawn.drawings) : modelled;
    // Fonts and images for the EPUB need only the model: made while the browser lays out pages
    // (begun by renderWithBrowser; in the preview, after them: the pages are what the author waits for).
    let epubAssets: ReturnType<typeof prepareEpubAssets> | undefined;
    const startEpubAssets = (): ReturnType<typeof prepareEpubAssets> | undefined => {
      if (!epubAssets && makes('epub')) {
        epubAssets = prepareEpubAssets(book);
        epubAssets.catch(() => undefined); // awaited, and reported, with the EPUB
      }
      return epubAssets;
    };
    const webAssets = wants('web') ? prepareWebAssets(book) : undefined;
    webAssets?.catch(() => undefined); // likewise, with the site

    const siteDir = wants('web') ? await outputs.reserveDir(outputName(slug, 'web')) : undefined;
    // Made only for the site: written straight into its folder.
    const epubFile = makes('epub') ? (wants('epub') ? outputs.reserve(outputName(slug, 'epub')) : path.join(siteDir!, outputName(slug, 'epub'))) : undefined;
    /** The EPUB: its page list needs the layout; made, and checked on a thread of its own, while the PDFs are merged. */
    const makeEpub = epubFile
      ? (pageBreaks: PageBreak[], coverJpeg: Promise<Buffer>): Promise<EpubVerdict> =>
          timed('epub', async () => {
            const isbn = book.config.cover.isbn ? normalizeIsbn13(book.config.cover.isbn) : undefined;
            const pkg = await buildEpubPackage(book, templates, date, {
              coverJpeg: await coverJpeg,
              assets: startEpubAssets(),
              pageBreaks,
              printSource: isbn ? `urn:isbn:${isbn}` : undefined,
            });
            await writeEpubZip(pkg, epubFile, date);
            return timed('epubcheck', () => checker!.check(epubFile, book));
          })
      : undefined;

    const rendered = await renderWithBrowser(launched, book, images, templates, date, made, workDir, timed, {
      onProgress: options.progress && ((done, total) => options.progress?.({ stage: 'layout', state: 'step', done, total })),
      onLayout: options.onLayout && ((layout, layoutWarnings) => options.onLayout!({ book, layout, warnings: [...warnings, ...layoutWarnings] })),
      incremental: options.incremental,
      startSideWork: () => void startEpubAssets(),
      covers: earlyCovers,
      tabs: await layoutTabs?.catch(() => undefined),
      makeEpub,
    });
    warnings.push(...rendered.warnings);
    if (rendered.epub) {
      throwIfAny(rendered.epub.errors);
      warnings.push(...rendered.epub.warnings);
    }
    printPageCount = rendered.pdfs?.printPageCount;
    const { covers } = rendered;
    if (covers) {
      cover = {
        spineWidthIn: covers.spine.widthIn,
        spineText: covers.spine.text,
        widthIn: covers.size.widthIn,
        heightIn: covers.size.heightIn,
        paper: covers.spine.paper,
        service: covers.spine.service,
      };
    }
    if (wants('pdf')) await outputs.write(outputName(slug, 'pdf'), rendered.pdfs!.screen);
    if (wants('print')) await outputs.write(outputName(slug, 'print'), rendered.pdfs!.print);
    if (wants('cover')) await outputs.write(outputName(slug, 'cover'), covers!.printPdf);
    const pdfs = rendered.pdfs;
    if (siteDir && covers && pdfs && epubFile) {
      const epub = await readFile(epubFile);
      await timed('web', async () => {
        const data = { pdf: pdfs.screen, epub, print: pdfs.print, cover: covers.printPdf };
        const downloads = webOffers(book.config).map((format) => ({ format, file: outputName(slug, format), data: data[format] }));
        await writeWebSite({ book, templates, date, dir: siteDir, coverJpeg: covers.epubJpeg, printPageCount: pdfs.printPageCount, downloads, assets: webAssets });
      });
    }
    if (options.strict && warnings.length > 0) {
      throw new BookErrors(warnings.map((w) => new BookError(`${w} (an error with --strict)`)));
    }
    const written = await outputs.commit().catch((e: Error) => {
      throw new BookError(`cannot put the outputs in place: ${e.message}`);
    });
    const files = await Promise.all(
      written.map(async (file) => ({
        format: FORMATS.find((f) => outputName(slug, f) === path.basename(file))!,
        path: file,
        bytes: await sizeOf(file),
      })),
    );
    const diagramCounts = drawn ? { drawn: drawn.drawn, reused: drawn.reused } : undefined;
    return { book, files, printPageCount, cover, warnings, timings, layoutParts: rendered.layoutParts, diagrams: diagramCounts };
  } catch (e) {
    await outputs.discard();
    throw e;
  } finally {
    await earlyCovers?.then((c) => c.close()).catch(() => undefined);
    await closeTabs();
    await checker?.close();
    await browser?.close().catch(() => undefined);
    await removeWorkDir(workDir);
  }
}

/** Every output but the print PDF shows a cover: the screen PDF's first page, the EPUB's, the print cover. */
const needsCovers = (formats: readonly Format[]): boolean => formats.some((f) => f === 'pdf' || f === 'epub' || f === 'cover');
/** The PDFs are laid out, and so is the print cover (its spine needs the real page count). */
const needsLayout = (formats: readonly Format[]): boolean => formats.some((f) => f === 'pdf' || f === 'print' || f === 'cover');

async function removeWorkDir(workDir: string): Promise<void> {
  if (!process.env.EBOOK_KEEP_WORK) await rm(workDir, { recursive: true, force: true });
}

interface Rendered {
  pdfs: AssembledPdfs | undefined;
  layoutParts: BuildResult['layoutParts'];
  /** Where the print edition's pages begin; empty when there was no print layout. */
  pageBreaks: PageBreak[];
  covers: Covers | undefined;
  warnings: string[];
  /** The EPUB check's verdict, when an EPUB was made. */
  epub: EpubVerdict | undefined;
}

/**
 * Everything that lays out pages, in the build's browser: the print layout (when a PDF or the
 * cover is wanted: the spine needs the real page count), then the covers, then the two PDFs.
 */
async function renderWithBrowser(
  browser: Browser,
  book: Book,
  images: ImageInfo[],
  templates: Templates,
  date: Date,
  formats: readonly Format[],
  workDir: string,
  timed: <T>(stage: string, run: () => Promise<T> | T) => Promise<T>,
  hooks: {
    onProgress?: (done: number, total: number) => void;
    onLayout?: (layout: Layout, warnings: readonly string[]) => Promise<void> | void;
    incremental?: boolean;
    /** Begins what Node can make beside the layout (the EPUB's fonts and images). */
    startSideWork?: () => void;
    /** The covers, already begun (the preview's are begun here, after its pages). */
    covers?: Promise<CoverRenderer>;
    /** The layout's tabs, opened ahead (openLayoutTabs). */
    tabs?: PartPrinter[];
    /** Makes the EPUB once the layout is known (its page list), while the PDFs are merged. */
    makeEpub?: (pageBreaks: PageBreak[], coverJpeg: Promise<Buffer>) => Promise<EpubVerdict>;
  } = {},
): Promise<Rendered> {
  // The front covers need no page count: begun by the caller, or here, in the preview, in a tab
  // opened now whose work waits for the pages (it would share the two cores with them); the
  // wraparound follows once its spine is known, while Node merges the pages.
  let pagesOut = (): void => undefined;
  const afterPages = hooks.incremental ? new Promise<void>((resolve) => (pagesOut = resolve)) : undefined;
  const coverRenderer = hooks.covers ? await hooks.covers : needsCovers(formats) ? startCovers({ book, templates, browser, workDir, date, after: afterPages }) : undefined;
  const begin = (): void => {
    hooks.startSideWork?.();
    pagesOut();
  };
  // Parts of the front covers, for the EPUB and the screen PDF: each handled here, for a build
  // stopped before either takes its part (the covers' own error is reported by finish()).
  const coverPart = <T>(pick: (front: Awaited<CoverRenderer['front']>) => T): Promise<T> | undefined => {
    const part = coverRenderer?.front.then(pick);
    part?.catch(() => undefined);
    return part;
  };
  const coverJpeg = coverPart((c) => c.epubJpeg);
  const frontPdf = coverPart((c) => c.frontPdf);
  const makeEpub = coverJpeg && hooks.makeEpub && ((pageBreaks: PageBreak[]): Promise<EpubVerdict> => hooks.makeEpub!(pageBreaks, coverJpeg));
  /** The EPUB begun on the page breaks of the first layout, while the contents are laid out again. */
  let earlyEpub: { pageBreaks: string; verdict: Promise<EpubVerdict> } | undefined;
  const onPlaced =
    makeEpub && !hooks.incremental
      ? (pageBreaks: PageBreak[]): void => {
          if (earlyEpub) return; // a second pass of the layout (a new gutter): the EPUB waits for its end
          earlyEpub = { pageBreaks: JSON.stringify(pageBreaks), verdict: makeEpub(pageBreaks) };
          earlyEpub.verdict.catch(() => undefined); // awaited, and reported, below
        }
      : undefined;
  try {
    const onBusy = hooks.incremental ? undefined : begin;
    const layout = needsLayout(formats)
      ? await timed('layout', () => layOutBook({ book, templates, browser, workDir, onProgress: hooks.onProgress, onBusy, onPlaced, incremental: hooks.incremental, tabs: hooks.tabs }))
      : undefined;
    const warnings = (layout?.refused ?? []).map((r) => `the page tried to load ${r}; refused (only files inside the book may load)`);
    if (layout) {
      const fit = fitMessages(layout.fit.map(({ part, findings }) => ({ file: part.section?.sourcePath ?? `the ${part.role} page`, findings })));
      throwIfAny(fit.errors);
      warnings.push(...fit.warnings);
    }
    if (layout) warnings.push(...imageResolutionWarnings(images, layout.geometry));
    if (layout) await hooks.onLayout?.(layout, warnings);
    begin();
    // The interior's page count rounded up to even, as assembly does; an EPUB-only build has no
    // interior, and its cover does not depend on the count.
    const printPageCount = layout ? layout.totalPages + (layout.totalPages % 2) : MIN_PRINT_PAGES;
    const rendering = coverRenderer?.finish(printPageCount);
    rendering?.catch(() => undefined); // awaited, and reported, below
    const pageBreaks = layout?.pageBreaks ?? [];
    // The early EPUB holds, unless the second layout moved a page (then it is made again, after it).
    const epub =
      earlyEpub?.pageBreaks === JSON.stringify(pageBreaks)
        ? earlyEpub.verdict
        : makeEpub && (earlyEpub?.verdict.catch(() => undefined) ?? Promise.resolve()).then(() => makeEpub(pageBreaks));
    epub?.catch(() => undefined); // likewise
    let pdfs: AssembledPdfs | undefined;
    if (layout && formats.some((f) => f === 'pdf' || f === 'print')) {
      pdfs = await timed('assemble', () => assemblePdfs(book, layout, frontPdf, date));
      warnings.push(...pdfs.warnings);
    }
    // What the build still waits for the covers once the pages are merged (they began with the layout).
    const covers = rendering && (await timed('cover', () => rendering));
    warnings.push(...(covers?.warnings ?? []));
    const layoutParts = layout ? { printed: layout.printed, reused: layout.reused } : undefined;
    await layout?.pruned; // long done: the cache is tidied while the PDFs are merged
    return { pdfs, covers, warnings, pageBreaks: layout?.pageBreaks ?? [], layoutParts, epub: await epub };
  } finally {
    pagesOut(); // a failed layout: the covers' work, let go, finds its tab closed
    await coverRenderer?.close();
  }
}

/** KDP's and Lulu's smallest paperback. */
const MIN_PRINT_PAGES = 24;
