/**
 * One part's pages as a PDF of their own, dressed in their running heads and folios, as the
 * preview shows them (it fetches again only the parts whose key changed).
 */
import { PDFDocument } from 'pdf-lib';
import type { Layout } from './layout.ts';
import { dressPages } from './furniture.ts';
import './native-deflate.ts'; // before any save

/** Changes whenever the part's pages or their furniture may have. */
export function partPdfKey(layout: Layout, index: number): string {
  const laid = layout.parts[index]!;
  const placement = layout.placements[index]!;
  return [layout.documents[laid.document]!.key, laid.part.key, laid.firstPage, laid.pageCount, placement.firstPage, placement.firstFolio, layout.furnitureKey].join(':');
}

export async function partPdf(layout: Layout, index: number): Promise<Uint8Array> {
  const laid = layout.parts[index]!;
  const source = layout.documents[laid.document]!.doc;
  const doc = await PDFDocument.create({ updateMetadata: false });
  const range = Array.from({ length: laid.pageCount }, (_, k) => laid.firstPage + k);
  const pages = (await doc.copyPages(source, range)).map((p) => doc.addPage(p));
  const first = layout.placements[index]!.firstPage;
  await dressPages(doc, pages, range.map((k) => first + k - laid.firstPage), await layout.furniture, layout.geometry);
  return doc.save({ updateFieldAppearances: false });
}
