/**
 * Lays the book out with Chromium, one HTML document per part, and returns each part's PDF
 * (loaded with pdf-lib) with its page count and named destinations. Parts are rendered in book
 * order so that every part knows the folio it starts on; the contents is laid out again at the
 * end with the real page numbers.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef } from 'pdf-lib';
import type { Book, Section } from '../model/book.ts';
import { BookError } from '../errors.ts';
import type { Templates } from '../render/templates.ts';
import { createPrintRenderer, planPrintParts, type ContentsEntry, type PrintPart } from '../render/print-parts.ts';
import type { PageGeometry } from '../render/page-geometry.ts';
import { resolveAsset } from '../assets.ts';
import { formatFolio, placeParts, type PartPlacement } from './folios.ts';
import { PartPrinter } from './printer.ts';
import { PartCache, fileStamps } from './part-cache.ts';
import { browserTimeoutMs } from './browser.ts';
import { BUILDER_ROOT } from '../paths.ts';
import type { FitFinding } from './fit.ts';

export interface Destination {
  /** 0-based page within the part. */
  page: number;
  x: number;
  y: number;
}

export interface LaidOutPart {
  part: PrintPart;
  doc: PDFDocument;
  pageCount: number;
  destinations: Map<string, Destination>;
  /** The part's PDF as Chromium printed it (the preview shows these pages as they are). */
  bytes: Uint8Array;
}

export interface Layout {
  parts: LaidOutPart[];
  placements: PartPlacement[];
  totalPages: number;
  geometry: PageGeometry;
  /** Requests the page tried to make and was refused (network, files outside the book). */
  refused: string[];
  /** Where each printed page of the sections begins, for the EPUB's page list. */
  pageBreaks: PageBreak[];
  /** Parts taken from the cache of earlier builds instead of being printed. */
  reused: number;
  /** What had to be changed to fit each part to the page (fit.ts), for the build's messages. */
  fit: { part: PrintPart; findings: FitFinding[] }[];
}

/** A printed page that begins at text block `block` of a section (0: at the section's start). */
export interface PageBreak {
  sectionId: string;
  block: number;
  label: string;
}

export interface LayoutOptions {
  book: Book;
  templates: Templates;
  browser: Browser;
  /** Scratch folder for the part documents. */
  workDir: string;
  timeoutMs?: number;
  /** Told after each part is printed or taken from the cache: parts done, parts in all (a pass may repeat). */
  onProgress?: (done: number, total: number) => void;
}

export async function layOutBook(options: LayoutOptions): Promise<Layout> {
  const { book, templates, browser, workDir } = options;
  const parts = planPrintParts(book);
  await prepareWorkDir(book, workDir);
  // The page may load the work folder (part documents, linked images), the book folder, and the
  // builder's own templates, assets and fonts; nothing else, and never the network.
  // Two tabs: one loads the next part while the other prints (about 1.5 times faster on two cores).
  const roots = [workDir, book.bookDir, BUILDER_ROOT];
  const timeout = options.timeoutMs ?? browserTimeoutMs();
  const printers = [new PartPrinter(browser, roots, timeout), new PartPrinter(browser, roots, timeout)];
  const stylesheet = resolveAsset(book.bookDir, 'css/print.css');
  const cache = await PartCache.open(book.bookDir, [
    'parts-v2', // v2: parts are printed tagged (structure.ts merges their trees)
    await browser.version(),
    ...(await fileStamps([stylesheet, ...book.images.map((i) => i.absPath)])),
  ]);
  try {
    let estimate = 0;
    for (let pass = 0; pass < 3; pass++) {
      const layout = await layOutOnce(options, parts, printers, cache, estimate);
      const again = createPrintRenderer(book, templates, layout.totalPages).geometry;
      // The gutter depends on the final page count: lay out again only when a step is crossed.
      if (again.inside === layout.geometry.inside) return layout;
      estimate = layout.totalPages;
    }
    throw new BookError('the page count keeps changing the gutter; lay-out did not settle');
  } finally {
    await Promise.all(printers.map((p) => p.close()));
  }
}

