/** Reads built PDFs the way a reader or a printer's preflight would: text, outline, labels, fonts, boxes. */
import { readFileSync } from 'node:fs';
import { PDFArray, PDFDict, PDFDocument, PDFName, PDFRef, PDFStream } from 'pdf-lib';
import { getDocument, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';

export async function openPdfjs(file: string): Promise<PDFDocumentProxy> {
  const data = new Uint8Array(readFileSync(file));
  return getDocument({ data, disableFontFace: true, useSystemFonts: false, isEvalSupported: false, verbosity: 0 }).promise;
}

/** Text of every page, soft hyphens removed and white space folded. */
export async function pageTexts(doc: PDFDocumentProxy): Promise<string[]> {
  const texts: string[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    const text = content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : '') : '')).join('');
    texts.push(text.replace(/\u00ad/g, '').replace(/[ \t]+/g, ' '));
  }
  return texts;
}

export interface OutlineItem {
  title: string;
  page: number;
  items: OutlineItem[];
}

/** The bookmarks, with the 0-based page each points to. */
export async function outline(doc: PDFDocumentProxy): Promise<OutlineItem[]> {
  type Node = Awaited<ReturnType<PDFDocumentProxy['getOutline']>>[number];
  const resolve = async (nodes: Node[]): Promise<OutlineItem[]> =>
    Promise.all(
      nodes.map(async (node) => {
        const dest = typeof node.dest === 'string' ? await doc.getDestination(node.dest) : node.dest;
        const page = dest ? await doc.getPageIndex(dest[0] as { num: number; gen: number }) : -1;
        return { title: node.title, page, items: await resolve(node.items) };
      }),
    );
  return resolve((await doc.getOutline()) ?? []);
}

export interface FontInfo {
  name: string;
  subtype: string;
  embedded: boolean;
}

/** Every font used on every page (and in form XObjects), as pdffonts lists them. */
export async function fontsOf(file: string): Promise<FontInfo[]> {
  const doc = await PDFDocument.load(readFileSync(file), { updateMetadata: false });
  const seen = new Set<string>();
  const fonts: FontInfo[] = [];
  const visitResources = (resources: PDFDict | undefined): void => {
    if (!resources) return;
    const fontDict = resources.lookupMaybe(PDFName.of('Font'), PDFDict);
    for (const [, ref] of fontDict?.entries() ?? []) {
      const key = ref instanceof PDFRef ? ref.toString() : String(Math.random());
      if (seen.has(key)) continue;
      seen.add(key);
      const font = doc.context.lookup(ref, PDFDict);
      const subtype = font.lookup(PDFName.of('Subtype'), PDFName).asString();
      const name = font.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.asString() ?? '(none)';
      let descriptor = font.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
      const descendants = font.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
      if (descendants) descriptor = doc.context.lookup(descendants.get(0), PDFDict).lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
      const embedded = ['FontFile', 'FontFile2', 'FontFile3'].some((k) => descriptor?.has(PDFName.of(k)));
      fonts.push({ name, subtype, embedded: subtype === '/Type3' ? true : embedded });
    }
    const xobjects = resources.lookupMaybe(PDFName.of('XObject'), PDFDict);
    for (const [, ref] of xobjects?.entries() ?? []) {
      const stream = doc.context.lookup(ref);
      if (stream instanceof PDFStream) visitResources(stream.dict.lookupMaybe(PDFName.of('Resources'), PDFDict));
    }
  };
  for (const page of doc.getPages()) visitResources(page.node.Resources());
  return fonts;
}

export async function pdfLib(file: string): Promise<PDFDocument> {
  return PDFDocument.load(readFileSync(file), { updateMetadata: false });
}

export function box(page: ReturnType<PDFDocument['getPages']>[number], name: 'TrimBox' | 'BleedBox' | 'MediaBox'): number[] {
  const array = page.node.lookupMaybe(PDFName.of(name), PDFArray);
  return array ? array.asArray().map((n) => Number(n.toString())) : [];
}
