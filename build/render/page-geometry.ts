/**
 * The page: trim size, margins and bleed from book.yaml's print settings. The inside margin
 * grows with the page count as the print services require (KDP's gutter table).
 */
import { TRIM_SIZES } from '../config/schema.ts';
import type { BookConfig } from '../config/schema.ts';

export interface PageGeometry {
  /** Trim, inches. */
  width: number;
  height: number;
  top: number;
  bottom: number;
  inside: number;
  outside: number;
  /** Bleed added to the print PDF's pages, inches (0 when the book asks for none). */
  bleed: number;
  /** Which edges get bleed: KDP the three outside edges, Lulu all four. */
  bleedEdges: 'outside' | 'all';
  /** Room for crop marks around the bleed, inches (0 without marks). */
  markMargin: number;
}

/** KDP's minimum gutter by page count (help topic GVBQ3CMEQW3W2VL6). */
const KDP_GUTTER: [maxPages: number, inches: number][] = [
  [150, 0.375],
  [300, 0.5],
  [500, 0.625],
  [700, 0.75],
  [Infinity, 0.875],
];
/** Lulu asks for a 0.5 in safety margin plus 0.2–0.3 in of gutter on the spine edge. */
const LULU_MIN_INSIDE = 0.75;

export function minimumGutter(service: 'kdp' | 'lulu', pageCount: number): number {
  if (service === 'lulu') return LULU_MIN_INSIDE;
  return KDP_GUTTER.find(([max]) => pageCount <= max)![1];
}

const round = (x: number): number => Math.round(x * 1000) / 1000;

export function pageGeometry(print: BookConfig['print'], pageCount: number): PageGeometry {
  const trim = typeof print.trim === 'string' ? TRIM_SIZES[print.trim] : print.trim;
  // Publisher defaults for 6 × 9 in, scaled to the trim (typography.md).
  const sx = trim.width / 6;
  const sy = trim.height / 9;
  const outside = Math.max(round(0.625 * sx), 0.5);
  const inside = Math.max(round(0.875 * sx), minimumGutter(print.service, pageCount));
  return {
    width: round(trim.width),
    height: round(trim.height),
    top: Math.max(round(0.75 * sy), 0.5),
    bottom: Math.max(round(0.875 * sy), 0.5),
    inside: round(inside),
    outside,
    bleed: print.bleed ? 0.125 : 0,
    bleedEdges: print.service === 'lulu' || print.cropMarks ? 'all' : 'outside',
    markMargin: print.cropMarks ? 0.375 : 0,
  };
}