async function layOutOnce(
  options: LayoutOptions,
  parts: PrintPart[],
  printers: PartPrinter[],
  cache: PartCache,
  pageEstimate: number,
): Promise<Layout> {
  const { book, templates, workDir } = options;
  const renderer = createPrintRenderer(book, templates, pageEstimate);
  const partOfId = new Map<string, PrintPart>();
  for (const part of parts) for (const id of part.ids) partOfId.set(id, part);
  const stylesheet = pathToFileURL(resolveAsset(book.bookDir, 'css/print.css')).href;

  /** Parts whose final print came from the cache. */
  const reused = new Set<number>();
  const what = (part: PrintPart): string => part.section?.sourcePath ?? `the ${part.role} page`;
  /** Per part: the key of its document, and whether it was loaded in a tab (cached parts are not). */
  const documents: ({ key: string; loaded: boolean; file: string; findings: FitFinding[] } | undefined)[] = parts.map(() => undefined);

  /** Printed parts: the page count at once, the parsed PDF later (parsing overlaps the next print). */
  const printed: ({ pageCount: number; parsed: Promise<LaidOutPart> } | undefined)[] = parts.map(() => undefined);
  const counts = (): (number | undefined)[] => printed.map((l) => l?.pageCount);
  const settled = async (): Promise<LaidOutPart[]> => Promise.all(printed.map((p) => p!.parsed));

  /**
   * Page references ("Figure 3.2 (page 41)"): laid out first with a placeholder as wide as the
   * widest folio (digits are tabular there), then, once every part is placed, with the real folios.
   */
  let refPages: Map<string, { page: number; folio: string }> | undefined;
  const placeholderDigits = String(Math.max(pageEstimate, estimatedPages(book))).length;
  const pageRef = (target: string, ref: string): string => {
    if (!refPages) return pageRefText(book, '0'.repeat(placeholderDigits));
    const to = refPages.get(target);
    const from = refPages.get(ref);
    if (!to) return '';
    // Pages 2k-1 and 2k (1-based) face each other: a reference there needs no page.
    if (from && Math.floor((from.page + 1) / 2) === Math.floor((to.page + 1) / 2)) return '';
    return pageRefText(book, to.folio);
  };
  /** The HTML each part was last loaded with, and whether it holds page references. */
  const lastHtml: (string | undefined)[] = parts.map(() => undefined);

  /** Writes part `index`'s document (its folios left for print time) and loads it in `printer`. */
  const load = async (index: number, printer: PartPrinter): Promise<void> => {
    const part = parts[index]!;
    const html = renderer.render({
      part,
      contents: part.role === 'contents' ? contentsEntries(book, parts, counts(), contentsDestinations) : [],
      stylesheet,
      href: (id) => {
        const home = partOfId.get(id);
        return !home || home === part ? `#${id}` : `${home.key}.html#${id}`;
      },
      pageRef,
      folioOf: (target) => (refPages ? (refPages.get(target)?.folio ?? '') : '0'.repeat(placeholderDigits)),
      locate: (target) => refPages?.get(target),
    });
    lastHtml[index] = html;
    const file = path.join(workDir, `${part.key}.html`);
    await writeFile(file, html);
    const key = cache.htmlKey(html);
    // A part printed before is not loaded now: if its folios have not moved, it needs no tab at all.
    const cachedFindings = cache.knows(key) ? await cache.getFindings(key) : undefined;
    const known = cachedFindings !== undefined;
    documents[index] = { key, loaded: !known, file, findings: cachedFindings ?? [] };
    if (!known) {
      documents[index]!.findings = await printer.load(file, what(part), renderer.geometry);
      await cache.putFindings(key, documents[index]!.findings);
    }
  };

  /** The folio rule of part `index`: its first folio, and folios enough for its pages. */
  const folioRule = (index: number, atLeast: number): { css: string; count: number } => {
    const part = parts[index]!;
    const { firstFolio } = placeParts(parts, counts()).placements[index]!;
    const count = Math.max(40, (printed[index]?.pageCount ?? 0) + 10, Math.ceil(textLength(book, part) / 700), atLeast);
    const folios = Array.from({ length: count }, (_, k) => formatFolio(part.folioStyle, firstFolio + k));
    return { css: templates.render('print/folio-style', { folios }), count };
  };

  /** Prints the loaded part `index` with its folios, now that the parts before it are counted. */
  const print = async (index: number, printer: PartPrinter): Promise<void> => {
    const part = parts[index]!;
    const document = documents[index]!;
    let atLeast = 0;
    for (;;) {
      const { css, count: folioCount } = folioRule(index, atLeast);
      let bytes = await cache.get(document.key, css);
      if (bytes) reused.add(index);
      else {
        reused.delete(index);
        if (!document.loaded) {
          document.findings = await printer.load(document.file, what(part), renderer.geometry); // known, but its folios moved
          document.loaded = true;
        }
        bytes = await printer.print(css);
        await cache.put(document.key, css, bytes);
      }
      const pageCount = countPages(bytes);
      if (pageCount <= folioCount) {
        const parsed = parsePart(part, bytes, pageCount);
        parsed.catch(() => undefined); // awaited, and reported, in settled()
        printed[index] = { pageCount, parsed };
        return;
      }
      atLeast = pageCount + 10; // more pages than folios prepared: prepare enough, print again
    }
  };
  /** Where the headings fall, for a contents deeper than chapters (known once the parts are parsed). */
  let contentsDestinations: (Map<string, Destination> | undefined)[] = [];

  // Part i prints in one tab while part i + 1 loads in the other.
  // A load that fails while the other tab prints is reported when its turn comes, not before.
  const start = (index: number): Promise<void> => {
    const promise = load(index, printers[index % 2]!);
    promise.catch(() => undefined);
    return promise;
  };
  let loading = start(0);
  for (let i = 0; i < parts.length; i++) {
    await loading;
    if (i + 1 < parts.length) loading = start(i + 1);
    await print(i, printers[i % 2]!);
    options.onProgress?.(i + 1, parts.length);
  }
  // The contents now knows every page; if its own length changes, the front matter after it moves.
  const contentsIndex = parts.findIndex((p) => p.role === 'contents');
  const again = async (index: number): Promise<void> => {
    if (book.config.contents.depth >= 2) contentsDestinations = (await settled()).map((l) => l.destinations);
    await load(index, printers[0]!);
    await print(index, printers[0]!);
  };
  // Parts with page references are laid out again with the real folios; when that moves pages,
  // once more (bounded: a target's folio does not depend on the text of references to it).
  const withRefs = parts.map((_, i) => i).filter((i) => /class="[^"]*\bpage-ref\b/.test(lastHtml[i]!));
  for (let round = 0; round < 3 && withRefs.length > 0; round++) {
    refPages = pagesOfIds(await settled(), placeParts(parts, counts()).placements);
    let changed = 0;
    for (const i of withRefs) {
      const before = lastHtml[i];
      const countBefore = printed[i]!.pageCount;
      await load(i, printers[0]!);
      if (lastHtml[i] === before) continue;
      await print(i, printers[0]!);
      if (printed[i]!.pageCount !== countBefore) changed++;
    }
    if (changed === 0) break;
  }
  for (let round = 0; round < 3 && contentsIndex >= 0; round++) {
    const before = placeParts(parts, counts()).placements;
    await again(contentsIndex);
    const after = placeParts(parts, counts()).placements;
    const moved = parts.map((_, i) => i).filter((i) => i > contentsIndex && after[i]!.firstFolio !== before[i]!.firstFolio && parts[i]!.folioStyle === 'roman');
    if (moved.length === 0) break;
    for (const i of moved) await again(i);
  }

  const done = await settled();
  const { placements, totalPages } = placeParts(parts, counts());
  const refused = [...new Set(printers.flatMap((p) => [...p.refused]))];
  const fit = parts.map((part, i) => ({ part, findings: documents[i]?.findings ?? [] })).filter((f) => f.findings.length > 0);
  return { parts: done, placements, totalPages, geometry: renderer.geometry, refused, pageBreaks: pageBreaks(done, placements), reused: reused.size, fit };
}

