/**
 * Nothing printed small, nothing lost: the technical fixture is laid out with every page at full
 * size; what was too wide is named with its file and line; the paper edition shows where links
 * go; the build refuses an image it could not show and an EPUB that is not valid.
 */
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import sharp from 'sharp';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { openPdfjs, pageTexts } from './helpers/pdf.ts';
import { FIXTURE_BOOK, FIXTURE_OUT, FIXTURE_SLUG, ROOT, TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';
import { pdfLib } from './helpers/pdf.ts';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { readZip } from './helpers/epub.ts';

const chapters = path.join(TECH_BOOK, 'chapters');
const markdownFiles = readdirSync(chapters).filter((f) => f.endsWith('.md')).sort();
const markdown = (file: string): string => readFileSync(path.join(chapters, file), 'utf8');
const warnings = (): string[] => JSON.parse(readFileSync(path.join(TECH_OUT, 'warnings.json'), 'utf8')) as string[];

/** Every text item of every page, with its size in pt (pdf.js: the text matrix's scale). */
async function textItems(doc: PDFDocumentProxy): Promise<{ page: number; str: string; size: number }[]> {
  const items: { page: number; str: string; size: number }[] = [];
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    for (const item of content.items) {
      if (!('str' in item) || !item.str.trim()) continue;
      items.push({ page: p, str: item.str.replace(/\u00ad/g, ''), size: Math.hypot(item.transform[0]!, item.transform[1]!) });
    }
  }
  return items;
}

/** Plain paragraphs of prose in a Markdown file: no code, tables, lists, quotes, HTML or headings. */
function proseParagraphs(text: string): string[] {
  const withoutFences = text.replace(/^(```|~~~)[\s\S]*?^\1\s*$/gm, '').replace(/^---\n[\s\S]*?\n---\n/, '');
  return withoutFences
    .split(/\n\s*\n/)
    .filter((p) => !/^(\s{4}|\t)/.test(p) && !/^(#|\||>|[-*+] |\d+\. |<|:::|!\[|Table:|\[\^)/.test(p.trimStart()) && p.trim().length > 80)
    .map((p) => p.replace(/\s+/g, ' ').replace(/[*_`]/g, ''));
}

