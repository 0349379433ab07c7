/** The cover stage (issue "Covers"): geometry against the print services' formulas, settings, and the three covers as rendered. */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'puppeteer-core';
import sharp from 'sharp';
import { OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { TextItem } from 'pdfjs-dist/types/src/display/api.js';
import { loadConfig } from '../build/config/load-config.ts';
import { loadSources } from '../build/sources/load-sources.ts';
import { buildModel } from '../build/model/build-model.ts';
import type { Book } from '../build/model/book.ts';
import { loadTemplates, type Templates } from '../build/render/templates.ts';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import type { BookConfig } from '../build/config/schema.ts';
import { printCoverGeometry } from '../build/cover/geometry.ts';
import { coverField, normalizeIsbn13, parseCoverSettings } from '../build/cover/settings.ts';
import { coverPpi, ppiWarning } from '../build/cover/image.ts';
import { curlyQuotes, renderCovers, type Covers } from '../build/cover/covers.ts';
import { box, fontsOf, openPdfjs, pdfLib } from './helpers/pdf.ts';
import { FIXTURE_BOOK, OUT } from './helpers/paths.ts';

const print = (over: Partial<BookConfig['print']> = {}): BookConfig['print'] => ({ trim: '6x9', service: 'kdp', paper: 'white', bleed: true, cropMarks: false, urls: 'inline', ...over });

describe('printCoverGeometry', () => {
  it('gives the worked example: 300 pp, KDP white, 6 × 9 in → spine 0.6756 in, cover 12.9256 × 9.25 in', () => {
    const g = printCoverGeometry(print(), 300);
    expect(g.spine.widthIn).toBeCloseTo(0.6756, 6);
    expect(g.size.widthIn).toBeCloseTo(12.9256, 6);
    expect(g.size.heightIn).toBeCloseTo(9.25, 6);
  });

  it.each([
    ['kdp', 'white', 300, 300 * 0.002252],
    ['kdp', 'cream', 300, 300 * 0.0025],
    ['kdp', 'white', 120, 120 * 0.002252],
    ['kdp', 'cream', 60, 60 * 0.0025],
    ['lulu', 'white', 300, 300 / 444 + 0.06],
    ['lulu', 'cream', 300, 300 / 444 + 0.06],
    ['lulu', 'white', 92, 92 / 444 + 0.06],
  ] as const)('%s on %s paper, %i pages: spine and wrap follow the formula', (service, paper, pages, spine) => {
    for (const trim of ['6x9', '5x8', 'A5', { width: 7, height: 10 }] as const) {
      const g = printCoverGeometry(print({ service, paper, trim }), pages);
      const t = typeof trim === 'string' ? { '6x9': [6, 9], '5x8': [5, 8], A5: [148 / 25.4, 210 / 25.4] }[trim] : [trim.width, trim.height];
      expect(g.spine.widthIn).toBeCloseTo(spine, 4);
      expect(g.size.widthIn).toBeCloseTo(0.125 + t[0]! + spine + t[0]! + 0.125, 4);
      expect(g.size.heightIn).toBeCloseTo(t[1]! + 0.25, 4);
      // The trim box is the wrap less 0.125 in all round; the front panel ends at the right trim.
      expect(g.trimBox.x).toBe(0.125);
      expect(g.trimBox.width).toBeCloseTo(g.size.widthIn - 0.25, 5);
      expect(g.front.x + g.front.width).toBeCloseTo(g.size.widthIn - 0.125, 5);
      expect(g.spineRect.x).toBeCloseTo(0.125 + t[0]!, 5);
    }
  });

  it('puts spine text only at or above 79 pages (KDP) or 80 pages (Lulu)', () => {
    expect(printCoverGeometry(print(), 78).spine.text).toBe(false);
    expect(printCoverGeometry(print(), 79).spine.text).toBe(true);
    expect(printCoverGeometry(print({ paper: 'cream' }), 79).spine.text).toBe(true);
    expect(printCoverGeometry(print({ service: 'lulu' }), 79).spine.text).toBe(false);
    expect(printCoverGeometry(print({ service: 'lulu' }), 80).spine.text).toBe(true);
  });

  it('keeps spine text 0.0625 in clear of each fold', () => {
    const g = printCoverGeometry(print(), 200);
    expect(g.spineTextWidth).toBeCloseTo(g.spine.widthIn - 0.125, 6);
  });

  it('puts a 2 × 1.2 in barcode area at the lower right of the back, ≥ 0.25 in from spine and trim', () => {
    for (const trim of ['6x9', '5x8', 'A5'] as const) {
      const g = printCoverGeometry(print({ trim }), 120);
      expect([g.barcode.width, g.barcode.height]).toEqual([2, 1.2]);
      expect(g.spineRect.x - (g.barcode.x + g.barcode.width)).toBeGreaterThanOrEqual(0.25 - 1e-5);
      expect(g.back.y + g.back.height - (g.barcode.y + g.barcode.height)).toBeGreaterThanOrEqual(0.25 - 1e-5);
      expect(g.barcode.x).toBeGreaterThan(g.back.x + 0.25);
    }
  });

  it('refuses a page count that is not a positive integer', () => {
    expect(() => printCoverGeometry(print(), 0)).toThrow();
    expect(() => printCoverGeometry(print(), 10.5)).toThrow();
  });
});

describe('cover settings', () => {
  it('has defaults for the colours and nothing else', () => {
    const s = parseCoverSettings(undefined);
    expect(s.background).toMatch(/^#/);
    expect(s.foreground).toMatch(/^#/);
    expect(s.accent).toMatch(/^#/);
    expect(s.isbn).toBeUndefined();
    expect(coverField.parse({})).toEqual(s);
  });

  it('accepts CSS colours and refuses anything that could break out of the stylesheet', () => {
    expect(parseCoverSettings({ background: 'oklch(30% 0.06 260)', accent: 'navy', foreground: '#fff' }).background).toBe('oklch(30% 0.06 260)');
    expect(() => parseCoverSettings({ background: 'red; } body { display: none' })).toThrow(/cover\.background/);
    expect(() => parseCoverSettings({ accent: 'url(https://example.com/x.png)' })).toThrow(/cover\.accent/);
  });

  it('checks the ISBN-13 check digit', () => {
    expect(normalizeIsbn13('978-0-306-40615-7')).toBe('9780306406157');
    expect(normalizeIsbn13('ISBN 978 0 306 40615 7')).toBe('9780306406157');
    expect(normalizeIsbn13('978-0-306-40615-8')).toBeUndefined();
    expect(normalizeIsbn13('0-306-40615-2')).toBeUndefined(); // ISBN-10
    expect(() => parseCoverSettings({ isbn: '978-0-306-40615-8' })).toThrow(/cover\.isbn/);
  });

  it('refuses unknown fields, naming them', () => {
    expect(() => parseCoverSettings({ colour: 'red' })).toThrow(/unknown field colour/);
  });
});

describe('cover image resolution', () => {
  it('warns, naming the image, when it prints under 300 ppi', () => {
    const image = { rel: 'images/cover.jpg', url: '', widthPx: 1000, heightPx: 1500 };
    expect(coverPpi(image, { width: 5, height: 7.5 })).toBe(200);
    expect(ppiWarning(image, { width: 5, height: 7.5 })).toMatch(/images\/cover\.jpg.*200 ppi.*1500 × 2250 px/);
    expect(ppiWarning({ ...image, widthPx: 1500, heightPx: 2250 }, { width: 5, height: 7.5 })).toBeUndefined();
  });
});

it('sets typographer’s quotes in cover text', () => {
  expect(curlyQuotes("The Lighthouse Keeper's Almanac")).toBe('The Lighthouse Keeper’s Almanac');
  expect(curlyQuotes('"Yes," she said')).toBe('“Yes,” she said');
});

describe('the covers of the fixture book, rendered (120 pages, KDP white, 5 × 8 in)', () => {
  const dir = path.join(OUT, 'cover');
  const pages = 120;
  const isbn = '978-0-306-40615-7';
  const spine = pages * 0.002252;
  const width = (0.125 + 5 + spine + 5 + 0.125) * 72;
  const height = (8 + 0.25) * 72;
  // The barcode area in PDF points (origin at the lower left): right edge 0.25 in from the spine fold.
  const barcode = { x0: (0.125 + 5 - 0.25 - 2) * 72, x1: (0.125 + 5 - 0.25) * 72, y0: (0.125 + 0.25) * 72, y1: (0.125 + 0.25 + 1.2) * 72 };
  let browser: Browser;
  let book: Book;
  let templates: Templates;
  let workDir: string;
  let plain: Covers;
  let withIsbn: Covers;

  const withCover = (cover: object): Book => ({ ...book, config: { ...book.config, cover } as Book['config'] });
  const file = async (name: string, bytes: Uint8Array): Promise<string> => {
    const target = path.join(dir, name);
    await writeFile(target, bytes);
    return target;
  };

  beforeAll(async () => {
    await mkdir(dir, { recursive: true });
    workDir = await mkdtemp(path.join(os.tmpdir(), 'cover-test-'));
    const config = await loadConfig(path.join(FIXTURE_BOOK, 'book.yaml'));
    book = buildModel(config, FIXTURE_BOOK, await loadSources(FIXTURE_BOOK));
    templates = await loadTemplates(FIXTURE_BOOK);
    browser = await launchBrowser(ensureBrowser(() => undefined));
    plain = await renderCovers({ book, templates, browser, workDir, printPageCount: pages });
    withIsbn = await renderCovers({
      book: withCover({ isbn, image: 'chapters/images/lamp.png', background: '#2b1d14' }),
      templates,
      browser,
      workDir,
      printPageCount: pages,
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('reports the spine and the size from the formula', () => {
    expect(plain.spine).toEqual({ widthIn: expect.closeTo(spine, 4), text: true, pageCount: pages, paper: 'white', service: 'kdp' });
    expect(plain.size.widthIn * 72).toBeCloseTo(width, 1);
    expect(plain.size.heightIn * 72).toBeCloseTo(height, 6);
    expect(plain.warnings).toEqual([]);
  });

  it('makes the print cover one page of the formula’s size, with TrimBox and BleedBox', async () => {
    for (const covers of [plain, withIsbn]) {
      const doc = await pdfLib(await file('wrap.pdf', covers.printPdf));
      expect(doc.getPageCount()).toBe(1);
      const page = doc.getPage(0);
      const media = box(page, 'MediaBox');
      expect(media[0]).toBe(0);
      expect(media[1]).toBe(0);
      expect(media[2]).toBeCloseTo(width, 1);
      expect(media[3]).toBeCloseTo(height, 6);
      const bleed = box(page, 'BleedBox');
      bleed.forEach((v, i) => expect(v).toBeCloseTo(media[i]!, 6));
      const trim = box(page, 'TrimBox');
      [9, 9, width - 9, height - 9].forEach((v, i) => expect(trim[i]).toBeCloseTo(v, 1));
    }
  });

  it('embeds every font of the print cover as TrueType, none as Type 3', async () => {
    for (const [name, covers] of [['wrap-plain.pdf', plain], ['wrap-isbn.pdf', withIsbn]] as const) {
      const fonts = await fontsOf(await file(name, covers.printPdf));
      expect(fonts.length).toBeGreaterThan(0);
      for (const font of fonts) {
        expect(font.subtype, font.name).not.toBe('/Type3');
        expect(font.embedded, font.name).toBe(true);
      }
    }
  });

  it('makes the front cover one page at trim size (5 × 8 in) with the title on it', async () => {
    const target = await file('front.pdf', plain.frontPdf);
    const doc = await pdfLib(target);
    expect(doc.getPageCount()).toBe(1);
    expect(box(doc.getPage(0), 'MediaBox')).toEqual([0, 0, 360, 576]);
    const pdf = await openPdfjs(target);
    const text = (await (await pdf.getPage(1)).getTextContent()).items.map((i) => ('str' in i ? i.str : '')).join(' ');
    expect(text.replace(/\s+/g, ' ')).toContain('The Lighthouse Keeper’s Almanac');
    expect(text.replace(/\s+/g, '')).toContain('ADAEXAMPLE'); // letter-spaced capitals
  });

  it('makes the EPUB cover a 1563 × 2500 px JPEG', async () => {
    for (const covers of [plain, withIsbn]) {
      const meta = await sharp(covers.epubJpeg).metadata();
      expect([meta.format, meta.width, meta.height]).toEqual(['jpeg', 1563, 2500]);
    }
    // The design is there, not a blank page: the title's light type on the dark ground.
    const stats = await sharp(plain.epubJpeg).stats();
    expect(stats.channels[0]!.max - stats.channels[0]!.min).toBeGreaterThan(150);
  });

  it('draws the ISBN barcode in the barcode area when an ISBN is given, and leaves the area clear otherwise', async () => {
    const textIn = async (bytes: Uint8Array, name: string): Promise<TextItem[]> => {
      const pdf = await openPdfjs(await file(name, bytes));
      const items = (await (await pdf.getPage(1)).getTextContent()).items.filter((i): i is TextItem => 'str' in i && i.str.trim() !== '');
      return items.filter((i) => i.transform[4] >= barcode.x0 && i.transform[4] <= barcode.x1 && i.transform[5] >= barcode.y0 && i.transform[5] <= barcode.y1);
    };
    const inArea = await textIn(withIsbn.printPdf, 'wrap-isbn.pdf');
    expect(inArea.map((i) => i.str).join(' ')).toContain(`ISBN ${isbn}`);
    expect(await textIn(plain.printPdf, 'wrap-plain.pdf')).toEqual([]);

    // The bars are vector paths: the barcode adds dozens of them (one per bar group and digit).
    const paths = async (bytes: Uint8Array): Promise<number> => {
      const pdf = await openPdfjs(await file('ops.pdf', bytes));
      const ops = await (await pdf.getPage(1)).getOperatorList();
      return ops.fnArray.filter((op) => op === OPS.constructPath).length;
    };
    expect((await paths(withIsbn.printPdf)) - (await paths(plain.printPdf))).toBeGreaterThan(10);
  });

  it('sets the spine text top to bottom, centred on the spine', async () => {
    const pdf = await openPdfjs(await file('wrap-plain.pdf', plain.printPdf));
    const items = (await (await pdf.getPage(1)).getTextContent()).items.filter((i): i is TextItem => 'str' in i && i.str.includes('Lighthouse'));
    const spineX0 = (0.125 + 5) * 72;
    const spineX1 = spineX0 + spine * 72;
    const onSpine = items.filter((i) => i.transform[4] > spineX0 && i.transform[4] < spineX1);
    expect(onSpine.length).toBeGreaterThan(0);
    for (const item of onSpine) {
      // Turned a quarter clockwise: the text runs down the page (x stays, y falls).
      const [a, b] = item.transform as number[];
      expect(Math.abs(a!)).toBeLessThan(1e-3);
      expect(b!).toBeLessThan(0);
    }
  });

  it('warns when the cover image is under 300 ppi, naming it', () => {
    expect(withIsbn.warnings.join('\n')).toMatch(/cover image chapters\/images\/lamp\.png is 600 × 400 px/);
  });
});
