import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { box, fontsOf, openPdfjs, outline, pageTexts, pdfLib } from './helpers/pdf.ts';
import { FIXTURE_OUT, FIXTURE_SLUG, REPO_OUT, REPO_SLUG, ROOT } from './helpers/paths.ts';
import { loadConfig } from '../build/config/load-config.ts';
import { pageGeometry } from '../build/render/page-geometry.ts';
import { buildFixtureVariant } from './helpers/bad-books.ts';

const books = [
  {
    name: 'fixture book',
    dir: FIXTURE_OUT,
    slug: FIXTURE_SLUG,
    title: "The Lighthouse Keeper's Almanac",
    chapters: ['The Lamp Room', 'The Keeper’s Log'],
    trim: [360, 576],
  },
  {
    name: 'Try Again',
    dir: REPO_OUT,
    slug: REPO_SLUG,
    title: 'Try Again',
    chapters: ['Twenty-Four Hours', 'Twelve Letters', 'Bootcamp', 'The Bar'],
    trim: [432, 648],
  },
];

describe.each(books)('screen PDF of the $name', ({ dir, slug, chapters, title }) => {
  let doc: PDFDocumentProxy;
  let texts: string[];
  let labels: string[];
  beforeAll(async () => {
    doc = await openPdfjs(path.join(dir, `${slug}.pdf`));
    texts = await pageTexts(doc);
    labels = (await doc.getPageLabels()) ?? [];
  });

  it('opens with the cover and has the title page and every chapter title in its text', () => {
    expect(doc.numPages).toBeGreaterThan(8);
    expect(labels[0]).toBe('Cover');
    expect(texts[0]!.replace(/\s+/g, ' ').replace(/’/g, "'")).toContain(title);
    for (const chapter of chapters) expect(texts.some((t) => t.includes(chapter))).toBe(true);
  });

  /** First page of a chapter, found through its bookmark. */
  const startPage = async (chapter: string): Promise<number> => {
    const item = (await outline(doc)).find((i) => i.title.replace("'", '’').includes(chapter));
    expect(item, `bookmark for ${chapter}`).toBeDefined();
    return item!.page;
  };

  it('labels pages with the printed folios: roman front matter, arabic from 1 at the first chapter', async () => {
    expect(labels[1]).toBe('i');
    const first = await startPage(chapters[0]!);
    expect(first).toBeGreaterThan(1);
    expect(texts[first]).toMatch(/^1\n/); // the folio printed at the foot of the opener
    expect(labels[first]).toBe('1');
    expect(labels.slice(1, first).every((l) => /^[ivxlc]+$/.test(l))).toBe(true);
  });

  it('starts every chapter on a right-hand page, and its number in the contents is its real page', async () => {
    const contentsPage = texts.findIndex((t) => /^Contents$/m.test(t));
    expect(contentsPage).toBeGreaterThan(0);
    for (const chapter of chapters) {
      const entry = new RegExp(`${chapter.replace(/[’']/g, '.')}\\s+(\\d+)`).exec(texts[contentsPage]!);
      expect(entry, `contents entry for ${chapter}`).not.toBeNull();
      const folio = entry![1]!;
      const start = await startPage(chapter);
      expect(labels[start], `${chapter} starts on the page labelled`).toBe(folio);
      expect(texts[start]).toContain(chapter);
      expect(Number(folio) % 2, `${chapter} starts on folio ${folio}`).toBe(1);
      // A recto: an even number of interior pages (after the cover) comes before it.
      expect((start - 1) % 2).toBe(0);
    }
  });

  it('has a bookmark for every chapter, pointing at its first page', async () => {
    const items = await outline(doc);
    for (const chapter of chapters) {
      const item = items.find((i) => i.title.includes(chapter.replace('’', "'")) || i.title.includes(chapter));
      expect(item, `bookmark for ${chapter}`).toBeDefined();
      expect(texts[item!.page]).toContain(chapter);
    }
  });

  it('has live internal links with no file path left in them', async () => {
    let internal = 0;
    for (let i = 1; i <= doc.numPages; i++) {
      const annotations = await (await doc.getPage(i)).getAnnotations();
      for (const a of annotations) {
        if (a.subtype !== 'Link') continue;
        expect(a.url ?? '').not.toMatch(/^file:/);
        if (a.dest) internal++;
      }
    }
    expect(internal).toBeGreaterThan(4);
  });

  it('records title, author and language', async () => {
    const meta = await doc.getMetadata();
    const info = meta.info as { Title?: string; Author?: string; Language?: string };
    expect(info.Title).toContain(title);
    expect(info.Author).toBeTruthy();
  });
});