describe('the technical book, laid out', () => {
  let screen: PDFDocumentProxy;
  let items: { page: number; str: string; size: number }[];
  let prose: { page: number; str: string; size: number }[];
  beforeAll(async () => {
    screen = await openPdfjs(path.join(TECH_OUT, `${TECH_SLUG}.pdf`));
    items = await textItems(screen);
    const paragraphs = markdownFiles.flatMap((f) => proseParagraphs(markdown(f)));
    // Runs of at least six words found word for word in a prose paragraph of the Markdown.
    prose = items.filter((i) => i.str.trim().split(' ').length >= 6 && paragraphs.some((p) => p.includes(i.str.trim())));
  });

  it('sets the body text of every page at the size of the prose fixture: no part is printed scaled', async () => {
    // The prose fixture's body size: the size that sets the most characters.
    const mini = await textItems(await openPdfjs(path.join(FIXTURE_OUT, `${FIXTURE_SLUG}.pdf`)));
    const chars = new Map<number, number>();
    for (const i of mini) chars.set(Math.round(i.size * 10) / 10, (chars.get(Math.round(i.size * 10) / 10) ?? 0) + i.str.length);
    const bodySize = [...chars.entries()].sort((a, b) => b[1] - a[1])[0]![0];
    expect(bodySize).toBeCloseTo(10.5, 1);
    const pages = new Set(prose.map((i) => i.page));
    expect(pages.size, 'pages with prose found').toBeGreaterThan(8);
    for (const item of prose) expect(item.size, `page ${item.page}: "${item.str}"`).toBeCloseTo(bodySize, 1);
  });

  it('names, with file and line, the table too wide for any page and the image sized wider than the text block', () => {
    const all = warnings();
    // The 16-column table of numbers: found in the Markdown by its header row.
    const measuring = markdownFiles.find((f) => f.startsWith('03-'))!;
    const lines = markdown(measuring).split('\n');
    const wideRow = lines.findIndex((l) => l.startsWith('|') && l.split('|').length - 2 >= 16);
    expect(wideRow, 'a table of 16 columns in the fixture').toBeGreaterThan(0);
    let tableStart = wideRow; // the table's first line (its header row) is the line it is reported at
    while (tableStart > 0 && lines[tableStart - 1]!.startsWith('|')) tableStart--;
    expect(all.some((w) => w.startsWith(`chapters/${measuring}:${tableStart + 1}: the table of 16 columns`)), all.join('\n')).toBe(true);

    const figures = markdownFiles.find((f) => f.startsWith('02-'))!;
    const svgLine = markdown(figures).split('\n').findIndex((l) => /<img[^>]+wide-architecture\.svg/.test(l));
    expect(svgLine).toBeGreaterThan(0);
    expect(all.some((w) => w.startsWith(`chapters/${figures}:${svgLine + 1}: `) && /wider than the text block/.test(w)), all.join('\n')).toBe(true);
  });

  it('turns a table too wide for the portrait page onto a landscape page, and only that page', async () => {
    const lib = await pdfLib(path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`));
    const sizes = new Set(lib.getPages().map((p) => `${Math.round(p.getTrimBox().width)}x${Math.round(p.getTrimBox().height)}`));
    expect([...sizes]).toEqual(['432x648']); // every page portrait 6 × 9 in: the table turned, not the page
    const turned = new Set<number>();
    for (let p = 1; p <= screen.numPages; p++) {
      const content = await (await screen.getPage(p)).getTextContent();
      const vertical = content.items.filter((i) => 'str' in i && i.str.trim() && Math.abs(i.transform[0]!) < 0.01 && Math.abs(i.transform[1]!) > 1);
      if (vertical.length > 20) turned.add(p);
    }
    expect(turned.size, 'pages set sideways').toBeGreaterThan(0);
    expect(turned.size).toBeLessThan(screen.numPages / 3);
  });
});

describe('external links in the PDFs', () => {
  const links = markdownFiles.flatMap((f) =>
    [...markdown(f).matchAll(/(?<!!)\[([^\]]+)\]\((https?:\/\/[^)\s]+)\)/g)].map((m) => ({ file: f, text: m[1]!, url: m[2]! })),
  );

  it('print their address after the text, once, in the print PDF; the EPUB keeps plain live links', async () => {
    expect(links.length).toBeGreaterThan(2);
    const texts = (await pageTexts(await openPdfjs(path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`)))).join(' ').replace(/\s+/g, '');
    for (const link of links) {
      const shown = link.text.replace(/[*_`]/g, '').replace(/\s+/g, '');
      if (shown.replace(/^https?:\/\//, '') === link.url.replace(/^https?:\/\//, '')) {
        expect(texts).toContain(link.url.replace(/\s+/g, ''));
        expect(texts).not.toContain(`${link.url}(${link.url}`);
      } else {
        expect(texts, `${link.file}: ${link.text}`).toContain(`${shown}(${link.url})`);
      }
    }
    const entries = await readZip(path.join(TECH_OUT, `${TECH_SLUG}.epub`));
    const xhtml = entries.filter((e) => e.name.endsWith('.xhtml')).map((e) => e.data.toString('utf8')).join('');
    expect(xhtml).not.toContain('print-url');
    expect(xhtml).not.toContain('data-line=');
    for (const link of links) expect(xhtml).toContain(`href="${link.url.replace(/&/g, '&amp;')}"`);
  });
});

describe('what the build refuses', () => {
  const { bookWith, cleanUp } = badBooks('fit');
  afterAll(cleanUp);

  it('an image the browser cannot show is an error naming file and line', async () => {
    const dir = bookWith({ 'chapters/01-the-lamp.md': '# The Lamp\n\nA photograph of the lamp follows.\n\n![The lamp at dusk](images/lamp.tiff)\n' });
    // A TIFF: sharp reads it, so the model accepts it; Chromium cannot draw it.
    await sharp(path.join(dir, 'chapters', 'images', 'lamp.png')).tiff().toFile(path.join(dir, 'chapters', 'images', 'lamp.tiff'));
    expectError(runCli(dir, ['--format', 'pdf']), /chapters\/01-the-lamp\.md:5: image images\/lamp\.tiff could not be shown/);
  });

  it('an EPUB that is not valid (here from a template of the author’s own) stops the build', () => {
    const dir = bookWith({});
    const templates = path.join(dir, 'templates', 'epub');
    mkdirSync(templates, { recursive: true });
    const section = readFileSync(path.join(ROOT, 'templates', 'epub', 'section.hbs'), 'utf8');
    writeFileSync(path.join(templates, 'section.hbs'), section.replace('<header class="section-opener">', '<header class="section-opener"><blink>new!</blink>'));
    expectError(runCli(dir, ['--format', 'epub']), /the EPUB is not valid: .*blink/);
  });

  it('--strict turns a warning into an error and changes no output', () => {
    const dir = bookWith({ 'chapters/03-bibliography.md': readFileSync(path.join(FIXTURE_BOOK, 'chapters', '03-bibliography.md'), 'utf8') + '\n- **Nobody, 1900.** *Never Cited*. {#never-cited}\n' });
    const plain = runCli(dir, ['--format', 'epub']);
    expect(plain.status, plain.stderr).toBe(0);
    expect(plain.stderr).toMatch(/warning: bibliography entry "never-cited" is never cited/);
    expectError(runCli(dir, ['--format', 'epub', '--strict']), /never-cited.*an error with --strict/);
  });
});
