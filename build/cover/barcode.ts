/**
 * The ISBN barcode for the back cover: an EAN-13 drawn by bwip-js as SVG, 100 % black bars on
 * white, with the human-readable digits drawn as paths (no font to embed).
 */
import bwipjs from 'bwip-js';
import { normalizeIsbn13 } from '../config/schema.ts';

export interface IsbnBarcode {
  /** The ISBN as book.yaml writes it, for the "ISBN …" line above the bars. */
  display: string;
  /** The 13 digits the bars encode. */
  digits: string;
  /** <svg viewBox="…"> with no width or height: the stylesheet sizes it. */
  svg: string;
}

export function isbnBarcode(isbn: string): IsbnBarcode {
  const digits = normalizeIsbn13(isbn);
  if (!digits) throw new Error(`isbnBarcode: ${isbn} is not a valid ISBN-13 (the settings schema should have caught it)`);
  const svg = bwipjs.toSVG({
    bcid: 'ean13',
    text: digits,
    includetext: true,
    guardwhitespace: true,
    // Bar height in millimetres: at 1.5 in wide (111 % of the nominal EAN-13) the bars, the digits
    // and the ISBN line above them fill KDP's 2 × 1.2 in box.
    height: 17,
    barcolor: '000000',
    textcolor: '000000',
  });
  const display = isbn.trim().replace(/^isbn(-13)?:?\s*/i, '');
  return { display, digits, svg: svg.replace('<svg ', '<svg class="isbn-bars" role="img" aria-label="ISBN barcode" ') };
}
