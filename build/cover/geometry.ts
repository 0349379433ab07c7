/**
 * The print cover's geometry: spine width from the page count and paper, the full wraparound
 * (back + spine + front, with bleed) and the places the design must respect — the safe zone,
 * the spine's fold clearance and the barcode area. Figures from print-and-epub-facts.md §2.
 * All lengths are inches; x runs from the left edge of the back cover's bleed, y from the top.
 */
import { TRIM_SIZES, type BookConfig } from '../config/schema.ts';

/** Bleed round the whole wrap: KDP and Lulu both want 0.125 in on the four outer edges, none at the folds. */
export const COVER_BLEED = 0.125;
/** Text and important art stay this far inside the trim (KDP's figure is unconfirmed; 0.25 in is the safe one). */
export const COVER_SAFE = 0.25;
/** Spine text stays this far from each fold (binding variance). */
export const SPINE_FOLD_CLEARANCE = 0.0625;
/** KDP's suggested barcode box, kept this far from the spine fold and the bottom trim. */
export const BARCODE = { width: 2, height: 1.2, fromSpine: 0.25, fromTrim: 0.25 } as const;

/** Inches per page: KDP black-and-white on white (1/444) or cream (1/400) paper. */
const KDP_CALIPER = { white: 0.002252, cream: 0.0025 } as const;
/** Lulu perfect bound: pages / 444 + 0.06 in. */
const LULU_PPI = 444;
const LULU_EXTRA = 0.06;
/** Fewest pages that may carry spine text. */
export const SPINE_TEXT_MIN_PAGES = { kdp: 79, lulu: 80 } as const;

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface PrintCoverGeometry {
  service: 'kdp' | 'lulu';
  paper: 'white' | 'cream';
  pageCount: number;
  bleed: number;
  /** One cover panel's trim size (the book's trim). */
  trim: { width: number; height: number };
  spine: { widthIn: number; text: boolean };
  /** The whole file: back + spine + front with bleed. */
  size: { widthIn: number; heightIn: number };
  /** Panels at trim (no bleed), in wrap coordinates. */
  back: Rect;
  spineRect: Rect;
  front: Rect;
  /** The wrap minus the bleed: what TrimBox marks. */
  trimBox: Rect;
  /** Where the ISBN barcode goes (or what stays clear): lower right of the back cover. */
  barcode: Rect;
  /** Safe inset for text inside each panel's trim. */
  safe: number;
  /** Room for spine text across the spine (width minus the fold clearances). */
  spineTextWidth: number;
}

/** Six decimals (a millionth of an inch) hide floating-point noise and change nothing printable. */
const clean = (x: number): number => Math.round(x * 1e6) / 1e6;

export function trimOf(print: BookConfig['print']): { width: number; height: number } {
  const trim = typeof print.trim === 'string' ? TRIM_SIZES[print.trim] : print.trim;
  return { width: trim.width, height: trim.height };
}

export function spineWidth(service: 'kdp' | 'lulu', paper: 'white' | 'cream', pageCount: number): number {
  return clean(service === 'lulu' ? pageCount / LULU_PPI + LULU_EXTRA : pageCount * KDP_CALIPER[paper]);
}

export function printCoverGeometry(print: BookConfig['print'], pageCount: number): PrintCoverGeometry {
  if (!Number.isInteger(pageCount) || pageCount < 1) throw new Error(`printCoverGeometry: page count ${pageCount} is not a positive integer`);
  const { service, paper } = print;
  const trim = trimOf(print);
  const bleed = COVER_BLEED;
  const spine = spineWidth(service, paper, pageCount);
  const widthIn = clean(bleed + trim.width + spine + trim.width + bleed);
  const heightIn = clean(trim.height + 2 * bleed);
  const back: Rect = { x: bleed, y: bleed, width: trim.width, height: trim.height };
  const spineRect: Rect = { x: clean(bleed + trim.width), y: bleed, width: spine, height: trim.height };
  const front: Rect = { x: clean(bleed + trim.width + spine), y: bleed, width: trim.width, height: trim.height };
  const barcode: Rect = {
    x: clean(spineRect.x - BARCODE.fromSpine - BARCODE.width),
    y: clean(bleed + trim.height - BARCODE.fromTrim - BARCODE.height),
    width: BARCODE.width,
    height: BARCODE.height,
  };
  return {
    service,
    paper,
    pageCount,
    bleed,
    trim,
    spine: { widthIn: spine, text: pageCount >= SPINE_TEXT_MIN_PAGES[service] },
    size: { widthIn, heightIn },
    back,
    spineRect,
    front,
    trimBox: { x: bleed, y: bleed, width: clean(widthIn - 2 * bleed), height: trim.height },
    barcode,
    safe: COVER_SAFE,
    spineTextWidth: Math.max(0, clean(spine - 2 * SPINE_FOLD_CLEARANCE)),
  };
}
