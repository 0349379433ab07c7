/**
 * Mermaid diagrams in the science book (chapter 2, "Le filtrage numérique": a flowchart and a
 * sequence diagram, labels with accents): drawn at build time in the build's browser, vector
 * paths and real text in the book's face in the PDF, valid inline SVG in the EPUB (both
 * validators, Ace), the same bytes from the cache as from a fresh drawing. A diagram that does
 * not parse fails with its file and line, even in an EPUB-only build; a book without diagrams
 * never loads Mermaid.
 */
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomUtils, parseDocument } from 'htmlparser2';
import type { Element } from 'domhandler';
import { OPS, type PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildBook, type BuildResult } from '../build/build.ts';
import { openPdfjs, pageTexts } from './helpers/pdf.ts';
import { readZip, text } from './helpers/epub.ts';
import { epubcheckTs, javaEpubcheck } from './helpers/epubcheck.ts';
import { runAce } from './helpers/ace.ts';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { FIXTURE_BOOK, SCIENCE_BOOK, SCIENCE_OUT, SCIENCE_SLUG as SLUG } from './helpers/paths.ts';

const CHAPTER = 'chapters/02-filtrage.md';
const DOC = 'EPUB/text/filtrage.xhtml';
const files = {
  epub: path.join(SCIENCE_OUT, `${SLUG}.epub`),
  screen: path.join(SCIENCE_OUT, `${SLUG}.pdf`),
  print: path.join(SCIENCE_OUT, `${SLUG}-print.pdf`),
};
const source = readFileSync(path.join(SCIENCE_BOOK, CHAPTER), 'utf8');

/** Each ```mermaid fence of the chapter: its opening line, label, caption and the node labels it draws. */
const fences = [...source.matchAll(/^```mermaid \{#(fig:[\w-]+) caption="([^"]+)"\}\n([\s\S]*?)^```$/gm)].map((m) => ({
  line: source.slice(0, m.index).split('\n').length,
  label: m[1]!,
  caption: m[2]!,
  labels: [...m[3]!.matchAll(/\[\(?([^\]\[()]+)\)?\]|\{\{([^}]+)\}\}|\(\[([^\]]+)\]\)|participant \w+ as (.+)|: (.+)$/gm)].map((l) => (l[1] ?? l[2] ?? l[3] ?? l[4] ?? l[5]!).trim()),
}));

const squash = (s: string): string => s.normalize('NFC').replace(/[\s\u00ad]+/g, ' ').trim();

let warnings: string[] | undefined;
beforeAll(async () => {
  process.env.SOURCE_DATE_EPOCH ??= '1700000000';
  // The global set-up builds the science book; built here too when this file runs on its own.
  if (![files.epub, files.screen, files.print, path.join(SCIENCE_OUT, 'warnings.json')].every((f) => existsSync(f))) {
    const built = await buildBook({ bookDir: SCIENCE_BOOK, outDir: SCIENCE_OUT, formats: ['pdf', 'epub', 'print', 'cover'] });
    writeFileSync(path.join(SCIENCE_OUT, 'warnings.json'), JSON.stringify(built.warnings, null, 2));
  }
  warnings = JSON.parse(readFileSync(path.join(SCIENCE_OUT, 'warnings.json'), 'utf8')) as string[];
});

