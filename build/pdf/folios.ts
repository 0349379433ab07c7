/** Folio arithmetic: where each part starts in the book, blank versos, and printed numbers. */
import type { FolioStyle, PrintPart } from '../render/print-parts.ts';

export function romanLower(n: number): string {
  const table: [number, string][] = [
    [1000, 'm'], [900, 'cm'], [500, 'd'], [400, 'cd'], [100, 'c'], [90, 'xc'],
    [50, 'l'], [40, 'xl'], [10, 'x'], [9, 'ix'], [5, 'v'], [4, 'iv'], [1, 'i'],
  ];
  let out = '';
  for (const [value, symbol] of table) for (; n >= value; n -= value) out += symbol;
  return out;
}

export const formatFolio = (style: FolioStyle, n: number): string => (style === 'roman' ? romanLower(n) : String(n));

export interface PartPlacement {
  /** A blank verso goes before the part so that it starts on a recto. */
  blankBefore: boolean;
  /** 0-based index of the part's first page in the book (without the screen cover). */
  firstPage: number;
  /** Number printed on its first page. */
  firstFolio: number;
}

/**
 * Places parts given their page counts (a part not laid out yet counts as one page). Roman
 * folios count from the first page of the book; arabic ones restart at 1 on the first arabic part.
 */
export function placeParts(parts: PrintPart[], pageCounts: (number | undefined)[]): { placements: PartPlacement[]; totalPages: number } {
  const placements: PartPlacement[] = [];
  let position = 0;
  let arabicOrigin: number | undefined;
  parts.forEach((part, i) => {
    const blankBefore = part.recto && position % 2 === 1;
    if (blankBefore) position++;
    if (part.folioStyle === 'arabic' && arabicOrigin === undefined) arabicOrigin = position;
    const firstFolio = part.folioStyle === 'arabic' ? position - arabicOrigin! + 1 : position + 1;
    placements.push({ blankBefore, firstPage: position, firstFolio });
    position += pageCounts[i] ?? 1;
  });
  return { placements, totalPages: position };
}
