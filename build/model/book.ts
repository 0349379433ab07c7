/** The typed Book model: the one value every renderer reads. Nothing downstream re-parses Markdown. */
import type { ResolvedConfig } from '../config/load-config.ts';
import type { SectionKind } from '../sources/front-matter.ts';
import type { RenderedNote } from '../markdown/render.ts';

export type Division = 'front' | 'body' | 'back';

export interface Heading {
  level: number;
  id: string;
  text: string;
}

export interface Section {
  /** Unique in the book; used for file names and link targets. */
  id: string;
  kind: SectionKind;
  division: Division;
  /** Chapter number, for numbered sections. */
  number: number | undefined;
  title: string;
  titleHtml: string;
  bodyHtml: string;
  /** Headings below the title, in order. */
  headings: Heading[];
  notes: RenderedNote[];
  /** "chapters/01-intro.md", for messages. */
  sourcePath: string;
  /** Ids defined in this section (its own id, headings, notes, explicit ids). */
  ids: string[];
}

export interface ImageAsset {
  /** The href the book's HTML uses: "images/photo.jpg". */
  href: string;
  absPath: string;
  /** First place that uses it, for messages. */
  usedAt: { file: string; line: number };
}

export interface BibliographyEntry {
  id: string;
  label: string;
  /** How many times the book cites it. */
  citations: number;
}

export interface Book {
  config: ResolvedConfig;
  /** Absolute path of the book folder. */
  bookDir: string;
  sections: Section[];
  bibliography: BibliographyEntry[];
  images: ImageAsset[];
  /** Which section defines each id, for resolving "#id" links per output document. */
  idToSection: ReadonlyMap<string, string>;
  /** Non-fatal findings to print (an entry never cited…). */
  warnings: string[];
}

export const frontSections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'front');
export const bodySections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'body');
export const backSections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'back');
export const sectionsWithNotes = (book: Book): Section[] => book.sections.filter((s) => s.notes.length > 0);