describe.each(books)('print PDF of the $name', ({ dir, slug, trim }) => {
  const file = path.join(dir, `${slug}-print.pdf`);

  it('embeds every font, none of them Type 3', async () => {
    const fonts = await fontsOf(file);
    expect(fonts.length).toBeGreaterThan(0);
    for (const font of fonts) {
      expect(font.subtype, font.name).not.toBe('/Type3');
      expect(font.embedded, font.name).toBe(true);
    }
    // Only the book's own typefaces, never a system fallback.
    expect(fonts.filter((f) => !/Literata|NotoSerif/.test(f.name))).toEqual([]);
  });

  it('has an even page count, no bookmarks and no annotations', async () => {
    const doc = await pdfLib(file);
    expect(doc.getPageCount() % 2).toBe(0);
    expect(doc.catalog.has((await import('pdf-lib')).PDFName.of('Outlines'))).toBe(false);
    for (const page of doc.getPages()) expect(page.node.Annots()).toBeUndefined();
  });

  it('puts the trim in a TrimBox inside a BleedBox grown on the outside edges only (KDP)', async () => {
    const doc = await pdfLib(file);
    const [w, h] = trim as [number, number];
    doc.getPages().forEach((page, i) => {
      const recto = i % 2 === 0;
      expect(box(page, 'MediaBox')).toEqual([0, 0, w + 9, h + 18]);
      expect(box(page, 'BleedBox')).toEqual([0, 0, w + 9, h + 18]);
      expect(box(page, 'TrimBox')).toEqual(recto ? [0, 9, w, h + 9] : [9, 9, w + 9, h + 9]);
    });
  });
});

describe('screen PDF fonts', () => {
  it('embeds only the book typefaces in the screen PDF too', async () => {
    const fonts = await fontsOf(path.join(REPO_OUT, `${REPO_SLUG}.pdf`));
    expect(fonts.every((f) => f.embedded && f.subtype !== '/Type3')).toBe(true);
    expect(fonts.filter((f) => !/Literata|NotoSerif/.test(f.name))).toEqual([]);
  });
});

describe('pages of Try Again', () => {
  let texts: string[];
  let labels: string[];
  let doc: PDFDocumentProxy;
  beforeAll(async () => {
    doc = await openPdfjs(path.join(REPO_OUT, `${REPO_SLUG}.pdf`));
    texts = await pageTexts(doc);
    labels = (await doc.getPageLabels())!;
  });
  const firstLines = (page: number): string => texts[page]!.split('\n').slice(0, 3).join(' ').replace(/\s+/g, '');

  it('runs the book title on versos and the chapter title on rectos, none on an opener, nothing on a blank page', async () => {
    const chapter = (await outline(doc)).find((i) => i.title.includes('Twelve Letters'))!;
    const opener = chapter.page;
    expect(firstLines(opener + 1), 'verso after the opener').toContain('TRYAGAIN');
    expect(firstLines(opener + 2), 'recto').toContain('TWELVELETTERS');
    expect(firstLines(opener)).not.toContain('TRYAGAIN');
    // Folios in the outside corner: the verso's first text is its folio, the recto's last on the line.
    expect(texts[opener + 1]!.trimStart().startsWith(labels[opener + 1]!)).toBe(true);
    const blanks = texts.map((t, i) => ({ t, i })).filter(({ t, i }) => i > 0 && t.trim() === '');
    expect(blanks.length).toBeGreaterThan(0);
    for (const { i } of blanks) expect(Number(labels[i]) % 2 === 0 || /^[ivx]+$/.test(labels[i]!)).toBe(true);
  });

  it('mirrors the margins: the text block of a verso sits nearer the left edge by the gutter less the outside margin', async () => {
    // Pages are laid out as rectos and versos moved at assembly (build/pdf/furniture.ts): the
    // body's left edge on every page of a chapter, verso against recto, from pdf.js's text items.
    const lib = await pdfLib(path.join(REPO_OUT, `${REPO_SLUG}.pdf`));
    const config = await loadConfig(path.join(ROOT, 'book.yaml'));
    const g = pageGeometry(config.print, lib.getPageCount() - 1);
    const leftEdge = async (index: number): Promise<number> => {
      const items = (await (await doc.getPage(index + 1)).getTextContent()).items.filter((i) => 'str' in i && i.str.trim().length > 3);
      // The body's lines, not the running head: the most common smallest x.
      const xs = items.map((i) => Math.round(('transform' in i ? i.transform[4] : 0) as number));
      const counts = new Map<number, number>();
      for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
      return [...counts].sort((a, b) => b[1] - a[1] || a[0] - b[0])[0]![0];
    };
    const body = labels.map((l, i) => ({ l, i })).filter(({ l, i }) => /^\d+$/.test(l) && texts[i]!.split('\n').length > 20);
    const versos = body.filter(({ l }) => Number(l) % 2 === 0).slice(0, 6);
    const rectos = body.filter(({ l }) => Number(l) % 2 === 1).slice(0, 6);
    expect(versos.length).toBeGreaterThan(3);
    for (const { i } of versos) expect(await leftEdge(i), `verso ${labels[i]}`).toBeCloseTo(g.outside * 72, -0.5);
    for (const { i } of rectos) expect(await leftEdge(i), `recto ${labels[i]}`).toBeCloseTo(g.inside * 72, -0.5);
  });

  it('is hyphenated: words break at line ends', () => {
    const body = texts.slice(labels.indexOf('1'));
    const broken = body.join('\n').match(/\p{Ll}-\n\p{Ll}/gu) ?? [];
    expect(broken.length).toBeGreaterThan(20);
  });
});

