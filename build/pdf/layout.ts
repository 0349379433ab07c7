/**
 * Lays the book out with Chromium and returns the printed documents (loaded with pdf-lib), where
 * each part falls in them, and the furniture (running heads and folios) of every page.
 *
 * Parts are laid out without furniture, every page as a recto (furniture.ts adds both once the
 * parts are placed), so no part waits for the ones before it: consecutive parts share a document
 * (fewer loads, one print each) and the documents print in two tabs at once. A part whose text
 * depends on where things fall (page references, the contents, lists of figures, the index) has
 * a document of its own, laid out again with the real numbers until they no longer change; the
 * numbers of the build before seed the first layout, so that a rebuild usually prints it once.
 */
import { mkdir, symlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser } from 'puppeteer-core';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFNumber, PDFRef } from 'pdf-lib';
import { listEntries, type Book, type Section } from '../model/book.ts';
import { BookError } from '../errors.ts';
import type { Templates } from '../render/templates.ts';
import { createPrintRenderer, partAnchor, planPrintParts, type ContentsEntry, type PrintPart, type RenderedPart } from '../render/print-parts.ts';
import { pageGeometry, type PageGeometry } from '../render/page-geometry.ts';
import { resolveAsset } from '../assets.ts';
import { formatFolio, placeParts, type PartPlacement } from './folios.ts';
import { PartPrinter } from './printer.ts';
import { PartCache, fileStamps, type PageSeed } from './part-cache.ts';
import { browserTimeoutMs } from './browser.ts';
import { BUILDER_ROOT } from '../paths.ts';
import { LANDSCAPE_MARK, type FitFinding } from './fit.ts';
import { furnitureHtml } from './furniture.ts';

export interface Destination {
  /** 0-based page within the part (or the document, in LaidOutDocument). */
  page: number;
  x: number;
  y: number;
}

/** One HTML document as Chromium printed it: one part or several in a row. */
export interface LaidOutDocument {
  /** Changes with its HTML (and what else decides its print). */
  key: string;
  /** Indices of its parts in Layout.parts. */
  parts: number[];
  doc: PDFDocument;
  pageCount: number;
}

export interface LaidOutPart {
  part: PrintPart;
  /** Its document (Layout.documents) and the page it begins on there. */
  document: number;
  firstPage: number;
  pageCount: number;
  /** Named destinations of its ids, pages counted from its first. */
  destinations: Map<string, Destination>;
  /** Its pages laid out landscape (no furniture). */
  landscape: Set<number>;
}

export interface Layout {
  documents: LaidOutDocument[];
  parts: LaidOutPart[];
  placements: PartPlacement[];
  totalPages: number;
  geometry: PageGeometry;
  /**
   * The running heads and folios: page k is laid over the book's interior page k. Printed in a
   * tab of its own while the caller goes on (assembly merges the documents meanwhile).
   */
  furniture: Promise<PDFDocument>;
  /** Changes with the furniture's HTML. */
  furnitureKey: string;
  /** Settles once the layout cache has let go of what this build did not use (part-cache.ts). */
  pruned: Promise<void>;
  /** Requests the page tried to make and was refused (network, files outside the book). */
  refused: string[];
  /** Where each printed page of the sections begins, for the EPUB's page list. */
  pageBreaks: PageBreak[];
  /** Documents printed now, and taken from the cache of earlier builds instead. */
  printed: number;
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
  /** Scratch folder for the documents. */
  workDir: string;
  timeoutMs?: number;
  /**
   * The preview's layout: one part to a document (an edit then prints only its own part), the
   * printed documents kept parsed and the tabs kept open (warm) for the next layout in this browser.
   */
  incremental?: boolean;
  /** Told after each document is printed or taken from the cache: done, in all (a pass may repeat). */
  onProgress?: (done: number, total: number) => void;
  /**
   * Called once, when both tabs have a document to lay out (or when the layout is done, if that
   * comes first): the caller's other work starts then, without delaying the first documents.
   */
  onBusy?: () => void;
  /**
   * Told where the section pages fall as soon as every part has been laid out once, when parts
   * whose text depends on the layout (the contents, page references) are still to be laid out
   * again: the EPUB's page list can be made meanwhile. Usually the same as the final
   * Layout.pageBreaks; the caller compares them.
   */
  onPlaced?: (pageBreaks: PageBreak[]) => void;
  /** The two tabs, opened ahead by openLayoutTabs() (a build's, not the preview's); closed here. */
  tabs?: PartPrinter[];
}

