/**
 * The cover stage: the book's covers, designed by Handlebars templates (templates/cover/) and
 * assets/css/cover.css from the book's metadata and its `cover:` settings, laid out by Chromium:
 *  - the front cover at trim size, a one-page PDF for the screen PDF's first page;
 *  - the EPUB cover, a 1563 × 2500 px JPEG (ratio 1.6, under Apple's 4 Mpx) from a screenshot;
 *  - the print wraparound (back + spine + front, bleed all round) with TrimBox and BleedBox.
 */
import { realpathSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { PDFDocument, PDFName } from 'pdf-lib';
import MarkdownIt from 'markdown-it';
import sharp from 'sharp';
import type { Book } from '../model/book.ts';
import type { Templates } from '../render/templates.ts';
import { bookData } from '../render/book-data.ts';
import { sanitizeFragment } from '../markdown/sanitize.ts';
import { fontFaceCss, fontFamilyValue, fontStackFor, isCjkLanguage } from '../fonts.ts';
import { resolveAsset } from '../assets.ts';
import { BookError } from '../errors.ts';
import { buildDate } from '../reproducible.ts';
import { BUILDER_ROOT } from '../paths.ts';
import { browserTimeoutMs } from '../pdf/browser.ts';
import { WAIT_FOR_FONTS } from '../pdf/fonts-loaded.ts';
import { printCoverGeometry, SPINE_FOLD_CLEARANCE, type PrintCoverGeometry, type Rect } from './geometry.ts';
import type { CoverSettings } from './settings.ts';
import { isbnBarcode } from './barcode.ts';
import { loadCoverImage, ppiWarning, type CoverImage } from './image.ts';

export interface CoverInput {
  /** Only its settings and folder: the covers are begun before the chapters are read. */
  book: CoverBook;
  templates: Templates;
  /** Already launched; renderCovers opens and closes one page in it. */
  browser: Browser;
  /** Scratch folder for the cover documents. */
  workDir: string;
  /** Pages of the print interior (even): sets the spine width. */
  printPageCount: number;
  /** The build's timestamp for the PDFs' Info dates. Default: buildDate(book.bookDir). */
  date?: Date;
  /** The covers' tab opens at once, their work waits for this (the preview's pages come first). */
  after?: Promise<void>;
}

export type CoverBook = Pick<Book, 'config' | 'bookDir'>;

export interface Covers {
  /** Front cover as a one-page PDF at trim size (no bleed) for the screen PDF's first page. */
  frontPdf: Uint8Array;
  /** EPUB cover: JPEG, 1563 × 2500 px. */
  epubJpeg: Buffer;
  /** Print wraparound cover PDF: back + spine + front, one page, with TrimBox/BleedBox, fonts embedded. */
  printPdf: Uint8Array;
  spine: { widthIn: number; text: boolean; pageCount: number; paper: 'white' | 'cream'; service: 'kdp' | 'lulu' };
  /** Full print cover including bleed. */
  size: { widthIn: number; heightIn: number };
  /** Non-fatal findings: a cover image under 300 ppi, text that could not be fitted. */
  warnings: string[];
}

/** The EPUB cover's pixel size: KDP's 1.6 ratio, as large as stays under 4 Mpx. */
export const EPUB_COVER = { width: 1563, height: 2500 } as const;
const PT = 72;
/** CSS pixels per inch. */
const PX = 96;

type Mode = 'front' | 'epub' | 'wrap';

export async function renderCovers(input: CoverInput): Promise<Covers> {
  const renderer = startCovers(input);
  try {
    return await renderer.finish(input.printPageCount);
  } finally {
    await renderer.close();
  }
}

/** The front cover (screen PDF, EPUB) at once; the wraparound once the page count is known. */
export interface CoverRenderer {
  front: Promise<{ frontPdf: Uint8Array; epubJpeg: Buffer; warnings: string[] }>;
  finish(printPageCount: number): Promise<Covers>;
  close(): Promise<void>;
}

/**
 * Starts the covers: the front cover and the EPUB's need no page count, so the build renders
 * them while it lays the interior out, in a tab of their own; finish() adds the wraparound,
 * whose spine depends on the interior's page count.
 */
export function startCovers(input: Omit<CoverInput, 'printPageCount'>): CoverRenderer {
  const { book, templates, browser, workDir } = input;
  const settings = book.config.cover;
  const date = input.date ?? buildDate(book.bookDir);
  const title = book.config.subtitle ? `${book.config.title}: ${book.config.subtitle}` : book.config.title;
  const timeout = browserTimeoutMs();
  // Like the interior's printer: only files of the builder, the book and the scratch folder load.
  const refused = new Set<string>();
  const image = settings.image ? loadCoverImage(book.bookDir, settings.image) : Promise.resolve(undefined);
  const page = browser.newPage().then(async (p) => {
    await p.setRequestInterception(true);
    p.on('request', (request) => void filterRequest(request, [BUILDER_ROOT, book.bookDir, workDir], refused));
    return p;
  });
  // Awaited, and reported, by front and finish(); a browser closed before them (a build
  // superseded, a preview stopped) must not leave the rejection unhandled meanwhile.
  page.catch(() => undefined);
  const front = (async () => {
    await input.after;
    const warnings: string[] = [];
    // The front panel is the trim, whatever the spine: any page count gives the same documents.
    const geometry = printCoverGeometry(book.config.print, 24);
    const loaded = await image;
    if (loaded) {
      // On the wrap the image fills the front panel and its bleed on the three outer edges.
      const warning = ppiWarning(loaded, { width: geometry.trim.width + geometry.bleed, height: geometry.size.heightIn });
      if (warning) warnings.push(warning);
    }
    const documents = coverDocuments(book, templates, settings, geometry, loaded);
    const tab = await page;
    const printed = await printDocument(tab, path.join(workDir, 'cover-front.html'), documents.front, warnings, 'front cover', timeout);
    const epubPng = await screenshotDocument(tab, path.join(workDir, 'cover-epub.html'), documents.epub, warnings, timeout);
    const frontPdf = await finishPdf(printed, { width: geometry.trim.width, height: geometry.trim.height }, undefined, `${title} — front cover`, date);
    const epubJpeg = await sharp(epubPng)
      .resize(EPUB_COVER.width, EPUB_COVER.height, { fit: 'fill' })
      .flatten({ background: '#ffffff' })
      .toColourspace('srgb')
      .jpeg({ quality: 85, mozjpeg: true })
      .toBuffer();
    return { frontPdf, epubJpeg, warnings };
  })();
  front.catch(() => undefined); // awaited, and reported, by whoever needs it
  return {
    front,
    async finish(printPageCount) {
      const { frontPdf, epubJpeg, warnings: frontWarnings } = await front;
      const warnings = [...frontWarnings];
      const geometry = printCoverGeometry(book.config.print, printPageCount);
      const documents = coverDocuments(book, templates, settings, geometry, await image);
      const wrap = await printDocument(await page, path.join(workDir, 'cover-wrap.html'), documents.wrap, warnings, 'print cover', timeout);
      for (const url of refused) warnings.push(`the cover tried to load ${url}; refused (only files inside the book may load)`);
      const printPdf = await finishPdf(wrap, { width: geometry.size.widthIn, height: geometry.size.heightIn }, geometry.trimBox, `${title} — cover`, date);
      return {
        frontPdf,
        epubJpeg,
        printPdf,
        spine: { widthIn: geometry.spine.widthIn, text: geometry.spine.text, pageCount: printPageCount, paper: geometry.paper, service: geometry.service },
        size: geometry.size,
        warnings: [...new Set(warnings)],
      };
    },
    async close() {
      // The tab first: covers still under way (a build stopped early) then fail at once.
      await (await page.catch(() => undefined))?.close().catch(() => undefined);
      await front.catch(() => undefined);
    },
  };
}

interface CoverDocument {
  html: string;
  /** Page size in inches. */
  width: number;
  height: number;
}

/** The three HTML documents, from the templates. Exported for tests and previews. */
export function coverDocuments(
  book: CoverBook,
  templates: Templates,
  settings: CoverSettings,
  geometry: PrintCoverGeometry,
  image: CoverImage | undefined,
): Record<Mode, CoverDocument> {
  const data = bookData(book);
  const meta = {
    ...data,
    title: curlyQuotes(data.title),
    subtitle: data.subtitle && curlyQuotes(data.subtitle),
    authorNames: data.authorNames.map(curlyQuotes),
    publisher: data.publisher && curlyQuotes(data.publisher),
  };
  const language = book.config.language;
  const fonts = fontStackFor(language);
  const md = new MarkdownIt({ html: false, typographer: true, xhtmlOut: true });
  const blurb = settings.blurb ?? meta.description;
  const blurbHtml = blurb ? sanitizeFragment(md.render(blurb)) : '';
  const barcode = settings.isbn ? isbnBarcode(settings.isbn) : undefined;
  const { trim, bleed } = geometry;
  // Spine type: a line that fills about 70 % of the room between the fold clearances, at most 14 pt.
  const spineTextPt = Math.min(14, Math.round(geometry.spineTextWidth * PT * 0.7 * 10) / 10);

  const base = {
    lang: language,
    cjk: isCjkLanguage(language),
    book: meta,
    blurbHtml,
    colours: { background: settings.background, foreground: settings.foreground, accent: settings.accent },
    image: image ? { url: image.url } : undefined,
    isbn: barcode ? { display: barcode.display, svg: barcode.svg } : undefined,
    fontFamily: fontFamilyValue(fonts),
    stylesheet: pathToFileURL(resolveAsset(book.bookDir, 'css/cover.css')).href,
    safe: geometry.safe,
  };
  // Only the font faces the cover's text needs (the SVG's path data is ASCII, needed anyway).
  const fontFaces = fontFaceCss(fonts, JSON.stringify({ ...base, isbn: barcode?.display }));
  const render = (mode: Mode, data: object): string =>
    templates.render(mode === 'wrap' ? 'cover/wrap.html' : 'cover/front.html', { ...base, fontFaces, mode, ...data });

  /** A front cover alone, on a page of its own size: no bleed, the panel is the page. */
  const alone = (mode: 'front' | 'epub', width: number, height: number): CoverDocument => {
    const panel: Rect = { x: 0, y: 0, width, height };
    return { html: render(mode, { page: { width, height }, front: panel, frontBleed: panel }), width, height };
  };
  const front = alone('front', trim.width, trim.height);
  // The EPUB cover keeps the trim's width and takes the screen's 1.6 ratio.
  const epub = alone('epub', trim.width, round3(trim.width * (EPUB_COVER.height / EPUB_COVER.width)));
  const wrap: CoverDocument = {
    width: geometry.size.widthIn,
    height: geometry.size.heightIn,
    html: render('wrap', {
      page: { width: geometry.size.widthIn, height: geometry.size.heightIn },
      front: geometry.front,
      frontBleed: { x: geometry.front.x, y: 0, width: round3(trim.width + bleed), height: geometry.size.heightIn },
      back: geometry.back,
      spine: {
        ...geometry.spineRect,
        text: geometry.spine.text,
        textPt: spineTextPt,
        clearance: SPINE_FOLD_CLEARANCE,
      },
      barcode: geometry.barcode,
    }),
  };
  return { front, epub, wrap };
}

/**
 * Typographer's quotes for the metadata strings the cover sets large (book.yaml's are typed
 * straight): an apostrophe inside or at the end of a word, and quotation marks by position.
 */
export function curlyQuotes(text: string): string {
  return text
    .replace(/(\p{L}|\p{N})'(?=\p{L}|\s|$|[.,;:!?)])/gu, '$1\u2019')
    .replace(/(^|[\s([{\u2014\u2013-])"/gu, '$1\u201c')
    .replace(/"/g, '\u201d')
    .replace(/(^|[\s([{\u2014\u2013-])'/gu, '$1\u2018')
    .replace(/'/g, '\u2019');
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;

/**
 * Shrinks every element marked data-fit="name" until its text fits its box (no word wider than
 * the box, no more lines than its max-height holds), down to data-fit-min (pt). Returns the
 * names of those that still overflow. An element with a max-height is measured as laid out
 * (lines × line-height), since scrollHeight counts the ascenders above a tight line-height as
 * overflow; one without is a box of fixed height whose content must not overflow it.
 * Vertical text (the spine) overflows along its length. A string, not a function: tsx's helpers
 * do not exist in the page.
 */
const FIT_SCRIPT = `(async () => {
  await (${WAIT_FOR_FONTS})();
  const overflowing = [];
  const over = (el) => {
    const style = getComputedStyle(el);
    if (style.writingMode.startsWith('vertical')) return el.scrollHeight > el.clientHeight + 1;
    if (el.scrollWidth > el.clientWidth + 1) return true;
    if (style.maxHeight === 'none') return el.scrollHeight > el.clientHeight + 1;
    const limit = parseFloat(style.maxHeight);
    const saved = el.style.maxHeight;
    el.style.maxHeight = 'none';
    const natural = el.getBoundingClientRect().height;
    el.style.maxHeight = saved;
    return natural > limit + 1;
  };
  for (const el of document.querySelectorAll('[data-fit]')) {
    const min = parseFloat(el.getAttribute('data-fit-min') || '6') * 96 / 72;
    let size = parseFloat(getComputedStyle(el).fontSize);
    for (let i = 0; i < 200 && over(el) && size > min; i++) {
      size = Math.max(min, size * 0.97);
      el.style.fontSize = size + 'px';
    }
    if (over(el)) overflowing.push(el.getAttribute('data-fit'));
  }
  await (${WAIT_FOR_FONTS})();
  return overflowing;
})()`;

async function filterRequest(request: HTTPRequest, roots: string[], refused: Set<string>): Promise<void> {
  const url = request.url();
  let allowed = url.startsWith('data:');
  if (!allowed && url.startsWith('file:')) {
    try {
      const file = realpathOrSelf(fileURLToPath(url));
      allowed = roots.map(realpathOrSelf).some((root) => file === root || file.startsWith(root + path.sep));
    } catch {
      allowed = false;
    }
  }
  if (allowed) {
    await request.continue().catch(() => undefined);
  } else {
    refused.add(url);
    await request.abort('blockedbyclient').catch(() => undefined);
  }
}

function realpathOrSelf(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

async function loadDocument(page: Page, file: string, doc: CoverDocument, warnings: string[], what: string, timeout: number): Promise<void> {
  await writeFile(file, doc.html);
  try {
    await page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout });
    const overflowing = (await page.evaluate(FIT_SCRIPT)) as string[];
    for (const name of overflowing) warnings.push(`the ${what}'s ${name} is too long to fit; shorten it`);
  } catch (e) {
    throw new BookError(`the browser failed while laying out the ${what}: ${(e as Error).message.split('\n')[0]}`);
  }
}

async function printDocument(page: Page, file: string, doc: CoverDocument, warnings: string[], what: string, timeout: number): Promise<Uint8Array> {
  // In front first: a tab behind others may wait for ever on a change of its viewport (the
  // preview's layout tabs stay open).
  await page.bringToFront();
  // The viewport does not change the printed layout, but a screenshot before may have shrunk it.
  await page.setViewport({ width: Math.ceil(doc.width * PX), height: Math.ceil(doc.height * PX), deviceScaleFactor: 1 });
  await loadDocument(page, file, doc, warnings, what, timeout);
  try {
    // The fonts were waited for by the fit script (page.pdf()'s own wait can hang: fonts-loaded.ts).
    return await page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: false, outline: false, waitForFonts: false, timeout });
  } catch (e) {
    throw new BookError(`the browser failed while printing the ${what}: ${(e as Error).message.split('\n')[0]}`);
  }
}

async function screenshotDocument(page: Page, file: string, doc: CoverDocument, warnings: string[], timeout: number): Promise<Buffer> {
  const width = Math.round(doc.width * PX);
  const height = Math.round(doc.height * PX);
  await page.bringToFront(); // as in printDocument()
  await page.setViewport({ width, height, deviceScaleFactor: EPUB_COVER.width / width });
  await loadDocument(page, file, doc, warnings, 'EPUB cover', timeout);
  // The EPUB's cover JPEG must be the same in every build. A screenshot taken as soon as the fit
  // script returns caught, one time in four to eight, a frame still being rastered: a few 8 × 8
  // blocks along the rings' edges differed by a few levels (measured on a 6 × 9 in cover: 6 of 24
  // in one browser, 2 of 12 across launches, 4 of 30 on a loaded machine). After two animation
  // frames the compositor has drawn the settled page: 218 of 218 identical. pdf.js drawing the
  // printed PDF instead would be deterministic by construction, but it paints the function-based
  // shadings Chromium writes for gradients (the veil over a cover image) hot pink.
  // A second capture, two frames later, must then agree; on a machine too loaded for two frames
  // to be enough, it is taken again.
  // The tab in front: a tab behind the layout's gets no animation frames until they close. In the
  // preview, whose layout tabs stay open, one sometimes got none even then: two frames are waited
  // for at most a second (the tab brought to the front again), and the captures must still agree.
  await page.bringToFront();
  const twoFrames = 'new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))';
  const settle = async (): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), 1000)));
    const frames = page.evaluate(twoFrames).then(() => 'drawn' as const);
    frames.catch(() => undefined); // a tab closed meanwhile: the capture reports it
    const outcome = await Promise.race([frames, late]);
    clearTimeout(timer);
    if (outcome === 'late') await page.bringToFront();
  };
  const capture = async (): Promise<Buffer> => {
    await settle();
    return Buffer.from(await page.screenshot({ type: 'png', clip: { x: 0, y: 0, width, height }, captureBeyondViewport: false }));
  };
  let png = await capture();
  for (let attempt = 0; attempt < 4; attempt++) {
    const again = await capture();
    if (again.equals(png)) break;
    png = again;
  }
  return png;
}

/**
 * The PDF as it leaves the stage: exactly one page of exactly the geometry's size (Chromium
 * rounds page sizes to its own units), TrimBox and BleedBox when it is the print cover, no
 * annotations, reproducible Info dates.
 */
async function finishPdf(
  bytes: Uint8Array,
  size: { width: number; height: number },
  trimBox: Rect | undefined,
  title: string,
  date: Date,
): Promise<Uint8Array> {
  const doc = await PDFDocument.load(bytes, { updateMetadata: false });
  if (doc.getPageCount() !== 1) {
    throw new BookError(`the cover laid out on ${doc.getPageCount()} pages instead of one: a cover template lets something overflow its page`);
  }
  const page = doc.getPage(0);
  const width = size.width * PT;
  const height = size.height * PT;
  // Chromium draws from the top left: keep the top edge where it was if the height changes.
  const dy = height - page.getHeight();
  if (Math.abs(dy) > 1e-6) page.translateContent(0, dy);
  page.setMediaBox(0, 0, width, height);
  page.node.delete(PDFName.of('CropBox'));
  page.node.delete(PDFName.of('Annots'));
  if (trimBox) {
    page.setBleedBox(0, 0, width, height);
    page.setTrimBox(trimBox.x * PT, (size.height - trimBox.y - trimBox.height) * PT, trimBox.width * PT, trimBox.height * PT);
  }
  doc.setTitle(title);
  doc.setCreator('printable-ebook-builder');
  doc.setProducer('printable-ebook-builder with Chromium and pdf-lib');
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  return doc.save({ updateFieldAppearances: false });
}