describe('a book printed through Lulu', () => {
  it('bleeds on all four edges: TrimBox inside a page grown by 0.125 in everywhere', async () => {
    const out = await buildFixtureVariant('service: kdp', 'service: lulu', ['print']);
    const pdf = await pdfLib(path.join(out, `${FIXTURE_SLUG}-print.pdf`));
    for (const page of pdf.getPages()) {
      expect(box(page, 'MediaBox')).toEqual([0, 0, 378, 594]);
      expect(box(page, 'TrimBox')).toEqual([9, 9, 369, 585]);
    }
  });
});

describe('crop marks, for printers who ask for them', () => {
  it('grow the page by the bleed and a margin for the marks on every side, the trim centred in it', async () => {
    const out = await buildFixtureVariant('paper: white', 'paper: white\n  cropMarks: true', ['print']);
    const file = path.join(out, `${FIXTURE_SLUG}-print.pdf`);
    const pdf = await pdfLib(file);
    for (const page of pdf.getPages()) {
      expect(box(page, 'MediaBox')).toEqual([0, 0, 432, 648]); // 360 × 576 trim + 2 × (9 + 27)
      expect(box(page, 'BleedBox')).toEqual([27, 27, 405, 621]);
      expect(box(page, 'TrimBox')).toEqual([36, 36, 396, 612]);
    }
    // The marks are drawn: a blank page still has vector strokes on it.
    const doc = await openPdfjs(file);
    const texts = await pageTexts(doc);
    const blank = texts.findIndex((t, i) => i > 0 && t.trim() === '');
    const ops = await (await doc.getPage(blank + 1)).getOperatorList();
    expect(ops.fnArray.length).toBeGreaterThan(8);
  });
});

describe('headings in Try Again', () => {
  it('never stand alone at the foot of a page: at least two lines of text follow each on its page', async () => {
    const { loadConfig } = await import('../build/config/load-config.ts');
    const { loadSources } = await import('../build/sources/load-sources.ts');
    const { buildModel } = await import('../build/model/build-model.ts');
    const { ROOT } = await import('./helpers/paths.ts');
    const book = buildModel(await loadConfig(path.join(ROOT, 'book.yaml')), ROOT, await loadSources(ROOT));
    const texts = await pageTexts(await openPdfjs(path.join(REPO_OUT, `${REPO_SLUG}.pdf`)));
    const headings = book.sections.flatMap((s) => s.headings.map((h) => h.text));
    expect(headings.length).toBeGreaterThan(5);
    for (const heading of headings) {
      const page = texts.findIndex((t) => t.split('\n').some((l) => l.trim() === heading));
      expect(page, heading).toBeGreaterThan(0);
      const lines = texts[page]!.split('\n').map((l) => l.trim()).filter(Boolean);
      expect(lines.length - lines.indexOf(heading) - 1, `lines after “${heading}”`).toBeGreaterThanOrEqual(2);
    }
  });
});
