/**
 * The web edition (--format web): a static site in one folder, readable from file:// and from any
 * sub-path of any static host. It reads the Book model and the files the build made for it (the
 * cover JPEG, the PDFs, the EPUB) and nothing of the other renderers.
 *
 *   index.html            landing page: cover, facts, downloads, contents
 *   <section>.html        one page per section
 *   search.html           the search page; assets/search-index.js is loaded only there, on a query
 *   assets/               site.css (fonts + web.css), book.js, minisearch.js, fonts/*.woff2
 *   images/, cover.jpg    the book's images for screens
 *   <slug>.pdf, .epub     the downloads (and the print files with web.printFiles)
 *   sitemap.xml           with web.baseUrl only
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';
import type { Book } from '../model/book.ts';
import type { Templates } from '../render/templates.ts';
import { resolveAsset } from '../assets.ts';
import { bookData } from '../render/book-data.ts';
import { labelsFor, webLabelsFor } from '../render/labels.ts';
import { codeCharacters, mathCharacters } from '../font-characters.ts';
import { webFonts, type WebFonts } from './fonts.ts';
import { prepareWebImage, type WebImage } from './images.ts';
import { linker } from './links.ts';
import { formatBytes, renderPages } from './pages.ts';
import { searchFiles, type SearchFiles } from './search.ts';
import { sitemap, type Download } from './metadata.ts';

/** What depends on the model only, made while the browser lays the book out. */
export interface WebAssets {
  fonts: WebFonts;
  /** The characters the text faces were subset to. */
  textChars: Set<string>;
  images: WebImage[];
  search: SearchFiles;
}

const fragments = (book: Book): string[] => book.sections.flatMap((s) => [s.titleHtml, s.bodyHtml, ...s.notes.map((n) => n.html)]);

/** Set in the code or math face, or never shown: not the text faces' business. */
const OTHER_FACES = new Set(['pre', 'code', 'kbd', 'samp', 'math', 'script', 'style', 'title']);

/**
 * The characters HTML shows in the text faces: text nodes (entities decoded) outside code, math
 * and scripts, and the placeholders of inputs. (A page's <title> is drawn by the browser's own UI.)
 */
function shownCharacters(htmls: string[], into = new Set<string>()): Set<string> {
  for (const html of htmls) {
    /** Open elements set in another face, innermost last. */
    const open: string[] = [];
    const parser = new Parser({
      onopentag(name, attribs) {
        if (OTHER_FACES.has(name) || /\bsvg-code\b/.test(attribs.class ?? '')) open.push(name);
        if (attribs.placeholder) for (const ch of attribs.placeholder) into.add(ch);
      },
      onclosetag(name) {
        if (open[open.length - 1] === name) open.pop();
      },
      ontext(text) {
        if (open.length === 0) for (const ch of text) into.add(ch);
      },
    });
    parser.write(html);
    parser.end();
  }
  return into;
}

/** Every character the pages can show in the text face, known before they are rendered. */
function expectedTextCharacters(book: Book): Set<string> {
  const lang = book.config.language;
  const data = bookData(book);
  const chars = shownCharacters([...fragments(book), data.creditsHtml]);
  const strings = [
    ...Object.values(data).filter((v): v is string => typeof v === 'string'),
    ...data.authorNames,
    ...data.subjects,
    ...Object.values(labelsFor(lang)),
    ...Object.values(webLabelsFor(lang)),
    ...Object.values(book.references.words).filter((v): v is string => typeof v === 'string'),
    // What Intl writes for sizes, counts and durations in this language (digits, separators, units).
    formatBytes(lang, 123_456),
    formatBytes(lang, 7_890_123),
    new Intl.NumberFormat(lang).format(1_234_567.5),
    new Intl.NumberFormat(lang, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(45),
    new Intl.NumberFormat(lang, { style: 'unit', unit: 'hour', unitDisplay: 'long' }).format(2.5),
    // And what the templates write themselves (the pager's arrows, the note's return link).
    '0123456789 .,:;!?()[]“”‘’«»–—…·›↩×←→',
  ];
  for (const s of strings) for (const ch of s) chars.add(ch);
  return chars;
}

export async function prepareWebAssets(book: Book): Promise<WebAssets> {
  const textChars = expectedTextCharacters(book);
  const [fonts, images, search] = await Promise.all([
    subsetFonts(book, textChars),
    // SVG images are drawn inline in the pages (build/markdown/inline-svg.ts), not linked.
    Promise.all(book.images.filter((a) => !a.inline).map((a) => prepareWebImage(a))),
    searchFiles(book),
  ]);
  return { fonts, textChars, images, search };
}

const subsetFonts = (book: Book, textChars: Set<string>): Promise<WebFonts> =>
  webFonts(book.config.language, [...textChars].join(''), codeCharacters(fragments(book)), mathCharacters(fragments(book)));

export interface WebSiteInput {
  book: Book;
  templates: Templates;
  date: Date;
  /** The folder to write into: empty, and renamed into place by the caller when the build succeeds. */
  dir: string;
  /** The EPUB's cover (build/cover), shown on the landing page and in link previews. */
  coverJpeg: Buffer;
  printPageCount: number;
  /** The files the landing page offers, copied into the site. */
  downloads: { format: Download['format']; file: string; data: Uint8Array }[];
  assets?: Promise<WebAssets>;
}

/**
 * CSS without its comments and runs of white space: a third smaller, on every page. Strings keep
 * their characters (no rule of ours holds a run of spaces in a string).
 */
const compactCss = (css: string): string =>
  css
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};])\s*/g, '$1')
    .trim();

