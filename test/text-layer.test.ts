/**
 * Whole words in the PDFs' text layer: only the soft hyphens where a line really breaks reach
 * the PDF, and dropping the others moves no line. Compared with a build of the same book that
 * keeps every soft hyphen (the builder's EBOOK_KEEP_SOFT_HYPHENS switch): the technical book, whose
 * prose, tables, call-outs and notes are hyphenated and whose code is not.
 */
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildBook } from '../build/build.ts';
import { openPdfjs } from './helpers/pdf.ts';
import { TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

interface Lines {
  pages: number;
  /** Every line's last word, page by page. */
  lineEnds: string[];
  words: number;
  /** Words that pdf.js returns in pieces inside a line: "grad" "u" "ate" (a soft hyphen between). */
  brokenWords: number;
}

/** pdf.js splits a word at every soft hyphen Chromium wrote into it: count those splits. */
async function readLines(doc: PDFDocumentProxy): Promise<Lines> {
  const lineEnds: string[] = [];
  let words = 0;
  let brokenWords = 0;
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    let line: string[] = [];
    const endLine = (): void => {
      const text = line.join('');
      words += text.split(/\s+/).filter((w) => /\p{L}/u.test(w)).length;
      // Two pieces meeting with no space between, lower-case letters on both sides, inside a line.
      for (let k = 1; k < line.length; k++) if (/\p{Ll}$/u.test(line[k - 1]!) && /^\p{Ll}/u.test(line[k]!)) brokenWords++;
      lineEnds.push(`${p}: ${text.trim().split(/\s+/).at(-1) ?? ''}`);
      line = [];
    };
    for (const item of content.items) {
      if (!('str' in item)) continue;
      if (item.str) line.push(item.str.replace(/\u00ad/g, ''));
      if (item.hasEOL) endLine();
    }
    endLine();
  }
  return { pages: doc.numPages, lineEnds, words, brokenWords };
}

describe('the text layer of the PDFs', () => {
  const kept: Record<string, Lines> = {};
  const dropped: Record<string, Lines> = {};
  beforeAll(async () => {
    const out = path.join(mkdtempSync(path.join(os.tmpdir(), 'soft-hyphens-')), 'out');
    process.env.EBOOK_KEEP_SOFT_HYPHENS = '1';
    try {
      await buildBook({ bookDir: TECH_BOOK, outDir: out, formats: ['pdf', 'print'] });
    } finally {
      delete process.env.EBOOK_KEEP_SOFT_HYPHENS;
    }
    for (const [name, file] of [['screen', `${TECH_SLUG}.pdf`], ['print', `${TECH_SLUG}-print.pdf`]] as const) {
      kept[name] = await readLines(await openPdfjs(path.join(out, file)));
      dropped[name] = await readLines(await openPdfjs(path.join(TECH_OUT, file)));
    }
  }, 300_000);

  it.each(['screen', 'print'])('%s PDF: fewer than 0.5 % of words come in pieces (against a fifth of them with every soft hyphen)', (name) => {
    expect(kept[name]!.brokenWords / kept[name]!.words).toBeGreaterThan(0.05);
    expect(dropped[name]!.brokenWords / dropped[name]!.words).toBeLessThan(0.005);
  });

  it.each(['screen', 'print'])('%s PDF: no character of the text comes out as U+0000 (ligature glyphs would)', async (name) => {
    const doc = await openPdfjs(path.join(TECH_OUT, name === 'screen' ? `${TECH_SLUG}.pdf` : `${TECH_SLUG}-print.pdf`));
    for (let p = 1; p <= doc.numPages; p++) {
      const text = (await (await doc.getPage(p)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join('');
      expect(text, `page ${p}`).not.toMatch(/\u0000/);
    }
  });

  it.each(['screen', 'print'])('%s PDF: the same pages and every line ending on the same word, hyphen included', (name) => {
    expect(dropped[name]!.pages).toBe(kept[name]!.pages);
    expect(dropped[name]!.lineEnds).toEqual(kept[name]!.lineEnds);
    // Lines broken inside a word still show their hyphen.
    expect(dropped[name]!.lineEnds.filter((l) => /\p{L}-$/u.test(l)).length).toBeGreaterThan(20);
  });
});
