/**
 * The PDFs' XMP metadata stream (ISO 16684-1; ISO 32000-1 §14.3.2): the same title, authors,
 * language and dates as the Info dictionary, for the tools that read only XMP (catalogues,
 * accessibility checkers). The dates are the build's date, so the bytes stay reproducible. It
 * claims no conformance (no pdfuaid or pdfaid entry): the PDF is tagged, not validated as PDF/UA.
 */
import { PDFDocument, PDFName } from 'pdf-lib';
import type { Book } from '../model/book.ts';
import { bookData } from '../render/book-data.ts';

export const CREATOR_TOOL = 'printable-ebook-builder';
export const PRODUCER = 'printable-ebook-builder with Chromium and pdf-lib';

/** The document title as the Info dictionary and the XMP both give it. */
export function documentTitle(book: Book): string {
  const c = book.config;
  return c.subtitle ? `${c.title}: ${c.subtitle}` : c.title;
}

export function writeXmp(doc: PDFDocument, book: Book, date: Date): void {
  const data = bookData(book);
  const when = date.toISOString().replace(/\.\d{3}Z$/, 'Z');
  const alt = (text: string): string => `<rdf:Alt><rdf:li xml:lang="x-default">${esc(text)}</rdf:li></rdf:Alt>`;
  const list = (kind: 'Seq' | 'Bag', items: string[]): string =>
    `<rdf:${kind}>${items.map((i) => `<rdf:li>${esc(i)}</rdf:li>`).join('')}</rdf:${kind}>`;
  const lines = [
    `<dc:format>application/pdf</dc:format>`,
    `<dc:title>${alt(documentTitle(book))}</dc:title>`,
    `<dc:creator>${list('Seq', data.authorNames)}</dc:creator>`,
    `<dc:language>${list('Bag', [data.language])}</dc:language>`,
    `<dc:identifier>${esc(data.identifier)}</dc:identifier>`,
    data.description ? `<dc:description>${alt(data.description)}</dc:description>` : '',
    data.subjects.length ? `<dc:subject>${list('Bag', data.subjects)}</dc:subject>` : '',
    data.publisher ? `<dc:publisher>${list('Bag', [data.publisher])}</dc:publisher>` : '',
    data.rights ? `<dc:rights>${alt(data.rights)}</dc:rights>` : '',
    `<xmp:CreateDate>${when}</xmp:CreateDate>`,
    `<xmp:ModifyDate>${when}</xmp:ModifyDate>`,
    `<xmp:MetadataDate>${when}</xmp:MetadataDate>`,
    `<xmp:CreatorTool>${CREATOR_TOOL}</xmp:CreatorTool>`,
    `<pdf:Producer>${esc(PRODUCER)}</pdf:Producer>`,
    data.subjects.length ? `<pdf:Keywords>${esc(data.subjects.join(' '))}</pdf:Keywords>` : '',
  ].filter(Boolean);
  const xml = [
    '<?xpacket begin="\uFEFF" id="W5M0MpCehiHzreSzNTczkc9d"?>',
    '<x:xmpmeta xmlns:x="adobe:ns:meta/">',
    '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">',
    '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:xmp="http://ns.adobe.com/xap/1.0/" xmlns:pdf="http://ns.adobe.com/pdf/1.3/">',
    ...lines,
    '</rdf:Description>',
    '</rdf:RDF>',
    '</x:xmpmeta>',
    '<?xpacket end="w"?>',
  ].join('\n');
  // Uncompressed, as XMP packets should be, so that a tool scanning the bytes finds it.
  const stream = doc.context.stream(new TextEncoder().encode(xml), { Type: 'Metadata', Subtype: 'XML' });
  doc.catalog.set(PDFName.of('Metadata'), doc.context.register(stream));
}

const esc = (text: string): string => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