/** Where the layout's pages may load from: the work folder (documents, linked images), the book, the builder's own files. */
const layoutRoots = (bookDir: string, workDir: string): string[] => [workDir, bookDir, BUILDER_ROOT];

/**
 * The build's two layout tabs, opened now (while Node reads and models the book) so that their
 * renderers have started when the first documents come; given to layOutBook() as `tabs`.
 */
export function openLayoutTabs(browser: Browser, bookDir: string, workDir: string): PartPrinter[] {
  const roots = layoutRoots(bookDir, workDir);
  const timeout = browserTimeoutMs();
  const tabs = [new PartPrinter(browser, roots, timeout), new PartPrinter(browser, roots, timeout)];
  for (const tab of tabs) tab.open();
  return tabs;
}

/** The builder's marks of text that depends on the layout: page references, contents and index folios. */
const PAGE_REF = /class="[^"]*\bpage-ref\b/;

/** Whether a part's text depends on where things fall (it is laid out again with the real pages). */
function layoutDependent(book: Book, part: PrintPart): boolean {
  if (part.role === 'contents') return true;
  if (part.role === 'notes') return book.sections.some((s) => s.print.notes.some((n) => PAGE_REF.test(n.html)));
  const section = part.section;
  if (!section) return false;
  if (section.kind === 'index' || listEntries(book, section.kind).length > 0) return true;
  return section.print.pageRefs.length > 0 || PAGE_REF.test(section.print.bodyHtml) || section.print.notes.some((n) => PAGE_REF.test(n.html));
}

/** Pages a document of parts that share one may reach, about: keeps memory flat and both tabs busy. */
const MAX_DOCUMENT_PAGES = 120;
/** A run shorter than this is one document. */
const MIN_DOCUMENT_PAGES = 24;

export async function layOutBook(options: LayoutOptions): Promise<Layout> {
  const { book, browser, workDir } = options;
  const parts = planPrintParts(book);
  await prepareWorkDir(book, workDir);
  // The page may load the work folder (documents, linked images), the book folder, and the
  // builder's own templates, assets and fonts; nothing else, and never the network.
  const roots = layoutRoots(book.bookDir, workDir);
  const timeout = options.timeoutMs ?? browserTimeoutMs();
  // Two tabs, each loading and printing documents of its own: both cores busy.
  const incremental = options.incremental ?? false;
  const printers = incremental
    ? keptPrinters(browser, roots, timeout)
    : (options.tabs?.slice() ?? [new PartPrinter(browser, roots, timeout), new PartPrinter(browser, roots, timeout)]);
  const stylesheet = resolveAsset(book.bookDir, 'css/print.css');
  const cache = await PartCache.open(book.bookDir, [
    'documents-v3', // v3: documents of several parts, without furniture
    await browserVersion(browser),
    ...(await fileStamps([stylesheet, ...book.images.map((i) => i.absPath)])),
  ]);
  let loading = 0;
  let toldBusy = false;
  const busy = (): void => {
    if (toldBusy) return;
    toldBusy = true;
    options.onBusy?.();
  };
  const loadingOne = (lastOne: boolean): void => {
    if (++loading === printers.length || lastOne) busy();
  };
  /**
   * The furniture as the first layout of every part places the pages, printed in the second tab
   * while the first lays out the contents (and any page references) again: kept when the final
   * placement gives the same furniture, as it usually does (those parts keep their page counts).
   */
  let early: { html: string; furniture: Promise<PDFDocument> } | undefined;
  /** The gutter depends on the final page count: a layout holds unless `totalPages` crosses a step. */
  const gutterHolds = (totalPages: number, geometry: PageGeometry): boolean => pageGeometry(book.config.print, totalPages).inside === geometry.inside;
  const onceLaidOut = (placed: Placed): void => {
    options.onPlaced?.(placed.pageBreaks);
    // Not in the preview, whose two tabs stay with it; not when the gutter will change.
    if (incremental || early || printers.length < 2) return;
    if (!gutterHolds(placed.totalPages, placed.geometry)) return;
    const html = placed.furnitureSource;
    early = { html, furniture: printFurniture(html, cache.htmlKey(html), placed.totalPages, workDir, printers.pop()!, cache, true) };
    early.furniture.catch(() => undefined); // awaited, and reported, below, or not needed
  };
  try {
    let estimate = 0;
    for (let pass = 0; pass < 3; pass++) {
      const { layout, seed, furnitureSource } = await layOutOnce(options, parts, printers, cache, estimate, loadingOne, onceLaidOut);
      // Laid out again only when the page count moved the gutter.
      if (gutterHolds(layout.totalPages, layout.geometry)) {
        await cache.putSeed(seed);
        // In the first tab, warm (its fonts loaded), which it then closes; the build goes on
        // meanwhile. The preview's tabs stay open for its next layout, which waits for it.
        const furniture =
          early?.html === furnitureSource
            ? early.furniture
            : printFurniture(furnitureSource, layout.furnitureKey, layout.totalPages, workDir, incremental ? printers[0]! : printers.shift()!, cache, !incremental);
        furniture.catch(() => undefined); // awaited, and reported, by whoever dresses the pages
        // Once the furniture is taken from the cache or put in it, the rest of the cache may go.
        const pruned = furniture.then(() => cache.prune(), () => undefined);
        if (incremental) await furniture;
        busy();
        return { ...layout, furniture, pruned };
      }
      estimate = layout.totalPages;
    }
    throw new BookError('the page count keeps changing the gutter; lay-out did not settle');
  } finally {
    if (!incremental) await Promise.all(printers.map((p) => p.close()));
  }
}

