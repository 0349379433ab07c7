/**
 * Images and figures in the technical book (chapter 2, "Seeing the System"), written as GitHub
 * authors write them: raw <figure> blocks with <br> and width, <p align="center">, images alone in
 * a paragraph with and without a title, badges in a sentence, SVG diagrams. Each figure's picture
 * is placed in both PDFs on the page that prints its caption and packaged in the EPUB with it; the
 * caption follows Pandoc's rule; SVG is drawn inline, its labels real text in the book's face.
 * Bad raw images fail like bad Markdown ones; README-style nesting gives a valid EPUB.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import sharp from 'sharp';
import { OPS, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { openPdfjs } from './helpers/pdf.ts';
import { readZip, text, type ZipEntry } from './helpers/epub.ts';
import { javaEpubcheck } from './helpers/epubcheck.ts';
import { runAce } from './helpers/ace.ts';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { FIXTURE_SLUG, TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

const CHAPTER = 'chapters/02-seeing-the-system.md';
const DOC = 'EPUB/text/seeing-the-system.xhtml';
const source = readFileSync(path.join(TECH_BOOK, CHAPTER), 'utf8');
const imagesDir = path.join(TECH_BOOK, 'chapters', 'images');
const epubFile = path.join(TECH_OUT, `${TECH_SLUG}.epub`);
const pdfs = { screen: path.join(TECH_OUT, `${TECH_SLUG}.pdf`), print: path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`) };

/** Letters and digits only: line breaks, hyphenation and typographer quotes do not matter. */
const squash = (s: string): string => s.normalize('NFKD').replace(/[^\p{L}\p{N}]+/gu, '').toLowerCase();
const textOf = (el: Element): string => DomUtils.textContent(el).replace(/\s+/g, ' ').trim();

interface Figure {
  caption: string;
  /** Image file name for a raster figure, or the SVG file's labels for a drawing. */
  image: string | undefined;
  svgLabels: string[];
  element: Element;
}

let entries: ZipEntry[];
let xhtml: string;
let figures: Figure[];

/** The <text> labels of an SVG file in the fixture, as its author wrote them, and whether set in a monospace family. */
const svgText = (file: string): { label: string; mono: boolean }[] =>
  [...readFileSync(path.join(imagesDir, file), 'utf8').matchAll(/<text\b([^>]*)>([^<]+)<\/text>/g)].map((m) => ({
    label: m[2]!.trim(),
    mono: /font-family="[^"]*mono/i.test(m[1]!),
  }));
const svgLabels = (file: string): string[] => svgText(file).map((t) => t.label);

beforeAll(async () => {
  entries = await readZip(epubFile);
  xhtml = text(entries, DOC);
  const doc = parseDocument(xhtml, { xmlMode: true });
  figures = DomUtils.findAll((e) => e.name === 'figure', doc.children).map((element) => {
    const caption = DomUtils.findOne((e) => e.name === 'figcaption', element.children);
    const img = DomUtils.findOne((e) => e.name === 'img', element.children);
    const svg = DomUtils.findOne((e) => e.name === 'svg', element.children);
    const labels = svg ? DomUtils.findAll((e) => e.name === 'text', svg.children).map(textOf) : [];
    return { caption: caption ? textOf(caption) : '', image: img ? path.basename(img.attribs.src!) : undefined, svgLabels: labels, element };
  });
});

