/**
 * Turns the laid-out documents into the two PDFs, from the same layout: merges them (blank
 * versos where a part must start on a recto), lays the running heads and folios over the pages
 * (furniture.ts), points links from one part to another at the right page, writes page labels, then
 *  - screen PDF: cover first, bookmarks, live links, document metadata, tagged: the parts'
 *    structure trees merged into one (structure.ts);
 *  - print PDF: no cover, no bookmarks, no annotations (KDP rejects both), untagged (a printer
 *    reads no structure, and its tree would point at the links removed), bleed and TrimBox /
 *    BleedBox on every page, an even page count.
 */
import {
  PDFArray,
  PDFDict,
  PDFDocument,
  PDFHexString,
  PDFName,
  PDFNull,
  PDFNumber,
  PDFPage,
  PDFRef,
  PDFStreamWriter,
  PDFString,
  rgb,
  type PDFObject,
} from 'pdf-lib';
import type { Book } from '../model/book.ts';
import type { Layout } from './layout.ts';
import { StructureMerger, markArtifact, stripStructure } from './structure.ts';
import { CREATOR_TOOL, PRODUCER, documentTitle, writeXmp } from './xmp.ts';
import { dressPages } from './furniture.ts';
import './native-deflate.ts'; // before any save

const PT = 72;
/**
 * Saved with object streams of 1,000 objects, not pdf-lib's 50: each stream costs a deflate set
 * up anew (a few hundred streams in a book took a third of a second of CPU); the file stays as
 * small (objects out of streams would make the tagged PDF a quarter larger).
 */
async function save(doc: PDFDocument): Promise<Uint8Array> {
  await doc.flush();
  return PDFStreamWriter.forContext(doc.context, 50, true, 1000).serializeToBuffer();
}

export interface AssembledPdfs {
  screen: Uint8Array;
  print: Uint8Array;
  /** Pages of the print PDF (even). */
  printPageCount: number;
  /** Links whose target was not found (should be none: the model checks links). */
  warnings: string[];
}

interface Target {
  page: PDFRef;
  x: number | undefined;
  y: number | undefined;
}

/** `frontCover` is a one-page PDF at trim size that opens the screen PDF (a blank page without one). */
export async function assemblePdfs(
  book: Book,
  layout: Layout,
  frontCover: Promise<Uint8Array | undefined> | Uint8Array | undefined,
  date: Date,
): Promise<AssembledPdfs> {
  const doc = await PDFDocument.create({ updateMetadata: false });
  const width = layout.geometry.width * PT;
  const height = layout.geometry.height * PT;
  const warnings: string[] = [];

  const targets = new Map<string, Target>();
  const partStarts: PDFRef[] = [];
  const structure = new StructureMerger(doc);
  /** The interior pages in book order: page k is the book's page k (even: a recto). */
  const interior: PDFPage[] = [];
  // Versos were laid out as rectos: dressPages() moves them, and their link targets with them.
  const shift = (layout.geometry.outside - layout.geometry.inside) * PT;
  for (const document of layout.documents) {
    const pages = await structure.copyPart(document.doc);
    for (const i of document.parts) {
      const laid = layout.parts[i]!;
      const placement = layout.placements[i]!;
      if (placement.blankBefore) interior.push(doc.addPage([width, height])); // no structure: a blank verso is nothing to read
      const own = pages.slice(laid.firstPage, laid.firstPage + laid.pageCount);
      for (const page of own) interior.push(doc.addPage(page));
      partStarts[i] = own[0]!.ref;
      for (const id of laid.part.ids) targets.set(id, { page: own[0]!.ref, x: undefined, y: undefined });
      for (const [id, dest] of laid.destinations) {
        const verso = (placement.firstPage + dest.page) % 2 === 1;
        targets.set(id, { page: own[dest.page]!.ref, x: dest.x + (verso ? shift : 0), y: dest.y });
      }
    }
  }
  await dressPages(doc, interior, interior.map((_, k) => k), await layout.furniture, layout.geometry);
  // An even number of interior pages: print services round up anyway, and a blank last page is expected.
  if (interior.length % 2 === 1) doc.addPage([width, height]);

  // The cover is rendered while the pages above are merged (covers.ts, in the browser): only now
  // is it needed, as the screen PDF's first page.
  const coverBytes = await frontCover;
  if (coverBytes) {
    const cover = await PDFDocument.load(coverBytes, { updateMetadata: false });
    const [coverPage] = await doc.copyPages(cover, [0]);
    doc.insertPage(0, coverPage!);
    markArtifact(doc, coverPage!); // outside the structure tree: decoration for a reader that follows it
  } else {
    doc.insertPage(0, [width, height]); // a print-only build: the screen PDF is not kept
  }

  const linkTargets = resolveLinks(doc, targets, warnings);
  const notes = book.sections.flatMap((s) => s.print.notes);
  structure.finish({
    targets: linkTargets,
    noteIds: new Set(notes.map((n) => n.id)),
    noteOfRef: new Map(notes.flatMap((n) => n.refIds.map((r) => [r, n.id] as const))),
  });
  writeOutline(doc, layout, targets, partStarts);
  writePageLabels(doc, layout, true);
  writeMetadata(doc, book, date);
  doc.catalog.set(PDFName.of('PageMode'), PDFName.of('UseOutlines'));
  doc.catalog.set(PDFName.of('ViewerPreferences'), doc.context.obj({ DisplayDocTitle: true }));
  const screen = await save(doc);

  // The print PDF: the same pages, less what a printer must not get.
  // pdf-lib's removePage() leaves its page cache stale: take the interior pages first.
  const printPages = doc.getPages().slice(1);
  doc.removePage(0);
  doc.catalog.delete(PDFName.of('Outlines'));
  doc.catalog.delete(PDFName.of('PageMode'));
  writePageLabels(doc, layout, false);
  printPages.forEach((page, index) => {
    addBleed(page, index, layout);
    page.node.delete(PDFName.of('Annots')); // after addBleed: pdf-lib's normalize() adds an empty one
  });
  stripStructure(doc);
  const print = await save(doc);
  return { screen, print, printPageCount: printPages.length, warnings };
}

