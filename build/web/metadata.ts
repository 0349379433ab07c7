/**
 * What the site tells link previews and search engines: Open Graph properties, a schema.org Book
 * (JSON-LD) with its editions, and, when book.yaml gives web.baseUrl, canonical URLs, absolute
 * og:image and a sitemap. Without a base URL nothing absolute is written: the site must work from
 * any folder and any sub-path, and a guessed address would be wrong.
 */
import type { Book } from '../model/book.ts';
import type { BookData } from '../render/book-data.ts';
import { normalizeIsbn13 } from '../config/schema.ts';

export interface Download {
  format: 'pdf' | 'epub' | 'print' | 'cover';
  /** File name inside the site's folder. */
  file: string;
  bytes: number;
  mediaType: string;
}

export interface MetaTag {
  property?: string;
  name?: string;
  content: string;
}

export const absoluteUrl = (book: Book, file: string): string | undefined =>
  book.config.web.baseUrl ? new URL(file === 'index.html' ? '' : file, book.config.web.baseUrl).href : undefined;

/** Open Graph and description tags for a page; `file` is the page, `title` its own title. */
export function metaTags(book: Book, data: BookData, file: string, title: string, landing: boolean): MetaTag[] {
  const tags: MetaTag[] = [];
  if (data.description) tags.push({ name: 'description', content: data.description });
  tags.push({ property: 'og:title', content: title });
  tags.push({ property: 'og:type', content: landing ? 'book' : 'article' });
  tags.push({ property: 'og:site_name', content: data.title });
  tags.push({ property: 'og:locale', content: data.language.replace('-', '_') });
  if (data.description) tags.push({ property: 'og:description', content: data.description });
  const url = absoluteUrl(book, file);
  if (url) tags.push({ property: 'og:url', content: url });
  const image = absoluteUrl(book, 'cover.jpg');
  if (image) {
    tags.push({ property: 'og:image', content: image }, { property: 'og:image:type', content: 'image/jpeg' });
    tags.push({ property: 'og:image:alt', content: `${data.title}: the cover` });
  }
  if (landing) {
    for (const a of data.authors.filter((x) => x.role === 'aut')) tags.push({ property: 'book:author', content: a.name });
    const isbn = data.printIsbn ? normalizeIsbn13(data.printIsbn) : undefined;
    if (isbn) tags.push({ property: 'book:isbn', content: isbn });
    if (data.date) tags.push({ property: 'book:release_date', content: data.date });
    for (const tag of data.subjects) tags.push({ property: 'book:tag', content: tag });
  }
  return tags;
}

/**
 * The schema.org Book of the landing page, with one workExample per edition: the paperback (its
 * page count, its ISBN when known), the EPUB and the screen PDF, each with its file.
 */
export function bookJsonLd(book: Book, data: BookData, options: { printPageCount: number; words: number; downloads: Download[] }): string {
  const url = (file: string): string => absoluteUrl(book, file) ?? file;
  const isbn = data.printIsbn ? normalizeIsbn13(data.printIsbn) : undefined;
  const person = (a: BookData['authors'][number]): object => ({ '@type': 'Person', name: a.name });
  const editions: object[] = [
    {
      '@type': 'Book',
      bookFormat: 'https://schema.org/Paperback',
      numberOfPages: options.printPageCount,
      ...(isbn ? { isbn } : {}),
    },
  ];
  for (const d of options.downloads) {
    if (d.format !== 'epub' && d.format !== 'pdf') continue;
    editions.push({
      '@type': 'Book',
      bookFormat: 'https://schema.org/EBook',
      encodingFormat: d.mediaType,
      url: url(d.file),
      contentSize: `${d.bytes} B`,
      ...(d.format === 'pdf' ? { numberOfPages: options.printPageCount } : {}),
    });
  }
  const value = {
    '@context': 'https://schema.org',
    '@type': 'Book',
    name: data.title,
    ...(data.subtitle ? { alternativeHeadline: data.subtitle } : {}),
    author: data.authors.filter((a) => a.role === 'aut').map(person),
    ...(data.authors.some((a) => a.role === 'edt') ? { editor: data.authors.filter((a) => a.role === 'edt').map(person) } : {}),
    ...(data.authors.some((a) => a.role === 'trl') ? { translator: data.authors.filter((a) => a.role === 'trl').map(person) } : {}),
    inLanguage: data.language,
    ...(data.description ? { description: data.description } : {}),
    ...(data.publisher ? { publisher: { '@type': 'Organization', name: data.publisher } } : {}),
    ...(data.date ? { datePublished: data.date } : {}),
    ...(data.edition ? { bookEdition: data.edition } : {}),
    ...(data.rights ? { copyrightNotice: data.rights } : {}),
    ...(data.subjects.length ? { keywords: data.subjects.join(', ') } : {}),
    identifier: data.identifier,
    wordCount: options.words,
    image: url('cover.jpg'),
    url: url('index.html'),
    workExample: editions,
  };
  // Inside a <script> element: "</" and "<!--" may not appear as they are.
  return JSON.stringify(value, null, 2).replace(/</g, '\\u003c');
}

/** sitemap.xml, with the landing page first; only with a base URL (a sitemap's addresses are absolute). */
export function sitemap(book: Book, pages: string[], modified: Date): string | undefined {
  if (!book.config.web.baseUrl) return undefined;
  const day = modified.toISOString().slice(0, 10);
  const escape = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const urls = pages.map((p) => `  <url><loc>${escape(absoluteUrl(book, p)!)}</loc><lastmod>${day}</lastmod></url>`);
  return `<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n${urls.join('\n')}\n</urlset>\n`;
}