/** Asked once per browser: a round trip that waits behind whatever else the browser is doing. */
const versions = new WeakMap<Browser, Promise<string>>();
function browserVersion(browser: Browser): Promise<string> {
  let version = versions.get(browser);
  if (!version) versions.set(browser, (version = browser.version()));
  return version;
}

/** The preview's two tabs in `browser`, kept from one layout to the next. */
const kept = new WeakMap<Browser, PartPrinter[]>();
function keptPrinters(browser: Browser, roots: string[], timeout: number): PartPrinter[] {
  let printers = kept.get(browser);
  if (!printers) kept.set(browser, (printers = [new PartPrinter(browser, roots, timeout), new PartPrinter(browser, roots, timeout)]));
  for (const printer of printers) printer.allow(roots); // this build's scratch folder
  return printers;
}

/** Documents parsed by the last incremental layout, by their cache key: a rebuild parses only what it printed. */
let parsedBefore = new Map<string, Printed>();

interface Printed {
  doc: PDFDocument;
  pageCount: number;
  destinations: Map<string, Destination>;
  findings: FitFinding[];
}

/** Where the pages fall after the first layout of every part (LayoutOptions.onPlaced). */
interface Placed {
  pageBreaks: PageBreak[];
  furnitureSource: string;
  totalPages: number;
  geometry: PageGeometry;
}