/** Where every id with a named destination falls: its page in the book (0-based) and its folio. */
function pagesOfIds(parts: LaidOutPart[], placements: PartPlacement[]): Map<string, { page: number; folio: string }> {
  const pages = new Map<string, { page: number; folio: string }>();
  parts.forEach(({ part, destinations }, i) => {
    for (const [id, dest] of destinations) {
      pages.set(id, { page: placements[i]!.firstPage + dest.page, folio: formatFolio(part.folioStyle, placements[i]!.firstFolio + dest.page) });
    }
  });
  return pages;
}

/** "(page 41)", in the book's words (references.pageFormat). */
function pageRefText(book: Book, folio: string): string {
  return book.references.pageFormat.replace(/ /g, '\u00a0').replace('{page}', folio);
}

/** Pages the book will have, roughly (about 2,000 characters of HTML to a page). */
function estimatedPages(book: Book): number {
  return Math.ceil(book.sections.reduce((n, s) => n + s.print.bodyHtml.length, 0) / 2000) + 10;
}

/** Characters a part sets, to guess how many folios to prepare (about 700 to a page, generously). */
function textLength(book: Book, part: PrintPart): number {
  const notes = (sections: Section[]): number => sections.reduce((n, s) => n + s.notes.reduce((m, x) => m + x.html.length, 0), 0);
  if (part.role === 'notes') return notes(book.sections);
  return (part.section?.bodyHtml.length ?? 0) + (part.section ? notes([part.section]) : 0);
}

