/**
 * Numbers the text blocks of a section's HTML (paragraphs, headings, list items, captions) in
 * document order, so that the print layout and the EPUB can speak of the same place: the print
 * layout learns on which page each block starts, the EPUB puts its page-break markers there.
 */
const BLOCK_OPEN = /<(p|h[2-6]|li|dt|dd|figcaption)(\s[^>]*)?>/g;

export const blockId = (sectionId: string, n: number): string => `b-${sectionId}-${n}`;

export function countBlocks(html: string): number {
  return html.match(BLOCK_OPEN)?.length ?? 0;
}

/** Inserts `insert(n)` (1-based) right after the opening tag of each block. */
export function markBlocks(html: string, insert: (n: number) => string): string {
  let n = 0;
  return html.replace(BLOCK_OPEN, (tag) => `${tag}${insert(++n)}`);
}