async function layOutOnce(
  options: LayoutOptions,
  parts: PrintPart[],
  printers: PartPrinter[],
  cache: PartCache,
  pageEstimate: number,
  /** Told as each document starts loading in a tab, and whether any document still waits for one. */
  onLoading: (lastOne: boolean) => void,
  /** Told once every part is laid out, when some are to be laid out again with the real pages. */
  onceLaidOut: (placed: Placed) => void,
): Promise<{ layout: Omit<Layout, 'furniture' | 'pruned'>; seed: PageSeed; furnitureSource: string }> {
  const { book, templates, workDir } = options;
  // Every tab's refused requests, though one may leave early to print the furniture.
  const allPrinters = [...printers];
  const renderer = createPrintRenderer(book, templates, pageEstimate);
  const partOfId = new Map<string, PrintPart>();
  for (const part of parts) for (const id of part.ids) partOfId.set(id, part);
  const stylesheet = pathToFileURL(resolveAsset(book.bookDir, 'css/print.css')).href;

  /**
   * Page references ("Figure 3.2 (page 41)"): laid out first with the pages of the build before,
   * else a placeholder as wide as the widest folio (digits are tabular there), then with the
   * pages found, until they no longer change.
   */
  const seed = await cache.getSeed();
  let refPages: Map<string, { page: number; folio: string }> | undefined = seed && new Map(seed.pages);
  let pageCounts: (number | undefined)[] = seed && seed.counts.length === parts.length ? [...seed.counts] : parts.map(() => undefined);
  let headingPages: (Map<string, Destination> | undefined)[] = [];
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
  const render = (index: number): RenderedPart => {
    const part = parts[index]!;
    return renderer.render({
      part,
      contents: part.role === 'contents' ? contentsEntries(book, parts, pageCounts, headingPages) : [],
      // Chromium writes a link to another part as a file URI; assemble.ts points it at the page.
      href: (id) => {
        const home = partOfId.get(id);
        return !home || home === part ? `#${id}` : `${home.key}.html#${id}`;
      },
      pageRef,
      folioOf: (target) => (refPages ? (refPages.get(target)?.folio ?? '') : '0'.repeat(placeholderDigits)),
      locate: (target) => refPages?.get(target),
    });
  };
  // Parts are rendered as their documents come up, so that Node renders one while the tabs print others.
  const rendered: (RenderedPart | undefined)[] = parts.map(() => undefined);
  const dependentParts = parts.map((p) => layoutDependent(book, p));
  const dependent = (i: number): boolean => dependentParts[i]!;
  const incremental = options.incremental ?? false;
  const groups = groupParts(book, parts, dependent, incremental);
  const parsedNow = new Map<string, Printed>();

  // Every document printed (or taken from the cache) once, in two tabs; then the ones that
  // depend on the layout again, as long as their text changes.
  const printed: (Printed | undefined)[] = groups.map(() => undefined);
  const lastHtml: (string | undefined)[] = groups.map(() => undefined);
  const keys: string[] = groups.map(() => '');
  const printedDocs = new Set<number>();
  const findings: FitFinding[][] = groups.map(() => []);
  let printedCount = 0;
  let reusedCount = 0;
  let done = 0;
  let total = groups.length;
  const progress = (): void => options.onProgress?.(++done, total);
  const what = (g: number): string => groups[g]!.map((i) => parts[i]!.section?.sourcePath ?? `the ${parts[i]!.role} page`).join(', ');

  /** Each document's HTML, made again only when one of its parts was rendered again. */
  const made = new Map<number, { members: RenderedPart[]; html: string }>();
  const documentHtml = (g: number): string => {
    for (const i of groups[g]!) rendered[i] ??= render(i);
    const members = groups[g]!.map((i) => rendered[i]!);
    const before = made.get(g);
    if (before && before.members.every((m, k) => m === members[k])) return before.html;
    const html = renderer.document(members, stylesheet);
    made.set(g, { members, html });
    return html;
  };
  const layOut = async (g: number, printer: PartPrinter): Promise<void> => {
    const html = documentHtml(g);
    for (const i of groups[g]!) {
      if (!dependent(i) && PAGE_REF.test(rendered[i]!.html)) throw new Error(`${parts[i]!.key} holds page numbers but was not laid out again`);
    }
    if (html === lastHtml[g]) return progress();
    lastHtml[g] = html;
    const key = cache.htmlKey(html);
    keys[g] = key;
    // A document in the cache may still be parsed from the last incremental layout: neither its
    // bytes nor its findings are read again. (Only a cached one: without a cache, a key does not
    // say what the stylesheet was.)
    const remembered = incremental && cache.knows(key) ? parsedBefore.get(key) : undefined;
    if (remembered) {
      cache.keep(key);
      printed[g] = remembered;
      findings[g] = remembered.findings;
      reusedCount++;
      parsedNow.set(key, remembered);
      return progress();
    }
    let bytes = await cache.get(key, '');
    const cachedFindings = bytes ? await cache.getFindings(key) : undefined;
    if (bytes && cachedFindings) {
      findings[g] = cachedFindings;
      reusedCount++;
    } else {
      const file = path.join(workDir, `${parts[groups[g]![0]!]!.key}.html`);
      await writeFile(file, html);
      const loading = printer.load(file, what(g), renderer.geometry);
      const next = queue[0];
      onLoading(next === undefined);
      // While this tab lays the document out, Node renders the next one (an error is left for
      // layOut() to meet and report).
      if (next !== undefined) {
        setImmediate(() => {
          try {
            documentHtml(next);
          } catch {
            // reported when the document comes up
          }
        });
      }
      findings[g] = await loading;
      bytes = await printer.print('', { tagged: true });
      await cache.putFindings(key, findings[g]!);
      await cache.put(key, '', bytes);
      printedCount++;
      printedDocs.add(g);
    }
    printed[g] = await parseDocument(bytes, what(g), findings[g]!);
    if (incremental) parsedNow.set(key, printed[g]!);
    progress();
  };
  /** Documents waiting for a tab. */
  let queue: number[] = [];
  const length = groups.map((members) => members.reduce((n, i) => n + textLength(book, parts[i]!), 0));
  /**
   * Lays out documents `todo`, each tab taking the next one free: the first as it comes (the
   * front matter, quick to render, keeps a tab busy while Node renders the next), then the
   * longest first, so that both tabs finish about together.
   */
  const layOutAll = async (todo: number[]): Promise<void> => {
    queue = [todo[0]!, ...todo.slice(1).sort((a, b) => length[b]! - length[a]! || a - b)].filter((g) => g !== undefined);
    await Promise.all(
      printers.map(async (printer) => {
        for (let g = queue.shift(); g !== undefined; g = queue.shift()) await layOut(g, printer);
      }),
    );
  };

  /** Where each part fell in its document, now that every document is printed; its page count too. */
  const split = (): LaidOutPart[] => {
    const laid = laidOutParts(parts, groups, printed);
    pageCounts = laid.map((l) => l.pageCount);
    return laid;
  };

  await layOutAll(groups.map((_, g) => g));
  let laid = split();
  const dependentGroups = groups.map((_, g) => g).filter((g) => groups[g]!.some(dependent));
  if (dependentGroups.length > 0) {
    const { placements, totalPages } = placeParts(parts, pageCounts);
    const furnitureSource = furnitureHtml(book, templates, renderer.geometry, stylesheet, laid, placements, totalPages);
    onceLaidOut({ pageBreaks: pageBreaks(laid, placements), furnitureSource, totalPages, geometry: renderer.geometry });
  }
  for (let round = 0; round < 4 && dependentGroups.length > 0; round++) {
    const { placements } = placeParts(parts, pageCounts);
    refPages = pagesOfIds(laid, placements);
    if (book.config.contents.depth >= 2) headingPages = laid.map((l) => l.destinations);
    for (const g of dependentGroups) for (const i of groups[g]!) rendered[i] = render(i);
    const before = printedCount + reusedCount;
    total += dependentGroups.length;
    await layOutAll(dependentGroups);
    laid = split();
    if (printedCount + reusedCount === before) break; // every text as it was: the numbers hold
  }

  const { placements, totalPages } = placeParts(parts, pageCounts);
  if (incremental) parsedBefore = parsedNow;
  const furnitureSource = furnitureHtml(book, templates, renderer.geometry, stylesheet, laid, placements, totalPages);
  const furnitureKey = cache.htmlKey(furnitureSource);
  const refused = [...new Set(allPrinters.flatMap((p) => [...p.refused]))];
  const fit = attributeFindings(parts, groups, findings);
  const documents = groups.map((members, g): LaidOutDocument => ({ key: keys[g]!, parts: members, doc: printed[g]!.doc, pageCount: printed[g]!.pageCount }));
  const finalPages = pagesOfIds(laid, placements);
  return {
    layout: {
      documents,
      parts: laid,
      placements,
      totalPages,
      geometry: renderer.geometry,
      furnitureKey,
      refused,
      pageBreaks: pageBreaks(laid, placements),
      printed: printedDocs.size,
      reused: groups.length - printedDocs.size,
      fit,
    },
    seed: { pages: [...finalPages], counts: laid.map((l) => l.pageCount) },
    furnitureSource,
  };
}