/** Chromium writes every page object uncompressed as "/Type /Page": counting them costs little. */
function countPages(bytes: Uint8Array): number {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1').match(/\/Type\s*\/Page(?![a-zA-Z])/g)?.length ?? 0;
}

async function parsePart(part: PrintPart, bytes: Uint8Array, pageCount: number): Promise<LaidOutPart> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  if (doc.getPageCount() !== pageCount) {
    throw new Error(`page count of ${part.key}: counted ${pageCount}, pdf-lib reads ${doc.getPageCount()}`);
  }
  return { part, doc, pageCount, destinations: readDestinations(doc), bytes };
}

/** The contents: front matter after the contents, chapters, back matter, with their first folios. */
function contentsEntries(
  book: Book,
  parts: PrintPart[],
  pageCounts: (number | undefined)[],
  destinations: (Map<string, Destination> | undefined)[],
): ContentsEntry[] {
  const { placements } = placeParts(parts, pageCounts);
  const contentsIndex = parts.findIndex((p) => p.role === 'contents');
  const entries: ContentsEntry[] = [];
  parts.forEach((part, i) => {
    if (i <= contentsIndex) return;
    const placement = placements[i]!;
    const folio = (pageInPart: number): string =>
      pageCounts[i] !== undefined ? formatFolio(part.folioStyle, placement.firstFolio + pageInPart) : '';
    const id = part.section?.id ?? part.ids[0]!;
    entries.push({
      id,
      title: part.title,
      number: part.section?.number,
      // An appendix is listed as "Appendix A: Title" (a chapter's number stands in its own column).
      prefix: part.section?.letter !== undefined ? part.section.numberLabel : undefined,
      division: part.section?.division ?? 'back',
      level: 1,
      folio: folio(0),
    });
    if (part.section && book.config.contents.depth >= 2) {
      for (const h of part.section.headings.filter((h) => h.level <= book.config.contents.depth)) {
        const dest = destinations[i]?.get(h.id);
        entries.push({ id: h.id, title: h.text, number: undefined, prefix: undefined, division: part.section.division, level: h.level, folio: dest ? folio(dest.page) : '' });
      }
    }
  });
  return entries;
}

/** Named destinations Chromium wrote (one per id the part links to itself). */
function readDestinations(doc: PDFDocument): Map<string, Destination> {
  const result = new Map<string, Destination>();
  const dests = doc.catalog.lookupMaybe(PDFName.of('Dests'), PDFDict);
  if (!dests) return result;
  const pageIndex = new Map(doc.getPages().map((p, i) => [p.ref.toString(), i]));
  for (const [name, value] of dests.entries()) {
    const array = doc.context.lookupMaybe(value, PDFArray);
    const ref = array?.get(0);
    if (!array || !(ref instanceof PDFRef)) continue;
    const page = pageIndex.get(ref.toString());
    if (page === undefined) continue;
    const num = (k: number): number => (array.lookupMaybe(k, PDFNumber)?.asNumber() ?? 0);
    result.set(decodeName(name.decodeText()), { page, x: num(2), y: num(3) });
  }
  return result;
}

/** PDF names escape bytes as #xx. */
const decodeName = (name: string): string => {
  const bytes = name.replace(/^\//, '');
  return decodeURIComponent(bytes.replace(/#([0-9a-fA-F]{2})/g, '%$1'));
};

async function prepareWorkDir(book: Book, workDir: string): Promise<void> {
  await mkdir(path.join(workDir, 'images'), { recursive: true });
  for (const image of book.images) {
    await symlink(image.absPath, path.join(workDir, image.href)).catch(async (e: NodeJS.ErrnoException) => {
      if (e.code !== 'EEXIST') throw e;
    });
  }
}

/** Each page of a section part, mapped to the first text block that starts on it. */
function pageBreaks(parts: LaidOutPart[], placements: PartPlacement[]): PageBreak[] {
  const breaks: PageBreak[] = [];
  parts.forEach(({ part, pageCount, destinations }, i) => {
    if (!part.section) return;
    const label = (page: number): string => formatFolio(part.folioStyle, placements[i]!.firstFolio + page);
    breaks.push({ sectionId: part.section.id, block: 0, label: label(0) });
    let page = 0;
    part.blockIds.forEach((id, k) => {
      const dest = destinations.get(id);
      if (!dest || dest.page <= page || dest.page >= pageCount) return;
      page = dest.page;
      breaks.push({ sectionId: part.section!.id, block: k + 1, label: label(page) });
    });
  });
  return breaks;
}
