/** Metadata every template shows (title page, copyright page, EPUB package), derived once from the config. */
import MarkdownIt from 'markdown-it';
import type { Book } from '../model/book.ts';
import { sanitizeFragment } from '../markdown/sanitize.ts';
import { labelsFor } from './labels.ts';

export interface BookData {
  title: string;
  subtitle: string | undefined;
  authorNames: string[];
  authors: { name: string; role: string; fileAs: string | undefined }[];
  publisher: string | undefined;
  /** The copyright page's line for the publisher, in the book's language ("Published by …"). */
  publishedBy: string | undefined;
  edition: string | undefined;
  rights: string | undefined;
  description: string | undefined;
  subjects: string[];
  identifier: string;
  language: string;
  date: string | undefined;
  year: string | undefined;
  creditsHtml: string;
  /** The print edition's ISBN as written in book.yaml (cover.isbn), for the copyright page. */
  printIsbn: string | undefined;
}

export function bookData(book: Pick<Book, 'config'>): BookData {
  const c = book.config;
  const authors = c.authors.map((a) =>
    typeof a === 'string' ? { name: a, role: 'aut', fileAs: undefined } : { name: a.name, role: a.role, fileAs: a.fileAs },
  );
  const md = new MarkdownIt({ html: false, typographer: true, xhtmlOut: true });
  return {
    title: c.title,
    subtitle: c.subtitle,
    authorNames: authors.map((a) => a.name),
    authors,
    publisher: c.publisher,
    publishedBy: c.publisher ? labelsFor(c.language).publishedBy.replace('{publisher}', c.publisher) : undefined,
    edition: c.edition,
    rights: c.rights,
    description: c.description,
    subjects: c.subjects,
    identifier: c.identifier,
    language: c.language,
    date: c.date,
    year: c.date?.slice(0, 4),
    creditsHtml: c.credits ? sanitizeFragment(md.render(c.credits)) : '',
    printIsbn: c.cover.isbn,
  };
}

/** The cover's text alternative, in the book's language: "Cover: Title, Subtitle, by Author". */
export function coverAlt(data: BookData): string {
  const labels = labelsFor(data.language);
  const title = data.subtitle ? `${data.title}, ${data.subtitle}` : data.title;
  return `${labels.cover}${labels.colon}${title}, ${labels.byAuthors.replace('{authors}', data.authorNames.join(', '))}`;
}

const ARIA_ROLES: Record<string, string> = {
  preface: 'doc-preface',
  foreword: 'doc-foreword',
  introduction: 'doc-introduction',
  prologue: 'doc-prologue',
  chapter: 'doc-chapter',
  epilogue: 'doc-epilogue',
  afterword: 'doc-afterword',
  acknowledgements: 'doc-acknowledgments',
  appendix: 'doc-appendix',
  glossary: 'doc-glossary',
  bibliography: 'doc-bibliography',
  dedication: 'doc-dedication',
  epigraph: 'doc-epigraph',
  part: 'doc-part',
  index: 'doc-index',
};
export const ariaRoleOf = (kind: string): string | undefined => ARIA_ROLES[kind];