/**
 * Parts in documents: a part whose text depends on the layout alone (it is laid out again),
 * the others in runs of consecutive parts (the structure tree follows the documents' order), a
 * long run cut into an even number of documents of about the same length, so that both tabs
 * have as much to do, none longer than keeps memory flat.
 */
function groupParts(book: Book, parts: PrintPart[], dependent: (i: number) => boolean, partPerDocument: boolean): number[][] {
  if (partPerDocument) return parts.map((_, i) => [i]);
  const pages = parts.map((p) => Math.ceil(textLength(book, p) / 2000) + 1);
  const runs: number[][] = [[]];
  parts.forEach((_, i) => {
    if (dependent(i)) runs.push([i], []);
    else runs.at(-1)!.push(i);
  });
  const groups: number[][] = [];
  for (const run of runs.filter((r) => r.length > 0)) {
    const total = run.reduce((n, i) => n + pages[i]!, 0);
    const count = total <= MIN_DOCUMENT_PAGES ? 1 : 2 * Math.ceil(total / (2 * MAX_DOCUMENT_PAGES));
    const share = total / count;
    let group: number[] = [];
    let done = 0;
    let cut = 1;
    for (const i of run) {
      group.push(i);
      done += pages[i]!;
      // A cut after the part whose middle passes the next share's end.
      if (cut < count && done - pages[i]! / 2 >= share * cut) {
        groups.push(group);
        group = [];
        cut++;
      }
    }
    if (group.length > 0) groups.push(group);
  }
  return groups;
}

