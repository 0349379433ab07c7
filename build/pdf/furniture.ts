/**
 * Running heads and folios ("furniture"), printed once the parts are placed and laid over the
 * pages. The parts are laid out without them, every page as a recto, so that no part waits for
 * the page count of the parts before it: they print in any order, several to a document, in two
 * tabs at once. Then one document of margin boxes only (templates/print/furniture.html), a page
 * for each page of the book, gives every page its head and folio, and dressPages() moves a verso's
 * content by the margins' difference and writes its furniture into it, marked as a pagination
 * artifact (a screen reader skips it; the structure tree holds the text alone).
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFName,
  PDFNumber,
  PDFPage,
  PDFRawStream,
  PDFStream,
  decodePDFRawStream,
} from 'pdf-lib';
import type { Book } from '../model/book.ts';
import type { Templates } from '../render/templates.ts';
import { runningHeadsOf, type PrintPart } from '../render/print-parts.ts';
import type { PageGeometry } from '../render/page-geometry.ts';
import { fontFaceCss, fontFamilyValue, fontStackFor, isCjkLanguage } from '../fonts.ts';
import { formatFolio, type PartPlacement } from './folios.ts';

const PT = 72;

/** What a part's pages look like to the furniture: how many, and which are turned landscape. */
export interface PlacedPages {
  part: PrintPart;
  pageCount: number;
  /** 0-based pages of the part laid out landscape: no head, no folio. */
  landscape: ReadonlySet<number>;
}

/** The furniture document's HTML: one page for each interior page of the book (`totalPages`). */
export function furnitureHtml(
  book: Book,
  templates: Templates,
  geometry: PageGeometry,
  stylesheet: string,
  placed: PlacedPages[],
  placements: PartPlacement[],
  totalPages: number,
): string {
  const pages: string[] = Array.from({ length: totalPages }, () => 'bare');
  const folios: string[] = Array.from({ length: totalPages }, (_, k) => String(k + 1));
  placed.forEach(({ part, pageCount, landscape }, i) => {
    const { firstPage, firstFolio } = placements[i]!;
    for (let k = 0; k < pageCount; k++) {
      folios[firstPage + k] = formatFolio(part.folioStyle, firstFolio + k);
      if (landscape.has(k)) continue;
      // A part's first page is its opener: no running head, the folio at the foot.
      if (k > 0) pages[firstPage + k] = `p${i}`;
      else if (part.showFolios) pages[firstPage + k] = `p${i}-opener`;
    }
  });
  const parts = placed.map(({ part }, i) => ({ name: `p${i}`, showFolios: part.showFolios, ...runningHeadsOf(book, part) }));
  const fonts = fontStackFor(book.config.language);
  const text = JSON.stringify(parts) + folios.join(' ') + '0123456789 ivxlcdm';
  return templates.render('print/furniture.html', {
    lang: book.config.language,
    cjk: isCjkLanguage(book.config.language),
    title: book.config.title,
    fontFaces: fontFaceCss(fonts, text),
    fontFamily: fontFamilyValue(fonts),
    stylesheet,
    page: geometry,
    folios,
    parts,
    pages,
  });
}

/**
 * Dresses pages of `doc` in their furniture: `pages[k]` is the book's interior page
 * `bookPages[k]` (0-based: even ones are rectos), `furniture` the printed furniture document,
 * whose page k belongs to the book's page k. Versos are moved by the margins' difference.
 */