describe('the science book’s diagrams', () => {
  it('has the two diagrams the tests read', () => {
    expect(fences.map((f) => f.label)).toEqual(['fig:chaine', 'fig:echanges']);
    expect(fences[0]!.labels).toContain('Échantillonnage et quantification');
    expect(fences[1]!.labels).toContain('Convertisseur');
    // Drawn to fit the A5 page without a complaint (no label too small, nothing refused).
    expect(warnings!.filter((w) => w.startsWith(CHAPTER) || /diagram/.test(w))).toEqual([]);
  });

  describe('in the PDFs', () => {
    for (const which of ['print', 'screen'] as const) {
      it(`draws them in the ${which} PDF as vector paths, with their labels as text in the book's face`, async () => {
        const doc = await openPdfjs(files[which]);
        const texts = (await pageTexts(doc)).map(squash);
        for (const fence of fences) {
          // The page with the caption's first words (a long caption may be hyphenated further on) and the first label.
          const start = fence.caption.split(' ').slice(0, 3).join(' ');
          const caption = texts.findIndex((t) => t.includes(start) && t.includes(fence.labels[0]!));
          expect(caption, `caption of ${fence.label}`).toBeGreaterThanOrEqual(0);
          // Every label of the diagram is text on the page of its caption (the figure is kept whole).
          for (const label of fence.labels) {
            for (const word of label.split(/\s+/)) expect(texts[caption]!.replace(/’/g, "'"), `"${word}" of ${fence.label}`).toContain(word);
          }
          const page = await doc.getPage(caption + 1);
          const ops = await page.getOperatorList();
          const images = ops.fnArray.filter((op) => op === OPS.paintImageXObject || op === OPS.paintInlineImageXObject || op === OPS.paintImageMaskXObject);
          expect(images, `images on the page of ${fence.label}`).toHaveLength(0);
          expect(ops.fnArray.filter((op) => op === OPS.constructPath).length).toBeGreaterThan(10);
          const fonts = await labelFonts(doc, caption + 1, fence.labels[0]!.split(/\s+/)[0]!);
          expect(fonts.length).toBeGreaterThan(0);
          for (const font of fonts) expect(font).toMatch(/Literata/);
        }
      });
    }
  });

  describe('in the EPUB', () => {
    let xhtml: string;
    let svgs: Element[];
    beforeAll(async () => {
      xhtml = text(await readZip(files.epub), DOC);
      svgs = DomUtils.findAll((el) => el.name === 'svg', parseDocument(xhtml, { xmlMode: true }).children);
    });

    it('puts each drawing inline, in its figure, with role="img" and a <title> from the caption', () => {
      expect(svgs).toHaveLength(2);
      fences.forEach((fence, k) => {
        const svg = svgs[k]!;
        const figure = svg.parent as Element;
        expect(figure.name).toBe('figure');
        expect(figure.attribs.class).toBe('figure diagram');
        expect(figure.attribs.id).toBe(fence.label.replace(':', '-'));
        expect(svg.attribs.xmlns).toBe('http://www.w3.org/2000/svg');
        expect(svg.attribs.role).toBe('img');
        const title = svg.children.find((c): c is Element => c.type === 'tag' && c.name === 'title')!;
        expect(DomUtils.textContent(title).replace(/’/g, "'")).toBe(fence.caption);
        expect(svg.attribs['aria-labelledby']).toBe(title.attribs.id);
        expect(Number(svg.attribs.width)).toBeGreaterThan(0);
        expect(svg.attribs.viewBox).toMatch(/^[\d.-]+ [\d.-]+ [\d.]+ [\d.]+$/);
        const caption = DomUtils.findOne((el) => el.name === 'figcaption', figure.children)!;
        expect(DomUtils.textContent(caption).replace(/’/g, "'")).toContain(fence.caption);
        // The labels are SVG text, in the book's face.
        const labels = DomUtils.findAll((el) => el.name === 'text', [svg]).map((el) => DomUtils.textContent(el).replace(/\s+/g, ' ').trim());
        for (const label of fence.labels) expect(labels.join(' | ').replace(/’/g, "'")).toContain(label.split(' ')[0]!);
        const style = DomUtils.findOne((el) => el.name === 'style', [svg])!;
        expect(DomUtils.textContent(style)).toContain("font-family:'Literata'");
      });
    });

    it('gives no HTML labels, no links out and no id twice, and scopes its styles to its own drawing', () => {
      expect(xhtml).not.toMatch(/<foreignObject|<script|data-et=|aria-roledescription|graphics-document/);
      const ids = [...xhtml.matchAll(/\sid="([^"]+)"/g)].map((m) => m[1]!);
      expect(new Set(ids).size).toBe(ids.length);
      for (const svg of svgs) {
        const css = DomUtils.textContent(DomUtils.findOne((el) => el.name === 'style', [svg])!);
        const selectors = css.replace(/\{[^}]*\}/g, '\n').split(/[\n,]/).map((s) => s.trim()).filter(Boolean);
        for (const selector of selectors) expect(selector.startsWith(`#${svg.attribs.id}`), selector).toBe(true);
        // Every reference inside is to a name of the same drawing; those of its elements (markers) to one of its elements.
        const own = new Set(DomUtils.findAll((el) => el.attribs.id !== undefined, [svg]).map((el) => el.attribs.id!));
        const refs = (markup: string): string[] => [...markup.matchAll(/url\(#([^)]+)\)|href="#([^"]+)"/g)].map((m) => m[1] ?? m[2]!);
        for (const ref of refs(css)) expect(ref.startsWith(`${svg.attribs.id}-`), ref).toBe(true);
        const drawn = refs(DomUtils.getOuterHTML(svg, { xmlMode: true }).replace(/<style>[\s\S]*?<\/style>/, ''));
        expect(drawn.length).toBeGreaterThan(0);
        for (const ref of drawn) expect(own.has(ref), ref).toBe(true);
      }
    });

    it('declares the svg property for the document, and passes both validators and Ace', async () => {
      const opf = text(await readZip(files.epub), 'EPUB/package.opf');
      const item = /<item [^>]*href="text\/filtrage.xhtml"[^>]*>/.exec(opf)![0];
      expect(item).toMatch(/properties="[^"]*\bsvg\b/);
      const java = javaEpubcheck(files.epub);
      expect(java.errors + java.warnings, java.output).toBe(0);
      const ts = epubcheckTs(files.epub);
      expect(ts.errors + ts.warnings, ts.output).toBe(0);
      // Ace on the diagrams' document (the rest of the book is other tests' business).
      const ace = runAce(files.epub);
      expect(ace.violations.filter((v) => v.file === 'text/filtrage.xhtml'), ace.output).toEqual([]);
    });
  });
});

describe('drawing diagrams', () => {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'diagrams-'));
  const bad = badBooks('diagrams');
  afterAll(() => {
    bad.cleanUp();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('keeps each drawing in the book’s cache, so that a rebuild draws nothing and gives the same bytes', async () => {
    const dir = path.join(scratch, 'science');
    cpSync(SCIENCE_BOOK, dir, { recursive: true, filter: (f) => !f.includes(`${path.sep}.cache`) });
    const build = async (out: string): Promise<BuildResult> => {
      delete process.env.EBOOK_NO_CACHE;
      try {
        return await buildBook({ bookDir: dir, outDir: path.join(dir, out), formats: ['epub'] });
      } finally {
        process.env.EBOOK_NO_CACHE = '1';
      }
    };
    const fresh = await buildBook({ bookDir: dir, outDir: path.join(dir, 'out0'), formats: ['epub'] });
    expect(fresh.diagrams).toEqual({ drawn: 2, reused: 0 });
    const first = await build('out1');
    expect(first.diagrams).toEqual({ drawn: 2, reused: 0 });
    const second = await build('out2');
    expect(second.diagrams).toEqual({ drawn: 0, reused: 2 });
    // Drawn without a cache, drawn into it, taken from it: the same bytes in every file of the
    // EPUB. (The cover JPEG is left out: it is a screenshot, whose antialiasing Chromium does not
    // always repeat to the bit; the diagrams never go through it.)
    const contents = async (out: string): Promise<[string, string][]> =>
      (await readZip(path.join(dir, out, `${SLUG}.epub`))).filter((e) => e.name !== 'EPUB/images/cover.jpg').map((e) => [e.name, e.data.toString('base64')]);
    const reference = await contents('out0');
    expect(reference.map(([name]) => name)).toContain(DOC);
    expect(await contents('out1')).toEqual(reference);
    expect(await contents('out2')).toEqual(reference);

    // One diagram edited: only that one is drawn again, and the change shows.
    const chapter = path.join(dir, CHAPTER);
    writeFileSync(chapter, readFileSync(chapter, 'utf8').replace('participant F as Filtre', 'participant F as Filtre passe-bas'));
    const third = await build('out3');
    expect(third.diagrams).toEqual({ drawn: 1, reused: 1 });
    expect(text(await readZip(path.join(dir, 'out3', `${SLUG}.epub`)), DOC)).toContain('Filtre passe-bas');
  });

  it('never loads Mermaid for a book without diagrams', async () => {
    const result = await buildBook({ bookDir: FIXTURE_BOOK, outDir: path.join(scratch, 'mini'), formats: ['epub'] });
    expect(result.book.diagrams).toEqual([]);
    expect(result.diagrams).toBeUndefined();
    expect(result.timings).not.toHaveProperty('diagrams');
    expect(result.timings).toHaveProperty('browser');
  });

  const signals = (body: string): string => `# Signals\n\nThe keeper wrote down every signal the station made.\n\n${body}`;

  it('fails on a diagram that does not parse, at its line in the Markdown file, in an EPUB-only build', () => {
    const dir = bad.bookWith({
      'chapters/04-signals.md': signals(
        '```mermaid {#fig:signals caption="Signals of the station"}\nflowchart LR\n    lamp[Lamp] --> horn[Horn]\n    horn --> bell[Bell\n    bell --> lamp\n```\n',
      ),
    });
    // Mermaid finds the unclosed [ at the diagram's line 4: the fence opens at line 5.
    expectError(runCli(dir), /error: chapters\/04-signals\.md:9: Mermaid cannot read this diagram \(line 4 of the diagram\)/);
  });

  it('warns when a diagram must be scaled so far down to fit the page that its labels are too small to read', async () => {
    const dir = bad.bookWith({
      'chapters/04-signals.md': signals(
        '```mermaid {caption="The signals, from dusk to dawn"}\nflowchart LR\n    dusk[Dusk] --> lamp[Lamp lit] --> fog[Fog comes in] --> horn[Horn sounded] --> ship[Ship answers] --> clear[Fog lifts] --> dawn[Dawn]\n```\n',
      ),
    });
    const result = await buildBook({ bookDir: dir, outDir: path.join(dir, 'out'), formats: ['epub'] });
    const warning = result.warnings.find((w) => w.startsWith('chapters/04-signals.md:5: this diagram is larger than the page'));
    expect(warning, result.warnings.join('\n')).toBeDefined();
    const pt = Number(/labels print at ([\d.]+) pt/.exec(warning!)![1]);
    expect(pt).toBeGreaterThan(1);
    expect(pt).toBeLessThan(7);
  });

  it('fails on a diagram of no known type, and on one that nothing names for screen readers', () => {
    const dir = bad.bookWith({
      'chapters/04-signals.md': signals('```mermaid {caption="Signals"}\nflowgraph LR\n    a --> b\n```\n\n```mermaid\nsequenceDiagram\n    Keeper->>Ship: Light\n```\n'),
    });
    const result = runCli(dir);
    expectError(result, /chapters\/04-signals\.md:10: a diagram needs words for readers who cannot see it/);
    const named = bad.bookWith({
      'chapters/04-signals.md': signals('```mermaid {caption="Signals"}\nflowgraph LR\n    a --> b\n```\n\n```mermaid\nsequenceDiagram\n    accTitle: The keeper signals a ship\n    Keeper->>Ship: Light\n```\n'),
    });
    expectError(runCli(named), /chapters\/04-signals\.md:6: Mermaid cannot read this diagram \(line 1 of the diagram\): No diagram type detected/);
  });
});

/** The fonts of the text items on page `n` that start with `word`, as the PDF names them. */
async function labelFonts(doc: PDFDocumentProxy, n: number, word: string): Promise<string[]> {
  const page = await doc.getPage(n);
  await page.getOperatorList(); // loads the page's fonts into commonObjs
  const content = await page.getTextContent();
  return content.items
    .filter((item): item is typeof item & { str: string; fontName: string } => 'str' in item && item.str.trim().startsWith(word))
    .map((item) => (page.commonObjs.get(item.fontName) as { name?: string }).name ?? '');
}