function destArray(doc: PDFDocument, target: Target): PDFArray {
  const coord = (v: number | undefined): PDFObject => (v === undefined ? PDFNull : PDFNumber.of(v));
  return doc.context.obj([target.page, PDFName.of('XYZ'), coord(target.x), coord(target.y), PDFNull]);
}

/**
 * Chromium writes links to other parts as file:// URIs and links within a part as named dests.
 * Returns the id each internal link annotation points to (structure.ts tells note references by it).
 */
function resolveLinks(doc: PDFDocument, targets: Map<string, Target>, warnings: string[]): Map<PDFRef, string> {
  const resolved = new Map<PDFRef, string>();
  for (const page of doc.getPages()) {
    const annots = page.node.lookupMaybe(PDFName.of('Annots'), PDFArray);
    if (!annots) continue;
    const keep: PDFObject[] = [];
    for (let k = 0; k < annots.size(); k++) {
      const ref = annots.get(k);
      const annot = doc.context.lookupMaybe(ref, PDFDict);
      if (!annot) continue;
      let id: string | undefined;
      const named = annot.get(PDFName.of('Dest'));
      if (named instanceof PDFName) id = decodeName(named.asString());
      else if (named instanceof PDFString || named instanceof PDFHexString) id = named.decodeText();
      const action = annot.lookupMaybe(PDFName.of('A'), PDFDict);
      const uri = action?.lookupMaybe(PDFName.of('URI'), PDFString, PDFHexString)?.decodeText();
      if (uri?.startsWith('file:')) id = decodeURIComponent(new URL(uri).hash.slice(1));
      if (id === undefined) {
        keep.push(ref); // an external link: keep it as it is
        continue;
      }
      const target = targets.get(id);
      if (!target) {
        warnings.push(`a link to #${id} has no target in the PDF; it was removed`);
        continue;
      }
      annot.delete(PDFName.of('A'));
      annot.set(PDFName.of('Dest'), destArray(doc, target));
      keep.push(ref);
      if (ref instanceof PDFRef) resolved.set(ref, id);
    }
    page.node.set(PDFName.of('Annots'), doc.context.obj(keep));
  }
  return resolved;
}