export async function dressPages(
  doc: PDFDocument,
  pages: PDFPage[],
  bookPages: number[],
  furniture: PDFDocument,
  geometry: PageGeometry,
): Promise<void> {
  // One copy for all the pages: the furniture's fonts are copied into `doc` once.
  const copied = await doc.copyPages(furniture, bookPages);
  const shift = (geometry.outside - geometry.inside) * PT;
  const ctx = doc.context;
  pages.forEach((page, k) => {
    const verso = bookPages[k]! % 2 === 1;
    // The furniture's operators go into the page itself, first, as Chromium writes margin boxes
    // (a form XObject would do, but text extraction then runs the folio into the first line).
    const furnitureOps = inlineFurniture(doc, page, copied[k]!);
    const begin = ctx.register(ctx.stream(`/Artifact <</Type /Pagination>> BDC\nq\n${furnitureOps}\nQ\nEMC\nq${verso && shift !== 0 ? ` 1 0 0 1 ${num(shift)} 0 cm` : ''}\n`));
    const end = ctx.register(ctx.stream('\nQ'));
    page.node.wrapContentStreams(begin, end); // inlineFurniture() normalized the page
    if (verso && shift !== 0) shiftAnnotations(doc, page, shift);
  });
  // The copied page objects themselves are not pages of `doc`: only their content and resources stay.
  for (const page of copied) ctx.delete(page.ref);
}

/** Resource categories a content stream names its operands from. */
const RESOURCE_KINDS = ['Font', 'XObject', 'ExtGState', 'ColorSpace', 'Pattern', 'Shading', 'Properties'];

/**
 * A copied furniture page's operators, with the names of its resources prefixed and those
 * resources added to `page`'s (so that they can never clash with the page's own).
 */
function inlineFurniture(doc: PDFDocument, page: PDFPage, furniture: PDFPage): string {
  page.node.normalize();
  const target = page.node.Resources()!;
  const source = furniture.node.Resources();
  const renamed = new Map<string, string>();
  for (const kind of RESOURCE_KINDS) {
    const from = source?.lookupMaybe(PDFName.of(kind), PDFDict);
    if (!from) continue;
    let into = target.lookupMaybe(PDFName.of(kind), PDFDict);
    if (!into) target.set(PDFName.of(kind), (into = doc.context.obj({})));
    for (const [name, value] of from.entries()) {
      const fresh = `Eb${name.decodeText()}`;
      renamed.set(name.decodeText(), fresh);
      into.set(PDFName.of(fresh), value);
    }
  }
  const text = Buffer.from(contentOf(furniture)).toString('latin1');
  // Chromium writes text as hex glyph strings, so a name token is always an operand here.
  return renamed.size === 0 ? text : text.replace(/\/([A-Za-z0-9_.+-]+)/g, (whole, name: string) => (renamed.has(name) ? `/${renamed.get(name)}` : whole));
}

/** A page's content streams, decoded and joined. */
function contentOf(page: PDFPage): Uint8Array {
  const contents = page.node.Contents();
  const streams: PDFStream[] = [];
  if (contents instanceof PDFStream) streams.push(contents);
  else if (contents instanceof PDFArray) {
    for (let i = 0; i < contents.size(); i++) {
      const s = contents.lookup(i);
      if (s instanceof PDFStream) streams.push(s);
    }
  }
  const parts = streams.map((s) => (s instanceof PDFRawStream ? decodePDFRawStream(s).decode() : s.getContents()));
  const bytes = new Uint8Array(parts.reduce((n, p) => n + p.length + 1, 0));
  let at = 0;
  for (const p of parts) {
    bytes.set(p, at);
    bytes[at + p.length] = 0x0a;
    at += p.length + 1;
  }
  return bytes;
}

/** Moves a page's link rectangles with its content. */
function shiftAnnotations(doc: PDFDocument, page: PDFPage, dx: number): void {
  const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
  if (!annots) return;
  for (let i = 0; i < annots.size(); i++) {
    const annot = doc.context.lookupMaybe(annots.get(i), PDFDict);
    if (!annot) continue;
    for (const key of ['Rect', 'QuadPoints']) {
      const array = annot.lookupMaybe(PDFName.of(key), PDFArray);
      if (!array) continue;
      const moved = array.asArray().map((v, j) => {
        const n = v instanceof PDFNumber ? v.asNumber() : 0;
        return j % 2 === 0 ? n + dx : n;
      });
      annot.set(PDFName.of(key), doc.context.obj(moved));
    }
  }
}

const num = (x: number): string => String(Math.round(x * 1000) / 1000);
