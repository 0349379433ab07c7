/**
 * Diagrams in the model: the list the diagrams stage draws (collectDiagrams, while the model is
 * built), and the drawings put in place of their placeholders once it has (attachDiagrams). The
 * data goes one way: model → build/diagrams/ → attachDiagrams → the renderers, which only ever
 * see finished HTML.
 */
import { BookError } from '../errors.ts';
import type { ParsedSection } from '../markdown/parse.ts';
import { ACC_TITLE, DIAGRAM_PLACEHOLDER } from '../markdown/diagram-plugin.ts';
import type { Book, Diagram } from './book.ts';

/** Every diagram of the parsed files, in file order; a diagram nothing names is an error. */
export function collectDiagrams(parsed: ParsedSection[], sectionIds: string[], errors: BookError[]): Diagram[] {
  return parsed.flatMap((p, i) =>
    p.diagrams.map((d) => {
      const file = p.source.relPath;
      const ownTitle = ACC_TITLE.test(d.source);
      if (!d.captionText && !ownTitle) {
        errors.push(
          new BookError(
            'a diagram needs words for readers who cannot see it: give its fence a caption, ```mermaid {caption="What it shows"}, or write an accTitle: line in the diagram',
            { file, line: d.line },
          ),
        );
      }
      const sectionId = sectionIds[i]!;
      return { id: `${sectionId}-mermaid${d.index}`, sectionId, index: d.index, source: d.source, label: d.label, title: d.captionText || undefined, file, line: d.line };
    }),
  );
}

/**
 * The book with each diagram's drawing in place of its placeholder, in both flavours of the
 * section's HTML (body and notes). `drawings` maps Diagram.id to its inline SVG; every diagram must have one.
 */
export function attachDiagrams(book: Book, drawings: ReadonlyMap<string, string>): Book {
  if (book.diagrams.length === 0) return book;
  const bySection = new Map<string, Map<number, string>>();
  for (const d of book.diagrams) {
    const svg = drawings.get(d.id);
    if (svg === undefined) throw new Error(`diagram ${d.id} was not drawn`);
    if (!bySection.has(d.sectionId)) bySection.set(d.sectionId, new Map());
    bySection.get(d.sectionId)!.set(d.index, svg);
  }
  const place = (html: string, svgs: Map<number, string>): string =>
    html.replace(DIAGRAM_PLACEHOLDER, (whole, n: string) => svgs.get(Number(n)) ?? whole);
  return {
    ...book,
    sections: book.sections.map((s) => {
      const svgs = bySection.get(s.id);
      if (!svgs) return s;
      // A diagram may stand in a note too (the same file's count goes on through its notes).
      const notes = (list: typeof s.notes): typeof s.notes => list.map((n) => ({ ...n, html: place(n.html, svgs) }));
      return { ...s, bodyHtml: place(s.bodyHtml, svgs), notes: notes(s.notes), print: { ...s.print, bodyHtml: place(s.print.bodyHtml, svgs), notes: notes(s.print.notes) } };
    }),
  };
}