const MEDIA_TYPES: Record<Download['format'], string> = {
  pdf: 'application/pdf',
  epub: 'application/epub+zip',
  print: 'application/pdf',
  cover: 'application/pdf',
};

export async function writeWebSite(input: WebSiteInput): Promise<{ files: number; pages: string[] }> {
  const { book, dir } = input;
  const assets = await (input.assets ?? prepareWebAssets(book));
  const sizes = new Map(assets.images.map((i) => [i.href, i]));
  const link = linker(book, (href) => {
    const image = sizes.get(href);
    return image?.width && image.height ? { width: image.width, height: image.height } : undefined;
  });
  const cover = await sharp(input.coverJpeg).metadata();
  const downloads: Download[] = input.downloads.map((d) => ({ format: d.format, file: d.file, bytes: d.data.byteLength, mediaType: MEDIA_TYPES[d.format] }));
  const render = (fonts: WebFonts): ReturnType<typeof renderPages> =>
    renderPages({
      book,
      templates: input.templates,
      linker: link,
      words: assets.search.words,
      printPageCount: input.printPageCount,
      downloads,
      cover: { width: cover.width ?? 1563, height: cover.height ?? 2500 },
    });
  let fonts = assets.fonts;
  let pages = render(fonts);
  // A character the pages show that the early subset did not foresee: subset again, with it.
  const shown = shownCharacters(pages.map((p) => p.html));
  const missing = [...shown].filter((ch) => !assets.textChars.has(ch) && ch.trim() !== '');
  if (missing.length > 0) {
    fonts = await subsetFonts(book, new Set([...assets.textChars, ...missing]));
    pages = render(fonts);
  }

  const files = new Map<string, Uint8Array | string>();
  for (const page of pages) files.set(page.file, page.html);
  const css = await readFile(resolveAsset(book.bookDir, 'css/web.css'), 'utf8');
  files.set('assets/site.css', `/* The book's faces, subset to its text, and web.css (generated). */\n${compactCss(`${fonts.css}\n${css}`)}\n`);
  files.set('assets/book.js', await readFile(resolveAsset(book.bookDir, 'web/book.js'), 'utf8'));
  files.set('assets/minisearch.js', assets.search.library);
  files.set('assets/search-index.js', assets.search.index);
  for (const font of fonts.fonts) files.set(font.href, font.data);
  for (const image of assets.images) files.set(image.href, image.data);
  files.set('cover.jpg', input.coverJpeg);
  for (const d of input.downloads) files.set(d.file, d.data);
  const map = sitemap(book, pages.filter((p) => p.file !== 'search.html').map((p) => p.file), input.date);
  if (map) files.set('sitemap.xml', map);

  for (const [rel, data] of files) {
    const target = path.join(dir, rel);
    await mkdir(path.dirname(target), { recursive: true });
    await writeFile(target, data);
  }
  return { files: files.size, pages: pages.map((p) => p.file) };
}

/** The files the landing page offers, which a web build makes even when they were not asked for. */
export const webOffers = (config: { web: { printFiles: boolean } }): Download['format'][] =>
  config.web.printFiles ? ['pdf', 'epub', 'print', 'cover'] : ['pdf', 'epub'];