describe('figures in the EPUB', () => {
  it('every raw <figure> and every image alone in its paragraph is a figure with a caption', () => {
    const raw = source.match(/^<figure>/gm)?.length ?? 0;
    const implicit = source.match(/^!\[[^\]]+\]\([^)]+\)(\{[^}]*\})?\s*$/gm)?.length ?? 0;
    expect(raw).toBeGreaterThanOrEqual(2);
    expect(implicit).toBeGreaterThanOrEqual(3);
    expect(figures).toHaveLength(raw + implicit);
    for (const f of figures) {
      expect(f.caption.length, f.element.attribs.class).toBeGreaterThan(10);
      // One look for both: the raw figure gets the class the implicit one has.
      expect(f.element.attribs.class).toContain('figure');
      // GitHub's <br> between picture and caption is gone (EPUBCheck rejects it after a caption).
      expect(DomUtils.findAll((e) => e.name === 'br', f.element.children)).toHaveLength(0);
    }
  });

  it('packages each raster picture, resized for screens, and links it from its figure', async () => {
    const opf = text(entries, 'EPUB/package.opf');
    for (const f of figures.filter((x) => x.image)) {
      const entry = entries.find((e) => e.name === `EPUB/images/${f.image}`);
      expect(entry, f.image).toBeDefined();
      expect(opf).toContain(`href="images/${f.image}"`);
      const meta = await sharp(entry!.data).metadata();
      expect(Math.max(meta.width!, meta.height!)).toBeLessThanOrEqual(1600);
    }
    // Raw images outside figures too: the <p align="center"> banner.
    expect(entries.some((e) => e.name === 'EPUB/images/orders-service-banner.png')).toBe(true);
  });

  it('takes the caption from the title, else from the alt text, hidden from screen readers when it repeats the alt', () => {
    const implicit = [...source.matchAll(/^!\[([^\]]+)\]\(images\/([^ )]+)(?: "([^"]+)")?\)/gm)];
    expect(implicit.some((m) => m[3])).toBe(true);
    expect(implicit.some((m) => !m[3])).toBe(true);
    for (const [, alt, file, title] of implicit) {
      const figure = figures.find((f) => (f.image === file) || (file!.endsWith('.svg') && f.svgLabels.length > 0 && f.svgLabels.join() === svgLabels(file!).join()));
      expect(figure, file).toBeDefined();
      const caption = DomUtils.findOne((e) => e.name === 'figcaption', figure!.element.children)!;
      const picture = DomUtils.findOne((e) => e.name === 'img' || e.name === 'svg', figure!.element.children)!;
      const description = picture.name === 'img' ? picture.attribs.alt! : textOf(DomUtils.findOne((e) => e.name === 'title', picture.children)!);
      expect(squash(description)).toBe(squash(alt!)); // the alt stays the description
      if (title) {
        expect(squash(figure!.caption)).toBe(squash(title));
        expect(caption.attribs['aria-hidden']).toBeUndefined();
        expect(picture.attribs.title).toBeUndefined(); // not repeated as a tooltip
      } else {
        expect(squash(figure!.caption)).toBe(squash(alt!));
        expect(caption.attribs['aria-hidden']).toBe('true');
      }
    }
    // An author's own caption is read.
    for (const f of figures.filter((x) => x.caption.startsWith('Figure:'))) {
      expect(DomUtils.findOne((e) => e.name === 'figcaption', f.element.children)!.attribs['aria-hidden']).toBeUndefined();
    }
  });

  it('honours width: a number as the attribute, a percentage as a style', () => {
    expect(xhtml).toMatch(/<img src="\.\.\/images\/dashboard-latency\.png"[^>]* width="400"/);
    expect(xhtml).toMatch(/<img src="\.\.\/images\/deploys-per-week\.png"[^>]* style="width:60%"/);
    expect(xhtml).not.toMatch(/width="\d+%"/);
  });

  it('draws SVG inline: sanitised, named by its alt text, ids unique, the document marked svg', () => {
    // Inline, not linked: the files are not packaged.
    expect(entries.some((e) => e.name.endsWith('.svg'))).toBe(false);
    const svgs = [...xhtml.matchAll(/<svg\b[^>]*>/g)].map((m) => m[0]);
    expect(svgs.length).toBe((source.match(/\.svg\b/g) ?? []).length);
    for (const open of svgs) {
      expect(open).toContain('role="img"');
      expect(open).toMatch(/viewBox="/);
    }
    // Each has the alt text as its <title>, first.
    expect(xhtml).toMatch(/<svg\b[^>]*><title id="[^"]+">build: passing<\/title>/);
    expect(xhtml).not.toMatch(/font-family=|inkscape|<metadata|<script|\son\w+=/i);
    const ids = [...xhtml.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(ids).size).toBe(ids.length);
    // The two badges both define id="s" in their files; every url(#…) points at an id that exists.
    for (const [, ref] of xhtml.matchAll(/url\(#([^)]+)\)/g)) expect(ids).toContain(ref);
    const opf = text(entries, 'EPUB/package.opf');
    expect(opf).toMatch(/<item id="seeing-the-system" href="text\/seeing-the-system\.xhtml" media-type="application\/xhtml\+xml" properties="svg"\/>/);
    expect(opf).toMatch(/<item id="preface" [^>]*media-type="application\/xhtml\+xml"\/>/); // only where there is SVG
  });

  it('EPUBCheck and Ace find nothing in the chapter', () => {
    const check = javaEpubcheck(epubFile);
    const mine = check.output.split('\n').filter((l) => /^(ERROR|WARNING|FATAL)/.test(l) && /seeing-the-system|images\//.test(l));
    expect(mine).toEqual([]);
    const ace = runAce(epubFile);
    expect(ace.violations.filter((v) => v.file.includes('seeing-the-system'))).toEqual([]);
  });
});

interface PageContent {
  text: string;
  images: { width: number; height: number }[];
  items: { str: string; font: string; x: number; width: number }[];
}

async function pageContents(doc: PDFDocumentProxy): Promise<PageContent[]> {
  const pages: PageContent[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const page = await doc.getPage(p);
    const content = await page.getTextContent();
    const ops = await page.getOperatorList(); // also loads the fonts, so their names can be read
    const images: PageContent['images'] = [];
    for (let i = 0; i < ops.fnArray.length; i++) {
      if (ops.fnArray[i] !== OPS.paintImageXObject) continue;
      const id = (ops.argsArray[i] as [string])[0];
      const image = await new Promise<{ width: number; height: number }>((resolve) => page.objs.get(id, resolve));
      images.push({ width: image.width, height: image.height });
    }
    const items: PageContent['items'] = [];
    for (const item of content.items) {
      if (!('str' in item) || !item.str.trim()) continue;
      const font = (page.commonObjs.get(item.fontName) as { name?: string }).name ?? '';
      items.push({ str: item.str, font, x: item.transform[4] as number, width: item.width });
    }
    pages.push({ text: items.map((i) => i.str).join(' '), images, items });
  }
  return pages;
}

describe.each(Object.entries(pdfs))('figures in the %s PDF', (_name, file) => {
  let pages: PageContent[];
  beforeAll(async () => {
    pages = await pageContents(await openPdfjs(file));
  });

  it('places each figure\'s picture on the page that prints its caption', async () => {
    expect(figures.length).toBeGreaterThan(0);
    for (const f of figures) {
      const key = squash(f.caption).slice(0, 40);
      const page = pages.find((p) => squash(p.text).includes(key));
      expect(page, `caption "${f.caption}"`).toBeDefined();
      if (f.image) {
        const meta = await sharp(path.join(imagesDir, f.image)).metadata();
        expect(page!.images, f.image).toContainEqual({ width: meta.width, height: meta.height });
      } else {
        for (const label of f.svgLabels) expect(squash(page!.text), label).toContain(squash(label));
      }
    }
  });

  it('sets the SVG labels as real text in the book\'s faces, never a fallback', () => {
    const files = [...new Set([...source.matchAll(/images\/([\w-]+\.svg)/g)].map((m) => m[1]!))];
    expect(files.length).toBeGreaterThanOrEqual(3);
    /** Runs of consecutive text items that spell the label exactly (a word a run, in monospace). */
    const runs = (items: PageContent['items'], label: string): PageContent['items'][] => {
      const want = squash(label);
      const found: PageContent['items'][] = [];
      for (let i = 0; i < items.length; i++) {
        let spelled = '';
        for (let j = i; j < items.length && want.startsWith(spelled + squash(items[j]!.str)); j++) {
          spelled += squash(items[j]!.str);
          if (spelled === want) found.push(items.slice(i, j + 1));
        }
      }
      return found;
    };
    for (const file of files) {
      const labels = svgText(file);
      // Each label is text of its own (searchable, selectable, read aloud), all on one page.
      const page = pages.find((p) => labels.every(({ label }) => runs(p.items, label).length > 0));
      expect(page, file).toBeDefined();
      for (const { label, mono } of labels) {
        // The book's face; a label the drawing set in a monospace family gets the code face.
        const face = mono ? /DejaVuSansMono/ : /Literata/;
        const found = runs(page!.items, label);
        expect(found.some((run) => run.every((i) => face.test(i.font))), `${file}: "${label}" in ${found.flat().map((i) => i.font).join(', ')}`).toBe(true);
      }
    }
  });

  it('scales the 1,200 px drawing to the text block', () => {
    const labels = svgLabels('wide-architecture.svg');
    const page = pages.find((p) => labels.every((l) => squash(p.text).includes(squash(l))))!;
    expect(page).toBeDefined();
    // The text block, from the body lines on the same page (justified: they span it).
    const body = page.items.filter((i) => /Literata/.test(i.font) && i.width > 100);
    const left = Math.min(...body.map((i) => i.x));
    const right = Math.max(...body.map((i) => i.x + i.width));
    for (const label of labels) {
      const item = page.items.find((i) => squash(i.str) === squash(label))!;
      expect(item, label).toBeDefined();
      expect(item.x).toBeGreaterThanOrEqual(left - 1);
      expect(item.x + item.width).toBeLessThanOrEqual(right + 1);
    }
  });
});

describe('print resolution', () => {
  it('is judged at the printed size width="…" asks for: only the small heat map is under 300 ppi', () => {
    const warnings = JSON.parse(readFileSync(path.join(TECH_OUT, 'warnings.json'), 'utf8')) as string[];
    const ppi = warnings.filter((w) => w.startsWith(CHAPTER) && /ppi/.test(w));
    const line = source.split('\n').findIndex((l) => l.includes('images/traffic-heatmap.png')) + 1;
    expect(ppi).toHaveLength(1);
    expect(ppi[0]).toMatch(new RegExp(`^${CHAPTER}:${line}: image traffic-heatmap\\.png prints at 4\\.50 × 2\\.53 in, 178 ppi`));
  });
});

describe('bad raw images fail like bad Markdown images, with file and line', () => {
  const { bookWith, cleanUp } = badBooks('figures');
  afterAll(cleanUp);
  const chapter = (html: string): string => bookWith({ 'chapters/01-the-lamp.md': `# The Lamp Room\n\nThe lamp room sits at the top.\n\n${html}\n` });

  it('a missing file', () =>
    expectError(runCli(chapter('<figure>\n  <img src="images/nope.png" alt="A lamp" width="300">\n  <figcaption>Figure: the lamp</figcaption>\n</figure>')), /chapters\/01-the-lamp\.md:6: image "images\/nope\.png" not found/));
  it('no alt text', () =>
    expectError(runCli(chapter('A lamp <img src="images/lamp.png" height="20"> in a sentence.')), /01-the-lamp\.md:5: image "images\/lamp\.png" has no alt text; write <img src="images\/lamp\.png" alt=/));
  it('a remote source', () =>
    expectError(runCli(chapter('<p align="center">\n  <img src="https://example.com/lamp.png" alt="A lamp">\n</p>')), /01-the-lamp\.md:6: image "https:\/\/example\.com\/lamp\.png" is not a file in the book/));
  it('a path outside the book', () =>
    expectError(runCli(chapter('<img src="../../../lamp.png" alt="A lamp">')), /01-the-lamp\.md:5: image .* outside the book folder/));
  it('no source at all', () => expectError(runCli(chapter('<img alt="A lamp">')), /01-the-lamp\.md:5: an <img> without src/));
});

describe('HTML nested the way GitHub READMEs nest it', () => {
  const { bookWith, cleanUp } = badBooks('figures-nesting');
  afterAll(cleanUp);
  const readme = [
    "# The Keeper's Log {#the-log}", // 1
    '',
    '<div align="center">', // 3
    '',
    '**The keeper\'s log, 1890–1902**',
    '',
    '</div>', // 7
    '',
    'After the centred block, a plain paragraph.',
    '',
    '<p align="center"><a href="https://example.com/log"><div>A block inside a link inside a paragraph</div></a></p>', // 11
    '',
    '<span>A span <p>holding a paragraph</p> and more</span>', // 13
    '',
    '<figure>', // 15
    '  <img src="images/lamp.png" alt="The lamp" width="200">',
    '  <figcaption>Figure: the lamp</figcaption>',
    '  <br>',
    '</figure>',
    '',
    '<figure>', // 21
    '  <img src="images/lamp.png" alt="The lamp again">',
    '  <figcaption>Figure: in the middle</figcaption>',
    '  <img src="images/lamp.png" alt="And once more">',
    '</figure>',
    '',
    '<details>',
    '<summary><h3>A summary holding a heading</h3></summary>',
    '',
    'Text inside the details.',
    '',
    '</details>',
    '',
    '<picture>',
    '  <source media="(prefers-color-scheme: dark)" srcset="images/lamp.png">',
    '  <img src="images/lamp.png" alt="The lamp at night">',
    '</picture>',
    '',
    'Water is H<sub>2</sub>O, the lamp turned twice a minute<sup>1</sup>, said the log.', // 39
    '',
    '<iframe src="https://www.youtube.com/embed/lamp"></iframe>', // 41
    '',
    '<div align="center">', // 43
    '',
    'Never closed.',
    '',
  ].join('\n');
  let result: ReturnType<typeof runCli>;
  let epub: string;
  let doc: string;
  beforeAll(async () => {
    const dir = bookWith({ 'chapters/02-the-log.md': readme });
    result = runCli(dir);
    epub = path.join(dir, 'dist', `${FIXTURE_SLUG}.epub`);
    doc = result.status === 0 ? text(await readZip(epub), 'EPUB/text/the-log.xhtml') : '';
  });

  it('builds an EPUB that EPUBCheck passes', () => {
    expect(result.status, result.stderr).toBe(0);
    const check = javaEpubcheck(epub);
    expect(check.errors, check.output).toBe(0);
    expect(check.warnings, check.output).toBe(0);
  });

  it('closes an element in the token that closes it, not at the end of the chapter', () => {
    expect(doc).toMatch(/<div class="align-center"[^>]*>\s*<p[^>]*><strong>The keeper’s log, 1890–1902<\/strong><\/p>\s*<\/div>\s*<p[^>]*>After the centred block/);
    expect(doc).toContain('H<sub>2</sub>O, the lamp turned twice a minute<sup>1</sup>, said the log.');
  });

  it('moves blocks out of inline elements, keeping the link and the span', () => {
    expect(doc).toMatch(/<div><a href="https:\/\/example\.com\/log">A block inside a link inside a paragraph<\/a><\/div>/);
    expect(doc).toMatch(/<p><span>holding a paragraph<\/span><\/p>/);
    expect(doc).toMatch(/<figure class="figure"[^>]*>\s*<img [^>]*alt="The lamp"[^>]*\/>\s*<figcaption>Figure: the lamp<\/figcaption>\s*<\/figure>/);
  });

  it('says what it had to change, with the line', () => {
    expect(result.stderr).toMatch(/warning: chapters\/02-the-log\.md:21: a <figcaption> must be first or last in its <figure>; it was moved to the end/);
    expect(result.stderr).toMatch(/warning: chapters\/02-the-log\.md:41: raw <iframe> removed/);
    expect(result.stderr).toMatch(/warning: chapters\/02-the-log\.md:43: raw <div> is never closed/);
  });
});
