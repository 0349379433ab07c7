/**
 * The pandoc-HTML floor, in its own process: raw Chromium printing pandoc's standalone HTML of
 * the book (bench/pandoc.ts) with bench/floor-print.css, as one document. Run by spawn-measured.ts.
 */
import { statSync } from 'node:fs';
import { printResult, readInput, type PandocFloorChildInput } from './child-protocol.ts';
import { printOneDocument } from './print-document.ts';

const input = readInput<PandocFloorChildInput>();
printResult(await printOneDocument(input.htmlFile, input.pdfFile, statSync(input.htmlFile).size));
