/**
 * Renders a bracket of references (`[@fig:a; @fig:b]`) and of citations (`[@key, p. 12]`) once
 * the numbering pass has named every target. Each number is its own link; in the PDFs a reference
 * may be followed by a page mark that the layout fills ("(page 41)", or nothing on the same spread).
 */
import type { CitationItem } from './citation-plugin.ts';

export interface ReferenceTarget {
  /** Id in the HTML, "fig-flow". */
  id: string;
}

export interface ReferencePiece {
  text: string;
  target?: ReferenceTarget;
}

export interface ReferenceMarkup {
  escape(text: string): string;
  /** A new id for a page mark in this section, or undefined where no page is printed (EPUB). */
  pageMark?(): string;
}

export function referenceHtml(pieces: ReferencePiece[], markup: ReferenceMarkup): string {
  return pieces
    .map((piece) => {
      if (!piece.target) return markup.escape(piece.text);
      const link = `<a class="xref" href="#${piece.target.id}">${markup.escape(piece.text)}</a>`;
      const mark = markup.pageMark?.();
      return mark ? `${link}<span class="page-ref" data-target="${piece.target.id}" id="${mark}"></span>` : link;
    })
    .join('');
}

/** "Smith, 2020, p. 12; Jones, 2021", each label linked to its entry. */
export function citationHtml(items: CitationItem[], entry: (key: string) => { label: string; id: string }, escape: (s: string) => string): string {
  return items
    .map((item) => {
      const { label, id } = entry(item.key);
      return `<a class="citation" href="#${id}">${escape(label)}${item.locator ? `, ${escape(item.locator)}` : ''}</a>`;
    })
    .join('; ');
}
