/**
 * Builds the EPUB 3 package in memory: one XHTML document per section, title and copyright
 * pages, the navigation document and NCX, the package document, stylesheet and images.
 */
import { readFile } from 'node:fs/promises';
import type { Book, Section } from '../model/book.ts';
import type { Templates } from '../render/templates.ts';
import { ariaRoleOf, bookData, coverAlt } from '../render/book-data.ts';
import { labelsFor } from '../render/labels.ts';
import { hasMath, isCjkLanguage } from '../fonts.ts';
import { resolveAsset } from '../assets.ts';
import { prepareEpubImage, type EpubImage } from './images.ts';
import { codeCharacters, epubCodeFonts, epubFonts, epubMathFonts, mathCharacters, type EpubFont } from './fonts.ts';
import { markBlocks } from '../render/blocks.ts';
import { listEntries } from '../model/book.ts';
import { linkedIndex } from '../model/book-index.ts';
import { stripSourceLines } from '../markdown/source-lines.ts';
import type { PageBreak } from '../pdf/layout.ts';

export interface EpubFile {
  /** Path inside the EPUB/ folder of the container. */
  href: string;
  id: string;
  mediaType: string;
  data: Buffer | string;
  properties?: string;
  /** Place in the spine, for reading documents. */
  spine?: { linear: boolean };
}

export interface EpubPackage {
  files: EpubFile[];
  /** The package document (EPUB/package.opf). */
  opf: string;
}

const XHTML = 'application/xhtml+xml';

const EPUB_TYPES: Record<string, string> = {
  acknowledgements: 'acknowledgments',
  about: 'appendix',
  // The EPUB vocabulary's list of illustrations and list of tables.
  figures: 'loi',
  tables: 'lot',
};


/** Fonts and images for the EPUB: they depend on the model only, so they can be made early. */
export interface EpubAssets {
  fonts: EpubFont[];
  images: EpubImage[];
}

/**
 * Subsets the fonts to every character the book's text, metadata and labels use, and resizes the
 * images. Started while the browser lays the book out, it costs the build nothing.
 */
export async function prepareEpubAssets(book: Book): Promise<EpubAssets> {
  const data = bookData(book);
  const labels = labelsFor(book.config.language);
  const text = [
    ...book.sections.flatMap((s) => [s.title, s.bodyHtml, ...s.notes.map((n) => n.html)]),
    ...Object.values(data).filter((v): v is string => typeof v === 'string'),
    ...data.authorNames,
    ...Object.values(labels),
    '0123456789 ivxlcdm.,:;!?()[]“”‘’«»–—…',
  ]
    .join(' ')
    .replace(/<[^>]+>/g, '');
  const [textFonts, codeFonts, mathFonts, images] = await Promise.all([
    isCjkLanguage(book.config.language) ? Promise.resolve([]) : epubFonts(book.config.language, text),
    epubCodeFonts(bookCodeCharacters(book)),
    epubMathFonts(bookMathCharacters(book)),
    // SVG images are drawn inline in the documents (build/markdown/inline-svg.ts), not linked.
    Promise.all(book.images.filter((asset) => !asset.inline).map((asset) => prepareEpubImage(asset))),
  ]);
  return { fonts: [...textFonts, ...codeFonts, ...mathFonts], images };
}

/** The characters of the book's formulas, which the math face is subset to. */
const bookMathCharacters = (book: Book): string =>
  mathCharacters(book.sections.flatMap((s) => [s.titleHtml, s.bodyHtml, ...s.notes.map((n) => n.html)]));

/** The characters of the book's code (titles, text and notes), which the code face is subset to. */
const bookCodeCharacters = (book: Book): string =>
  codeCharacters(book.sections.flatMap((s) => [s.titleHtml, s.bodyHtml, ...s.notes.map((n) => n.html)]));

export interface EpubExtras {
  /** From prepareEpubAssets(), when it was started earlier. */
  assets?: Promise<EpubAssets>;
  /** The cover image (see build/cover), shown on its own page first and marked as the cover. */
  coverJpeg?: Buffer;
  /** Where the print edition's pages begin (from its layout): page-break markers and a page list. */
  pageBreaks?: PageBreak[];
  /** How the print edition is identified in dc:source (its ISBN when known). */
  printSource?: string;
}

