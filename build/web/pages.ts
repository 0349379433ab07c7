/**
 * The site's pages, from the Book model and templates/web/: the landing page (cover, facts,
 * downloads, contents, colophon), one page per section with its notes and previous/next links,
 * and the search page. Every link is relative; absolute addresses only with web.baseUrl.
 */
import type { Book, Section } from '../model/book.ts';
import { listEntries } from '../model/book.ts';
import { linkedIndex } from '../model/book-index.ts';
import type { Templates } from '../render/templates.ts';
import { ariaRoleOf, bookData, coverAlt } from '../render/book-data.ts';
import { labelsFor, webLabelsFor, type WebLabels } from '../render/labels.ts';
import { isCjkLanguage } from '../fonts.ts';
import { hrefOfFile, pageOf, type Linker } from './links.ts';
import { absoluteUrl, bookJsonLd, metaTags, type Download } from './metadata.ts';
import { readingMinutes } from './text.ts';

export interface PageInput {
  book: Book;
  templates: Templates;
  linker: Linker;
  /** Words of prose per section id (text.ts). */
  words: Map<string, number>;
  printPageCount: number;
  downloads: Download[];
  cover: { width: number; height: number };
}

export interface Page {
  file: string;
  html: string;
}


const fullTitle = (s: Section): string => (s.numberLabel ? `${s.numberLabel}. ${s.title}` : s.title);

export function renderPages(input: PageInput): Page[] {
  const { book, templates, linker } = input;
  const lang = book.config.language;
  const data = bookData(book);
  const labels = labelsFor(lang);
  const web = webLabelsFor(lang);
  const common = { lang, labels, web, words: book.references.words, book: data, cjk: isCjkLanguage(lang) };
  const layout = (file: string, kind: string, title: string, content: string, extra: object = {}): Page => ({
    file,
    html: templates.render('web/page.html', {
      ...common,
      kind,
      pageTitle: title,
      content,
      meta: metaTags(book, data, file, title, kind === 'landing'),
      canonical: absoluteUrl(book, file),
      ...extra,
    }),
  });
  const pages: Page[] = [];
  const sections = book.sections;

  const toc = sections.map((s) => ({
    title: s.title,
    numberLabel: s.numberLabel,
    href: hrefOfFile(pageOf(s)),
    children: book.config.contents.depth >= 2 ? s.headings.filter((h) => h.level === 2).map((h) => ({ title: h.text, href: linker.hrefTo(h.id, 'index.html') })) : [],
  }));
  const totalWords = [...input.words.values()].reduce((a, b) => a + b, 0);
  // Reading starts where the book does: its first section, front matter included.
  const first = sections[0];
  const landing = templates.render('web/landing', {
    ...common,
    cover: { href: 'cover.jpg', ...input.cover, alt: coverAlt(data) },
    facts: facts(lang, web, input.printPageCount, totalWords),
    start: first ? { href: hrefOfFile(pageOf(first)) } : undefined,
    downloads: input.downloads.map((d) => ({ ...d, href: hrefOfFile(d.file), label: downloadLabel(web, d), size: formatBytes(lang, d.bytes) })),
    toc,
  });
  pages.push(
    layout('index.html', 'landing', data.subtitle ? `${data.title}: ${data.subtitle}` : data.title, landing, {
      jsonLd: bookJsonLd(book, data, { printPageCount: input.printPageCount, words: totalWords, downloads: input.downloads }),
      next: first ? { href: hrefOfFile(pageOf(first)), title: fullTitle(first) } : undefined,
    }),
  );

  sections.forEach((s, k) => {
    const file = pageOf(s);
    const prev = k > 0 ? sections[k - 1]! : undefined;
    const next = sections[k + 1];
    const content = templates.render('web/section', {
      ...common,
      section: {
        id: s.id,
        kind: s.kind,
        numberLabel: s.numberLabel,
        ariaRole: ariaRoleOf(s.kind),
        titleHtml: s.titleHtml,
        bodyHtml: linker.relink(s.bodyHtml, file),
        notes: s.notes.map((n) => ({ ...n, backref: n.refIds[0], html: linker.relink(n.html, file) })),
        list: listEntries(book, s.kind).map((t) => ({ ...t, href: linker.hrefTo(t.id, file) })),
        index: s.kind === 'index' ? linkedIndex(book.index.groups, (id) => linker.hrefTo(id, file)) : undefined,
      },
    });
    pages.push(
      layout(file, 'section', `${fullTitle(s)} · ${data.title}`, content, {
        prev: prev ? { href: hrefOfFile(pageOf(prev)), title: fullTitle(prev) } : { href: 'index.html', title: data.title },
        next: next ? { href: hrefOfFile(pageOf(next)), title: fullTitle(next) } : undefined,
        pager: true,
      }),
    );
  });

  pages.push(layout('search.html', 'search', `${web.search} · ${data.title}`, templates.render('web/search', common), { search: true }));
  return pages;
}

function downloadLabel(web: WebLabels, d: Download): string {
  return { pdf: web.screenPdf, epub: web.epub, print: web.printPdf, cover: web.printCover }[d.format];
}

/** "2.4 MB", "180 kB": SI units, as the unit names say, in the book's language. */
export function formatBytes(lang: string, bytes: number): string {
  const mb = bytes >= 1_000_000;
  return new Intl.NumberFormat(lang, {
    style: 'unit',
    unit: mb ? 'megabyte' : 'kilobyte',
    unitDisplay: 'short',
    maximumFractionDigits: mb ? 1 : 0,
  }).format(mb ? bytes / 1_000_000 : Math.max(1, bytes / 1000));
}

/** The landing page's facts: pages in print, words, and the time a reader needs. */
function facts(lang: string, web: WebLabels, pages: number, words: number): { value: string; label: string }[] {
  const number = new Intl.NumberFormat(lang);
  const minutes = readingMinutes(words, isCjkLanguage(lang));
  const time =
    minutes < 60
      ? new Intl.NumberFormat(lang, { style: 'unit', unit: 'minute', unitDisplay: 'long' }).format(minutes)
      : new Intl.NumberFormat(lang, { style: 'unit', unit: 'hour', unitDisplay: 'long', maximumFractionDigits: 1 }).format(Math.round(minutes / 6) / 10);
  return [
    { value: number.format(pages), label: web.printPages },
    { value: number.format(words), label: web.words },
    { value: time, label: web.reading },
  ];
}
