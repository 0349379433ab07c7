/**
 * The search index, built at build time with MiniSearch (MIT, maintained, no dependencies, a UMD
 * build that defines a global): one document per part of a section between its headings, each
 * with its page and anchor. It is written as a classic script that assigns a global, which the
 * search page loads with a <script> element only when the reader searches: fetch(), modules and
 * WebAssembly are all refused to pages opened from file://, a <script src> is not.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import MiniSearch from 'minisearch';
import type { Book } from '../model/book.ts';
import { hrefOfFile, pageOf } from './links.ts';
import { textParts } from './text.ts';

const require = createRequire(import.meta.url);
/** The package's folder: its exports name neither its UMD build nor its package.json. */
const PACKAGE_DIR = path.resolve(path.dirname(require.resolve('minisearch')), '..', '..');

/** What the search page shows of a result; `x` is the text, for the snippet around the match. */
interface SearchDocument {
  id: number;
  /** href of the page, with the anchor of its heading. */
  u: string;
  /** Section title, and the heading of the part ("Chapter 3. Measuring › Benchmarks"). */
  s: string;
  h: string;
  x: string;
}

/** The same options on both sides: the index is loaded with what it was built with. */
export const SEARCH_OPTIONS = { fields: ['h', 'x'], storeFields: [] as string[] };

export interface SearchFiles {
  /** search-index.js: `window.BOOK_SEARCH = { documents, index }`. */
  index: string;
  /** The library's UMD build, with its licence (assets/minisearch.js). */
  library: string;
  /** Words of prose per section id, counted on the way. */
  words: Map<string, number>;
}

export async function searchFiles(book: Book): Promise<SearchFiles> {
  const documents: SearchDocument[] = [];
  const words = new Map<string, number>();
  for (const section of book.sections) {
    const page = hrefOfFile(pageOf(section));
    const title = section.numberLabel ? `${section.numberLabel}. ${section.title}` : section.title;
    const body = textParts(section.bodyHtml);
    const notes = textParts(section.notes.map((n) => `<p>${n.html}</p>`).join(''));
    words.set(section.id, body.words + notes.words);
    for (const part of body.parts) {
      documents.push({ id: documents.length, u: part.anchor ? `${page}#${encodeURIComponent(part.anchor)}` : page, s: title, h: part.heading ?? '', x: part.text });
    }
    const notesText = notes.parts.map((p) => p.text).join(' ');
    if (notesText) documents.push({ id: documents.length, u: `${page}#notes-${encodeURIComponent(section.id)}`, s: title, h: '', x: notesText });
  }
  const search = new MiniSearch<SearchDocument>(SEARCH_OPTIONS);
  search.addAll(documents);
  const data = { options: SEARCH_OPTIONS, documents: documents.map(({ u, s, h, x }) => ({ u, s, h, x })), index: search.toJSON() };
  // JSON is JavaScript; "</" is escaped so that no text of the book can end a <script> element.
  const index = `/* The book's search index (MiniSearch ${libraryVersion()}), generated. */\nwindow.BOOK_SEARCH = ${JSON.stringify(data).replace(/<\//g, '<\\/')};\n`;
  const library = `${licenceComment()}\n${await readFile(path.join(PACKAGE_DIR, 'dist', 'umd', 'index.js'), 'utf8')}`;
  return { index, library, words };
}

const libraryVersion = (): string => (require(path.join(PACKAGE_DIR, 'package.json')) as { version: string }).version;

function licenceComment(): string {
  return `/*! MiniSearch ${libraryVersion()} | (c) Luca Ongaro | MIT licence | https://github.com/lucaong/minisearch */`;
}