function laidOutParts(parts: PrintPart[], groups: number[][], printed: (Printed | undefined)[]): LaidOutPart[] {
  const laid: LaidOutPart[] = [];
  const anchors = new Set(parts.map(partAnchor));
  groups.forEach((members, g) => {
    const { destinations, pageCount } = printed[g]!;
    const landscapes = landscapePages(destinations);
    const starts = members.map((i) => destinations.get(partAnchor(parts[i]!))?.page ?? 0);
    members.forEach((i, k) => {
      const firstPage = starts[k]!;
      const end = k + 1 < members.length ? starts[k + 1]! : pageCount;
      const own = new Map<string, Destination>();
      for (const [id, dest] of destinations) {
        if (dest.page < firstPage || dest.page >= end || id.startsWith(LANDSCAPE_MARK) || anchors.has(id)) continue;
        own.set(id, { ...dest, page: dest.page - firstPage });
      }
      const landscape = new Set([...landscapes].filter((p) => p >= firstPage && p < end).map((p) => p - firstPage));
      laid[i] = { part: parts[i]!, document: g, firstPage, pageCount: Math.max(1, end - firstPage), destinations: own, landscape };
    });
  });
  return laid;
}

/** Pages between each landscape block's first and last mark (fit.ts sets them). */
function landscapePages(destinations: Map<string, Destination>): Set<number> {
  const pages = new Set<number>();
  for (const [id, start] of destinations) {
    if (!id.startsWith(LANDSCAPE_MARK) || !id.endsWith('-a')) continue;
    const end = destinations.get(`${id.slice(0, -2)}-z`) ?? start;
    for (let p = start.page; p <= end.page; p++) pages.add(p);
  }
  return pages;
}

/** The fit's findings, each with the part whose element it names (the first, when none does). */
function attributeFindings(parts: PrintPart[], groups: number[][], findings: FitFinding[][]): { part: PrintPart; findings: FitFinding[] }[] {
  const byPart = new Map<PrintPart, FitFinding[]>();
  groups.forEach((members, g) => {
    for (const f of findings[g]!) {
      const part = parts.find((p) => p.key === f.part) ?? parts[members[0]!]!;
      byPart.set(part, [...(byPart.get(part) ?? []), f]);
    }
  });
  return parts.filter((p) => byPart.has(p)).map((part) => ({ part, findings: byPart.get(part)! }));
}

/** Prints the furniture document (or takes it from the cache) in `printer`, which it then closes if asked. */
async function printFurniture(html: string, key: string, totalPages: number, workDir: string, printer: PartPrinter, cache: PartCache, close: boolean): Promise<PDFDocument> {
  try {
    let bytes = await cache.get(key, 'furniture');
    if (!bytes) {
      // Named by its key: a furniture printed early may still be loading when another is written.
      const file = path.join(workDir, `furniture-${key.slice(0, 12)}.html`);
      await writeFile(file, html);
      await printer.loadPlain(file, 'the running heads and folios');
      // Untagged: it is drawn as an artifact, outside the structure tree.
      bytes = await printer.print('', { tagged: false });
      await cache.put(key, 'furniture', bytes);
    }
    const doc = await PDFDocument.load(bytes, { updateMetadata: false });
    if (doc.getPageCount() !== totalPages) {
      throw new Error(`the running heads and folios came out on ${doc.getPageCount()} pages, not ${totalPages}`);
    }
    return doc;
  } finally {
    if (close) await printer.close();
  }
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

/** Characters a part sets. */
function textLength(book: Book, part: PrintPart): number {
  const notes = (sections: Section[]): number => sections.reduce((n, s) => n + s.notes.reduce((m, x) => m + x.html.length, 0), 0);
  if (part.role === 'notes') return notes(book.sections);
  return part.section?.bodyHtml.length ?? 0;
}

async function parseDocument(bytes: Uint8Array, what: string, findings: FitFinding[]): Promise<Printed> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  const pageCount = doc.getPageCount();
  if (pageCount === 0) throw new Error(`Chromium printed no page for ${what}`);
  return { doc, pageCount, destinations: readDestinations(doc), findings };
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

/** Named destinations Chromium wrote (one per id the document links to itself). */
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
