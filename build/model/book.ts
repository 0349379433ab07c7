/** The typed Book model: the one value every renderer reads. Nothing downstream re-parses Markdown. */
import type { ResolvedConfig } from '../config/load-config.ts';
import type { SectionKind } from '../sources/front-matter.ts';
import type { RenderedNote } from '../markdown/render.ts';
import type { NumberedTarget } from './numbering.ts';
import type { ReferenceWords } from './reference-words.ts';
import type { BookIndex } from './book-index.ts';

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
  /** Appendix letter ("A"), for appendices. */
  letter: string | undefined;
  /** "Chapter 3", "第3章", "Appendix A": printed above the title; undefined for others. */
  numberLabel: string | undefined;
  title: string;
  titleHtml: string;
  bodyHtml: string;
  /** Headings below the title, in order. */
  headings: Heading[];
  notes: RenderedNote[];
  /**
   * The print flavour, for both PDFs: external links show their address (print.urls), which may
   * add notes. The same as bodyHtml and notes when there is nothing to show.
   */
  print: { bodyHtml: string; notes: RenderedNote[]; pageRefs: string[] };
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
  /** Every place that shows it, with the width asked for there ("400", "60%"): its printed size. */
  uses: { file: string; line: number; width?: string | undefined }[];
  /** Drawn inline in the HTML (an SVG): not packaged as a file of its own in the EPUB. */
  inline?: boolean;
}

/** A Mermaid diagram (build/markdown/diagram-plugin.ts), drawn by the diagrams stage (build/diagrams/). */
export interface Diagram {
  /** Unique in the book ("filtrage-mermaid1"): the id of its <svg>, and the prefix of every id inside it. */
  id: string;
  /** The section it stands in, and its place among that section's diagrams (1, 2…). */
  sectionId: string;
  index: number;
  /** The Mermaid source between the fences. */
  source: string;
  /** The fence's {#id} ("fig:chaine"): the <figure>'s id. */
  label: string | undefined;
  /**
   * The caption's text: the drawing's accessible name (its <title>), unless the source gives its
   * own (Mermaid's accTitle), which Mermaid writes as the <title>.
   */
  title: string | undefined;
  /** Where the fence opens, for messages; a line of the diagram is `line + k`. */
  file: string;
  line: number;
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
  /**
   * Mermaid diagrams, in book order. Until the diagrams stage has drawn them (build/model/diagrams.ts,
   * attachDiagrams), each section's HTML holds a placeholder where each drawing goes.
   */
  diagrams: Diagram[];
  /** Which section defines each id, for resolving "#id" links per output document. */
  idToSection: ReadonlyMap<string, string>;
  /** Non-fatal findings to print (an entry never cited…). */
  warnings: string[];
  /** Every labelled figure, table, listing, equation and section, numbered, in book order. */
  targets: ReadonlyMap<string, NumberedTarget>;
  /** The back-of-book index, from the index marks. */
  index: BookIndex;
  references: { pages: boolean; pageFormat: string; words: ReferenceWords };
}

export const frontSections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'front');
export const bodySections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'body');
export const backSections = (book: Book): Section[] => book.sections.filter((s) => s.division === 'back');
export const sectionsWithNotes = (book: Book): Section[] => book.sections.filter((s) => s.notes.length > 0);
/** Sections with notes in the PDFs (address notes included). */
export const sectionsWithPrintNotes = (book: Book): Section[] => book.sections.filter((s) => s.print.notes.length > 0);

/** The entries of a list of figures or tables (kind figures, tables), in book order. */
export function listEntries(book: Book, kind: string): { id: string; label: string; caption: string }[] {
  const wanted = kind === 'figures' ? 'fig' : kind === 'tables' ? 'tbl' : undefined;
  if (!wanted) return [];
  return [...book.targets.values()]
    .filter((t) => t.kind === wanted)
    .map((t) => ({ id: t.id, label: t.captionLabel ?? '', caption: t.caption ?? '' }));
}