export async function buildEpubPackage(book: Book, templates: Templates, modified: Date, extras: EpubExtras = {}): Promise<EpubPackage> {
  const { coverJpeg, pageBreaks = [] } = extras;
  const lang = book.config.language;
  const labels = labelsFor(lang);
  const data = bookData(book);
  const cjk = isCjkLanguage(lang);
  const docOf = (s: Section): string => `text/${s.id}.xhtml`;
  const homeOf = new Map<string, string>([
    ['title-page', 'text/title-page.xhtml'],
    ['copyright', 'text/copyright.xhtml'],
    ['contents', 'nav.xhtml'],
    ['toc', 'nav.xhtml'],
  ]);
  for (const [id, sid] of book.idToSection) homeOf.set(id, `text/${sid}.xhtml`);
  for (const s of book.sections) homeOf.set(s.id, docOf(s)); // the generated index has no file of its own

  /** Href from a document in folder `from` ("text" or "") to the document holding `id`. */
  const hrefTo = (id: string, fromDoc: string): string => {
    const home = homeOf.get(id);
    if (!home || home === fromDoc) return `#${id}`;
    const rel = fromDoc.startsWith('text/') && home.startsWith('text/') ? home.slice(5) : fromDoc.startsWith('text/') ? `../${home}` : home;
    return `${rel}#${id}`;
  };
  const relink = (html: string, fromDoc: string): string =>
    stripSourceLines(html).replace(/href="#([^"]+)"/g, (_, id: string) => `href="${hrefTo(decodeURIComponent(id), fromDoc)}"`).replace(/src="images\//g, 'src="../images/');

  const files: EpubFile[] = [];
  // Latin-script books carry their typeface, books with code the code face and books with
  // formulas the math face (subset below, once the text is known).
  const embedFonts = !cjk || bookCodeCharacters(book) !== '' || bookMathCharacters(book) !== '';
  const common = { lang, labels, words: book.references.words, book: data, cjk, stylesheet: '../css/book.css', fontStylesheet: embedFonts ? '../css/fonts.css' : undefined };
  const page = (href: string, id: string, division: string, role: string, title: string, extra: object = {}): void => {
    const data = templates.render('epub/document.xhtml', { ...common, division, role, title, ...extra });
    // A document holding inline SVG or MathML must say so in the manifest (EPUB 3.3, the svg and
    // mathml properties), as a space-separated list.
    const properties = [/<svg[\s>]/.test(data) ? 'svg' : '', hasMath(data) ? 'mathml' : ''].filter(Boolean).join(' ');
    files.push({
      href,
      id,
      mediaType: XHTML,
      data,
      ...(properties ? { properties } : {}),
      spine: { linear: true },
    });
  };
  if (coverJpeg) {
    files.push({ href: 'images/cover.jpg', id: 'cover-image', mediaType: 'image/jpeg', data: coverJpeg, properties: 'cover-image' });
    const alt = coverAlt(data);
    page('text/cover.xhtml', 'cover', 'cover', 'cover', labels.cover, { cover: { href: '../images/cover.jpg', alt } });
    homeOf.set('cover', 'text/cover.xhtml');
  }
  page('text/title-page.xhtml', 'title-page', 'frontmatter', 'title-page', book.config.title);
  page('text/copyright.xhtml', 'copyright', 'frontmatter', 'copyright', 'Copyright');

  const tocEntries = book.sections.map((s) => ({
    title: s.title,
    number: s.number,
    numberLabel: s.numberLabel,
    href: hrefTo(s.id, 'nav.xhtml'),
    children:
      book.config.contents.depth >= 2
        ? s.headings.filter((h) => h.level === 2).map((h) => ({ title: h.text, href: hrefTo(h.id, 'nav.xhtml') }))
        : [],
  }));
  const firstBody = book.sections.find((s) => s.division === 'body') ?? book.sections[0]!;
  // The navigation document comes here in the spine; it is written after the sections, which
  // supply its page list.
  const nav: EpubFile = { href: 'nav.xhtml', id: 'nav', mediaType: XHTML, properties: 'nav', data: '', spine: { linear: true } };
  files.push(nav);

  const pageList: { label: string; href: string }[] = [];
  for (const s of book.sections) {
    const doc = docOf(s);
    const breaks = new Map(pageBreaks.filter((b) => b.sectionId === s.id).map((b) => [b.block, b.label]));
    const marker = (label: string | undefined): string => {
      if (label === undefined) return '';
      pageList.push({ label, href: `${doc}#page-${label}` });
      return templates.render('epub/pagebreak', { label });
    };
    const startMarker = marker(breaks.get(0));
    const bodyHtml = markBlocks(relink(s.bodyHtml, doc), (n) => marker(breaks.get(n)));
    page(doc, s.id, s.division === 'front' ? 'frontmatter' : s.division === 'back' ? 'backmatter' : 'bodymatter', 'section', s.title, {
      section: {
        id: s.id,
        kind: s.kind,
        number: s.number,
        numberLabel: s.numberLabel,
        epubType: EPUB_TYPES[s.kind] ?? s.kind,
        ariaRole: ariaRoleOf(s.kind),
        titleHtml: s.titleHtml,
        startMarker,
        bodyHtml,
        notes: s.notes.map((n) => ({ ...n, backref: n.refIds[0], html: relink(n.html, doc) })),
        list: listEntries(book, s.kind).map((t) => ({ ...t, href: hrefTo(t.id, doc) })),
        index: s.kind === 'index' ? linkedIndex(book.index.groups, (id) => hrefTo(id, doc)) : undefined,
      },
    });
  }

  nav.data = templates.render('epub/nav.xhtml', {
    ...common,
    stylesheet: 'css/book.css',
    fontStylesheet: embedFonts ? 'css/fonts.css' : undefined,
    toc: tocEntries,
    landmarks: [
      ...(coverJpeg ? [{ type: 'cover', href: 'text/cover.xhtml', title: labels.cover }] : []),
      { type: 'toc', href: 'nav.xhtml#toc', title: labels.contents },
      { type: 'bodymatter', href: hrefTo(firstBody.id, 'nav.xhtml'), title: firstBody.title },
    ],
    pageList,
  });


  let playOrder = 0;
  const ncx = tocEntries.map((e) => ({
    ...e,
    playOrder: ++playOrder,
    children: e.children.map((c) => ({ ...c, playOrder: ++playOrder })),
  }));
  files.push({
    href: 'toc.ncx',
    id: 'ncx',
    mediaType: 'application/x-dtbncx+xml',
    data: templates.render('epub/toc.ncx', { ...common, ncx, depth: book.config.contents.depth >= 2 ? 2 : 1 }),
  });
  files.push({
    href: 'css/book.css',
    id: 'css',
    mediaType: 'text/css',
    data: await readFile(resolveAsset(book.bookDir, 'css/epub.css')),
  });
  const { fonts, images } = await (extras.assets ?? prepareEpubAssets(book));
  if (embedFonts) {
    fonts.forEach((font, k) => files.push({ href: font.href, id: `font-${k + 1}`, mediaType: 'font/ttf', data: font.data }));
    files.push({ href: 'css/fonts.css', id: 'fonts-css', mediaType: 'text/css', data: templates.render('epub/fonts.css', { fonts, textFamily: fonts.find((f) => f.role === 'text')?.family, mathFamily: fonts.find((f) => f.role === 'math')?.family }) });
  }
  images.forEach((image, k) => files.push({ href: image.href, id: `image-${k + 1}`, mediaType: image.mediaType, data: image.data }));

  const withMath = files.some((f) => f.properties?.split(' ').includes('mathml'));
  const opf = templates.render('epub/package.opf', {
    ...common,
    modified: modified.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    hasImages: images.length > 0 || book.images.length > 0,
    hasMath: withMath,
    hasIndex: book.index.marks.length > 0,
    accessibilitySummary:
      'This publication has a structured table of contents and headings, notes linked both ways, and a logical reading order.' +
      (book.images.length > 0 ? ' Every image has a text alternative.' : ' It contains no images.') +
      (withMath ? ' Mathematics is written in MathML, with its TeX source as alternative text.' : ''),
    certifiedBy: data.publisher ?? data.authorNames.join(', '),
    coverId: coverJpeg ? 'cover-image' : undefined,
    pagination: pageList.length > 0 ? { source: extras.printSource ?? `${book.config.identifier}` } : undefined,
    manifest: files.map((f) => ({ id: f.id, href: f.href, mediaType: f.mediaType, properties: f.properties })),
    spine: files.filter((f) => f.spine).map((f) => ({ idref: f.id, linear: f.spine!.linear })),
  });
  return { files, opf };
}