const decodeName = (name: string): string =>
  decodeURIComponent(name.replace(/^\//, '').replace(/#([0-9a-fA-F]{2})/g, '%$1'));

function writeOutline(doc: PDFDocument, layout: Layout, targets: Map<string, Target>, partStarts: PDFRef[]): void {
  interface Node {
    title: string;
    target: Target;
    children: Node[];
  }
  const roots: Node[] = [];
  layout.parts.forEach((laid, i) => {
    for (const entry of laid.part.outline) {
      const target = targets.get(entry.id) ?? { page: partStarts[i]!, x: undefined, y: undefined };
      const node: Node = { title: entry.title, target, children: [] };
      const parent = roots.at(-1);
      if (entry.level > 1 && parent) parent.children.push(node);
      else roots.push(node);
    }
  });
  const outlinesRef = doc.context.nextRef();
  const writeLevel = (nodes: Node[], parent: PDFRef): PDFRef[] => {
    const refs = nodes.map(() => doc.context.nextRef());
    nodes.forEach((node, k) => {
      const dict = doc.context.obj({}) as PDFDict;
      dict.set(PDFName.of('Title'), PDFHexString.fromText(node.title));
      dict.set(PDFName.of('Parent'), parent);
      dict.set(PDFName.of('Dest'), destArray(doc, node.target));
      if (k > 0) dict.set(PDFName.of('Prev'), refs[k - 1]!);
      if (k < nodes.length - 1) dict.set(PDFName.of('Next'), refs[k + 1]!);
      if (node.children.length > 0) {
        const kids = writeLevel(node.children, refs[k]!);
        dict.set(PDFName.of('First'), kids[0]!);
        dict.set(PDFName.of('Last'), kids.at(-1)!);
        dict.set(PDFName.of('Count'), PDFNumber.of(-kids.length)); // closed by default
      }
      doc.context.assign(refs[k]!, dict);
    });
    return refs;
  };
  const top = writeLevel(roots, outlinesRef);
  doc.context.assign(
    outlinesRef,
    doc.context.obj({ Type: 'Outlines', First: top[0]!, Last: top.at(-1)!, Count: top.length }),
  );
  doc.catalog.set(PDFName.of('Outlines'), outlinesRef);
}

/** /PageLabels so that a reader's "go to page 37" lands on folio 37 (ISO 32000-1 §12.4.2). */
function writePageLabels(doc: PDFDocument, layout: Layout, withCover: boolean): void {
  const ctx = doc.context;
  const nums: PDFObject[] = [];
  const offset = withCover ? 1 : 0;
  if (withCover) nums.push(PDFNumber.of(0), ctx.obj({ P: PDFString.of('Cover') }));
  nums.push(PDFNumber.of(offset), ctx.obj({ S: 'r' }));
  const firstArabic = layout.parts.findIndex((p) => p.part.folioStyle === 'arabic');
  if (firstArabic >= 0) {
    nums.push(PDFNumber.of(offset + layout.placements[firstArabic]!.firstPage), ctx.obj({ S: 'D', St: 1 }));
  }
  doc.catalog.set(PDFName.of('PageLabels'), ctx.obj({ Nums: ctx.obj(nums) }));
}

function writeMetadata(doc: PDFDocument, book: Book, date: Date): void {
  const c = book.config;
  doc.setTitle(documentTitle(book), { showInWindowTitleBar: true });
  doc.setAuthor(c.authors.map((a) => (typeof a === 'string' ? a : a.name)).join(', '));
  if (c.description) doc.setSubject(c.description);
  if (c.subjects.length) doc.setKeywords(c.subjects);
  doc.setLanguage(c.language);
  doc.setCreator(CREATOR_TOOL);
  doc.setProducer(PRODUCER);
  doc.setCreationDate(date);
  doc.setModificationDate(date);
  writeXmp(doc, book, date);
}

/**
 * Grows each page by the bleed without moving the trim: KDP bleeds the top, bottom and outside
 * edges (a recto's outside is its right), Lulu all four. TrimBox marks the trim, BleedBox the page.
 */
function addBleed(page: PDFPage, index: number, layout: Layout): void {
  const g = layout.geometry;
  const w = g.width * PT;
  const h = g.height * PT;
  const b = g.bleed * PT;
  const m = g.markMargin * PT;
  if (b === 0 && m === 0) {
    page.setTrimBox(0, 0, w, h);
    page.setBleedBox(0, 0, w, h);
    return;
  }
  const recto = index % 2 === 0;
  const left = g.bleedEdges === 'all' || !recto ? b : 0;
  const right = g.bleedEdges === 'all' || recto ? b : 0;
  page.setMediaBox(0, 0, w + left + right + 2 * m, h + 2 * b + 2 * m);
  page.node.delete(PDFName.of('CropBox'));
  page.translateContent(m + left, m + b);
  page.setTrimBox(m + left, m + b, w, h);
  page.setBleedBox(m, m, w + left + right, h + 2 * b);
  // pdf-lib draws inside the translation just applied: the trim's corner is the origin there.
  if (m > 0) drawCropMarks(page, 0, 0, w, h, b + 3);
}

/** Hairline marks at the four corners of the trim, drawn in the margin outside the bleed. */
function drawCropMarks(page: PDFPage, x: number, y: number, w: number, h: number, gap: number): void {
  const length = 18;
  const line = (x1: number, y1: number, x2: number, y2: number): void =>
    page.drawLine({ start: { x: x1, y: y1 }, end: { x: x2, y: y2 }, thickness: 0.25, color: rgb(0, 0, 0) });
  for (const cx of [x, x + w]) {
    for (const cy of [y, y + h]) {
      const sx = cx === x ? -1 : 1;
      const sy = cy === y ? -1 : 1;
      line(cx + sx * gap, cy, cx + sx * (gap + length), cy); // horizontal, beside the corner
      line(cx, cy + sy * gap, cx, cy + sy * (gap + length)); // vertical, above or below it
    }
  }
}
