/**
 * Math (issue 13): `$…$` and `$$…$$` TeX in the science book come out as MathML, compiled at
 * build time: in the EPUB with its namespace, the TeX as alttext and annotation, the manifest's
 * mathml property and the accessibility feature, valid for both validators and Ace; in the PDFs
 * set in Noto Sans Math embedded as TrueType, the formulas' characters in the text, never
 * hyphenated, a formula too wide scaled and reported at its line. Money stays text; a bad
 * formula stops the build at its file and line.
 *
 * The science book is built once for the suite, into test/.out/science, by the global set-up.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PDFArray, PDFDict, PDFName } from 'pdf-lib';
import { hyphenatorFor } from '../build/render/hyphenate.ts';
import { xmlIdOf } from '../build/markdown/labels-plugin.ts';
import { fontsOf, openPdfjs, pdfLib } from './helpers/pdf.ts';
import { readZip, text, type ZipEntry } from './helpers/epub.ts';
import { epubcheckTs, javaEpubcheck } from './helpers/epubcheck.ts';
import { runAce } from './helpers/ace.ts';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { FIXTURE_SLUG, ROOT, SCIENCE_BOOK, SCIENCE_OUT, SCIENCE_SLUG as SLUG } from './helpers/paths.ts';
const epubFile = path.join(SCIENCE_OUT, `${SLUG}.epub`);
const screenPdf = path.join(SCIENCE_OUT, `${SLUG}.pdf`);
const printPdf = path.join(SCIENCE_OUT, `${SLUG}-print.pdf`);
const CHAPTER = 'chapters/01-ondes.md';
const source = readFileSync(path.join(SCIENCE_BOOK, CHAPTER), 'utf8');
const MATHML = 'http://www.w3.org/1998/Math/MathML';

let warnings: string[] = [];
let entries: ZipEntry[] = [];

beforeAll(async () => {
  // Built once for the whole suite by test/setup/global-setup.ts, with its warnings.
  warnings = JSON.parse(readFileSync(path.join(SCIENCE_OUT, 'warnings.json'), 'utf8')) as string[];
  entries = await readZip(epubFile);
}, 300_000);

/** The display equations of the chapter's Markdown ($$…$$ and ```math): TeX, label, and the line of the opening $$. */
function displayEquations(markdown: string): { tex: string; label: string | undefined; line: number }[] {
  const lines = markdown.split('\n');
  const found: { tex: string; label: string | undefined; line: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const fence = /^```math\s*(?:\{#([^}]+)\})?\s*$/.exec(lines[i]!);
    if (fence) {
      const end = lines.indexOf('```', i + 1);
      found.push({ tex: lines.slice(i + 1, end).join('\n').trim(), label: fence[1], line: i + 1 });
      i = end;
      continue;
    }
    if (!lines[i]!.startsWith('$$')) continue;
    let j = i;
    if (!/\$\$\s*(\{#[^}]+\})?\s*$/.test(lines[i]!.slice(2))) while (!/^(.*)\$\$\s*(\{#[^}]+\})?\s*$/.test(lines[++j]!));
    const block = lines.slice(i, j + 1).join('\n');
    const m = /^\$\$([\s\S]*?)\$\$\s*(?:\{#([^}]+)\})?\s*$/.exec(block)!;
    found.push({ tex: m[1]!.trim(), label: m[2], line: i + 1 });
    i = j;
  }
  return found;
}

const decode = (s: string): string => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&amp;/g, '&');
const equations = displayEquations(source);

describe('math in the EPUB', () => {
  const chapter = (): string => text(entries, 'EPUB/text/ondes.xhtml');
  const documents = (): ZipEntry[] => entries.filter((e) => e.name.endsWith('.xhtml'));

  it('every <math> carries its namespace, the TeX as alttext and as a TeX annotation', () => {
    const maths = documents().flatMap((d) => [...d.data.toString('utf8').matchAll(/<math\b([^>]*)>([\s\S]*?)<\/math>/g)]);
    expect(maths.length).toBeGreaterThan(40);
    for (const [, attrs, inner] of maths) {
      expect(attrs).toContain(`xmlns="${MATHML}"`);
      const alt = decode(/alttext="([^"]*)"/.exec(attrs!)?.[1] ?? '');
      expect(alt.length).toBeGreaterThan(0);
      const annotation = /<annotation encoding="application\/x-tex">([\s\S]*?)<\/annotation>/.exec(inner!)?.[1];
      expect(decode(annotation ?? '').replace(/\s+/g, ' ').trim()).toBe(alt);
    }
    // Inline formulas of the text, with what they hold.
    expect(chapter()).toContain('alttext="\\omega = 2\\pi f"');
    expect(chapter()).toMatch(/alttext="f = 1\/T"><semantics><mrow><mi>f<\/mi><mo>=<\/mo><mn>1<\/mn>/);
  });

  it('each display equation is a centred block holding its formula, its label as an XML id, and a place for its number', () => {
    expect(equations.length).toBeGreaterThanOrEqual(6);
    const html = chapter();
    const blocks = [...html.matchAll(/<div class="equation"( id="([^"]+)")?>(<math [^>]*display="block"[\s\S]*?<\/math>)<span class="equation-number">([^<]*)<\/span><\/div>/g)];
    expect(blocks.map((b) => b[2])).toEqual(equations.map((e) => (e.label ? xmlIdOf(e.label) : undefined)));
    // Labelled equations are numbered in order within the chapter, (1.1), (1.2)…; the others are not.
    const labelled = blocks.filter((b) => b[2]);
    expect(labelled.map((b) => b[4])).toEqual(labelled.map((_, k) => `(1.${k + 1})`));
    expect(blocks.filter((b) => !b[2]).every((b) => b[4] === '')).toBe(true);
    blocks.forEach((b, k) => expect(decode(/alttext="([^"]*)"/.exec(b[3]!)![1]!)).toBe(equations[k]!.tex.replace(/\s+/g, ' ')));
    expect(equations.map((e) => e.label).filter(Boolean)).toEqual(expect.arrayContaining(['eq:onde', 'eq:fourier']));
    expect(source).toMatch(/^```math$/m); // GitHub's fence form among them
    // The matrix, the sum and the integral are MathML structures, not text.
    expect(html).toMatch(/<mtable>/);
    expect(html).toMatch(/<munderover><mo movablelimits="false">∑<\/mo>/);
    expect(html).toMatch(/<msubsup><mo movablelimits="false">∫<\/mo>/);
  });

  it('money and other dollars stay text', () => {
    const html = chapter();
    expect(html).toContain('un oscilloscope à 300 $ et un autre à 1 200 $, et pour');
    const paragraph = /<p>Pour voir ces grandeurs[\s\S]*?<\/p>/.exec(html)![0];
    expect(paragraph).not.toContain('<math');
  });

  it('the documents with math, and only those, have the mathml property; the package declares MathML', () => {
    const opf = text(entries, 'EPUB/package.opf');
    const items = [...opf.matchAll(/<item id="[^"]+" href="([^"]+\.xhtml)" media-type="application\/xhtml\+xml"(?: properties="([^"]*)")?\/>/g)];
    expect(items.length).toBeGreaterThan(4);
    const withMath = items.filter(([, href]) => text(entries, `EPUB/${href}`).includes('<math'));
    expect(withMath.map(([, href]) => href)).toContain('text/ondes.xhtml');
    for (const [, href, properties] of items) {
      const hasMath = text(entries, `EPUB/${href}`).includes('<math');
      expect((properties ?? '').split(' ').includes('mathml'), href).toBe(hasMath);
    }
    expect(opf).toContain('<meta property="schema:accessibilityFeature">MathML</meta>');
  });

  it('embeds the math face, subset, with its MATH table, and gives it to math', () => {
    const font = entries.find((e) => e.name === 'EPUB/fonts/noto-sans-math-400-normal.ttf');
    expect(font).toBeDefined();
    const data = font!.data;
    const tables = Array.from({ length: data.readUInt16BE(4) }, (_, i) => data.toString('latin1', 12 + 16 * i, 16 + 16 * i));
    expect(tables).toEqual(expect.arrayContaining(['MATH', 'glyf']));
    expect(data.length).toBeLessThan(80_000); // the whole font is 600 KB
    expect(text(entries, 'EPUB/css/fonts.css')).toMatch(/math \{ font-family: "Noto Sans Math", math; \}/);
  });

  it('passes both validators and Ace', () => {
    const java = javaEpubcheck(epubFile);
    expect(java.errors, java.output).toBe(0);
    expect(java.warnings, java.output).toBe(0);
    const ts = epubcheckTs(epubFile);
    expect(ts.errors, ts.output).toBe(0);
    expect(ts.warnings, ts.output).toBe(0);
    const ace = runAce(epubFile);
    expect(ace.violations, ace.output).toEqual([]);
  }, 240_000);
});

/** Which font file a PDF font embeds: FontFile2 is TrueType, FontFile3 CFF. */
async function embeddedFontFiles(file: string, name: RegExp): Promise<string[]> {
  const doc = await pdfLib(file);
  const kinds: string[] = [];
  for (const [, object] of doc.context.enumerateIndirectObjects()) {
    if (!(object instanceof PDFDict) || object.lookupMaybe(PDFName.of('Type'), PDFName)?.asString() !== '/Font') continue;
    const base = object.lookupMaybe(PDFName.of('BaseFont'), PDFName)?.asString() ?? '';
    if (!name.test(base)) continue;
    const descendants = object.lookupMaybe(PDFName.of('DescendantFonts'), PDFArray);
    const font = descendants ? doc.context.lookup(descendants.get(0), PDFDict) : object;
    const descriptor = font.lookupMaybe(PDFName.of('FontDescriptor'), PDFDict);
    kinds.push(...['FontFile', 'FontFile2', 'FontFile3'].filter((k) => descriptor?.has(PDFName.of(k))));
  }
  return kinds;
}

/** The text of every page as pdf.js reads it, soft hyphens kept. */
async function rawText(file: string): Promise<string> {
  const doc = await openPdfjs(file);
  let all = '';
  for (let p = 1; p <= doc.numPages; p++) {
    const content = await (await doc.getPage(p)).getTextContent();
    all += content.items.map((item) => ('str' in item ? item.str + (item.hasEOL ? '\n' : ' ') : '')).join('') + '\n';
  }
  await doc.destroy();
  return all;
}

describe('math in the PDFs', () => {
  for (const [label, file] of [['screen', screenPdf], ['print', printPdf]] as const) {
    it(`the ${label} PDF embeds Noto Sans Math as TrueType, and no Type 3 font`, async () => {
      const fonts = await fontsOf(file);
      expect(fonts.some((f) => /NotoSansMath/.test(f.name) && f.embedded)).toBe(true);
      expect(fonts.filter((f) => f.subtype === '/Type3')).toEqual([]);
      const kinds = await embeddedFontFiles(file, /NotoSansMath/);
      expect(kinds.length).toBeGreaterThan(0);
      expect(new Set(kinds)).toEqual(new Set(['FontFile2']));
    });
  }

  it("the formulas' characters are in the text, and the dollars of money too", async () => {
    // MathML draws one-letter identifiers in mathematical italic (𝜔 for ω): compared after NFKC.
    const all = (await rawText(screenPdf)).replace(/\u00ad/g, '').normalize('NFKC').replace(/\s+/g, ' ');
    for (const ch of ['ω', 'π', 'φ', 'λ', '∑', '∫', '∂', '√', '∞']) expect(all, ch).toContain(ch);
    // (pdf.js returns the tagged PDF's formula a token an item; items are joined with a space.)
    expect(all).toMatch(/x ?\( ?t ?\) ?= ?A ?cos ?\( ?ω ?t ?\+ ?φ ?\)/);
    expect(all).toMatch(/300 \$ et un autre à 1 200 \$/);
  });

  it('no formula is hyphenated', async () => {
    // The French patterns would break "créneau" (cré-neau), which only a formula holds (\text{créneau}).
    expect(hyphenatorFor('fr')!('<p>créneau</p>')).toContain('\u00ad');
    expect(source).toContain('\\text{créneau}');
    expect(source.replace(/\\text\{créneau\}/, '')).not.toContain('créneau');
    const raw = await rawText(printPdf);
    expect(raw).toContain('créneau');
    expect(raw).not.toMatch(/cré\u00adneau/);
    // Nor any identifier: no soft hyphen next to a mathematical letter.
    expect(raw).not.toMatch(/[\u{1D400}-\u{1D7FF}]\u00ad|\u00ad[\u{1D400}-\u{1D7FF}]/u);
  });

  it('the equation too wide for the page is scaled to fit and reported at its line', () => {
    const longest = equations.reduce((a, b) => (b.tex.length > a.tex.length ? b : a));
    const line = longest.line;
    const reported = warnings.filter((w) => w.startsWith(`${CHAPTER}:`) && /math is wider than the text block/.test(w));
    expect(reported.map((w) => Number(/^[^:]+:(\d+):/.exec(w)![1]))).toEqual([line]);
    expect(reported[0]).toMatch(/scaled to \d+ %/);
  });
});

describe('TeX errors and dollars in other books', () => {
  const { bookWith, cleanUp } = badBooks('math');
  afterAll(cleanUp);
  const lamp = readFileSync(path.join(ROOT, 'test', 'fixtures', 'mini-book', 'chapters', '01-the-lamp.md'), 'utf8');
  /** The lamp chapter with `extra` after its first line, and the file line where `extra` starts. */
  const withText = (extra: string): { files: Record<string, string>; line: number } => {
    const lines = lamp.split('\n');
    const at = lines.findIndex((l, i) => i > 0 && l.trim() === '') + 1;
    lines.splice(at, 0, extra, '');
    return { files: { 'chapters/01-the-lamp.md': lines.join('\n') }, line: at + 1 };
  };

  it('a bad inline formula stops the build at its line within the paragraph', () => {
    const { files, line } = withText('The beam turns once a minute, so\nits period is $\\frac{1}{$ of an hour.');
    expectError(runCli(bookWith(files)), new RegExp(`chapters/01-the-lamp\\.md:${line + 1}: TeX error in \\$\\\\frac\\{1\\}\\{\\$: .*expected '\\}'`));
  }, 60_000);

  it('a bad display formula stops the build at the line of the error', () => {
    const { files, line } = withText('$$\nT = \\frac{1}{f}\n\\omega = 2\\pie f\n$$');
    expectError(runCli(bookWith(files)), new RegExp(`chapters/01-the-lamp\\.md:${line + 2}: TeX error in \\$\\$ .*\\\\pie`));
  }, 60_000);

  it('a bad formula in a math fence stops the build at its line', () => {
    const { files, line } = withText('```math\nT = \\frac{1}{f\n```');
    expectError(runCli(bookWith(files)), new RegExp(`chapters/01-the-lamp\\.md:${line + 1}: TeX error in the math fence`));
  }, 60_000);

  it('an equation never closed is an error, not a page of text', () => {
    const { files, line } = withText('$$\nT = \\frac{1}{f}');
    expectError(runCli(bookWith(files)), new RegExp(`chapters/01-the-lamp\\.md:${line}: this display equation is not closed`));
  }, 60_000);

  it('dollar amounts, escaped dollars and prices in text stay text', async () => {
    const { files } = withText('The keeper paid $5 and $10, then US$5 or US$10, and \\$3 for a lamp whose power is $P = 60$ W.');
    const dir = bookWith(files);
    const result = runCli(dir, ['--format', 'epub', '--out', path.join(dir, 'out')]);
    expect(result.status, result.stderr).toBe(0);
    const epub = await readZip(path.join(dir, 'out', `${FIXTURE_SLUG}.epub`));
    const xhtml = epub.find((e) => /the-lamp\.xhtml$/.test(e.name))!.data.toString('utf8');
    const paragraph = /<p>The keeper paid[\s\S]*?<\/p>/.exec(xhtml)![0];
    expect(paragraph).toContain('The keeper paid $5 and $10, then US$5 or US$10, and $3 for a lamp whose power is <math');
    expect(paragraph.match(/<math/g)).toHaveLength(1);
    expect(paragraph).toContain('alttext="P = 60"');
  }, 60_000);
});
