/**
 * Code in the technical book (chapter 1, "A First Service"): every line of every listing printed
 * whole in the code face, wrapped rather than overflowing (so no page is shrunk), never
 * hyphenated or touched by the typographer, tabs expanded; line numbers and file names where the
 * Markdown asks; highlighting as classes in the EPUB, whose code face is embedded and subset.
 * The listings are read from the fixture itself, so the tests follow it when it changes.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildBook } from '../build/build.ts';
import { fontsOf, openPdfjs, outline } from './helpers/pdf.ts';
import { readZip, text, type ZipEntry } from './helpers/epub.ts';
import { TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

const CHAPTER_FILE = '01-a-first-service.md';
const source = readFileSync(path.join(TECH_BOOK, 'chapters', CHAPTER_FILE), 'utf8');
const screenPdf = path.join(TECH_OUT, `${TECH_SLUG}.pdf`);
const printPdf = path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`);
const epubFile = path.join(TECH_OUT, `${TECH_SLUG}.epub`);
/** book.yaml's code.tabWidth, else the default. */
const TAB_WIDTH = Number(/^\s+tabWidth:\s*(\d+)/m.exec(readFileSync(path.join(TECH_BOOK, 'book.yaml'), 'utf8'))?.[1] ?? 4);

interface Listing {
  /** The fence's info string ('' for indented code). */
  info: string;
  /** Line of the Markdown file where the block starts (1-based). */
  line: number;
  lines: string[];
}

/** The fenced and indented code blocks of a Markdown file, as written. */
function listings(markdown: string): Listing[] {
  const lines = markdown.split('\n');
  const found: Listing[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^(```+|~~~+)(.*)$/.exec(lines[i]!);
    if (open) {
      const body: string[] = [];
      let j = i + 1;
      while (j < lines.length && !lines[j]!.startsWith(open[1]!)) body.push(lines[j++]!);
      found.push({ info: open[2]!.trim(), line: i + 1, lines: body });
      i = j;
    } else if (/^ {4}\S/.test(lines[i]!) && i > 0 && lines[i - 1]!.trim() === '') {
      const body: string[] = [];
      let j = i;
      while (j < lines.length && (/^ {4}/.test(lines[j]!) || (lines[j]!.trim() === '' && /^ {4}/.test(lines[j + 1] ?? '')))) body.push(lines[j++]!.slice(4));
      found.push({ info: '', line: i + 1, lines: body });
      i = j - 1;
    }
  }
  return found;
}

const code = listings(source);
const codeLines = code.flatMap((l) => l.lines).filter((l) => l.trim());

interface Item {
  page: number;
  str: string;
  x: number;
  y: number;
  width: number;
  size: number;
  mono: boolean;
  font: string;
}

/** Text items of the pages [from, to) with position, size, and whether pdf.js sees a fixed-pitch font. */
async function items(doc: PDFDocumentProxy, from: number, to: number): Promise<Item[]> {
  const out: Item[] = [];
  for (let p = from; p < to; p++) {
    const page = await doc.getPage(p + 1);
    const content = await page.getTextContent();
    await page.getOperatorList(); // loads the fonts, so their names can be read
    for (const item of content.items) {
      if (!('str' in item) || !item.str) continue;
      const font = (page.commonObjs.get(item.fontName) as { name?: string }).name ?? '';
      out.push({
        page: p,
        str: item.str,
        x: item.transform[4]!,
        y: item.transform[5]!,
        width: item.width,
        size: Math.round(Math.hypot(item.transform[0]!, item.transform[1]!) * 100) / 100,
        mono: content.styles[item.fontName]?.fontFamily === 'monospace',
        font,
      });
    }
  }
  return out;
}

/** Without white space and the continuation marks, which wrapping adds. */
const squash = (s: string): string => s.replace(/[\s↪]/g, '');

/** The most frequent value. */
function mode(values: number[]): number | undefined {
  const counts = new Map<number, number>();
  for (const v of values) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1])[0]?.[0];
}

let doc: PDFDocumentProxy;
/** The chapter's pages in the screen PDF, as 0-based [first, end). */
let range: [number, number];
let chapter: Item[];
let epub: ZipEntry[];
let xhtml: string;

beforeAll(async () => {
  doc = await openPdfjs(screenPdf);
  const marks = await outline(doc);
  const at = marks.findIndex((m) => /A First Service/.test(m.title));
  expect(at, 'a bookmark for the chapter').toBeGreaterThanOrEqual(0);
  range = [marks[at]!.page, marks[at + 1]?.page ?? doc.numPages];
  chapter = await items(doc, range[0], range[1]);
  epub = await readZip(epubFile);
  xhtml = text(epub, 'EPUB/text/a-first-service.xhtml');
});

describe('code in the PDFs', () => {
  it('prints every line of every listing whole, in order within its line', () => {
    expect(codeLines.length).toBeGreaterThan(150);
    const haystack = squash(chapter.map((i) => i.str).join(''));
    const missing = codeLines.filter((line) => !haystack.includes(squash(line)));
    expect(missing).toEqual([]);
    // And the last word of each, as a reader would look for it.
    for (const line of codeLines) expect(haystack).toContain(squash(line.trim().split(/\s+/).pop()!));
  });

  it('wraps long lines with a continuation mark instead of letting them run off the text block', () => {
    const long = codeLines.filter((l) => l.length >= 120);
    expect(long.length).toBeGreaterThanOrEqual(4);
    const marks = chapter.filter((i) => i.mono && i.str.includes('↪'));
    expect(marks.length).toBeGreaterThanOrEqual(long.length);
    // Nothing in the code face extends past the text block's right edge, which justified prose
    // reaches: measured on left-hand and right-hand pages apart, as their margins differ.
    const bodySize = mode(chapter.filter((j) => !j.mono).map((j) => j.size));
    const prose = chapter.filter((i) => !i.mono && i.size === bodySize);
    for (const parity of [0, 1]) {
      const right = Math.max(...prose.filter((i) => i.page % 2 === parity).map((i) => i.x + i.width));
      for (const i of chapter.filter((j) => j.page % 2 === parity && j.mono && j.str.trim())) {
        expect(i.x + i.width, `"${i.str}" on page ${i.page + 1}`).toBeLessThanOrEqual(right + 1);
      }
    }
  });

  it('keeps a short listing on one page, and splits a long one only between lines', () => {
    const pages = [...new Set(chapter.map((i) => i.page))].map((p) => squash(chapter.filter((i) => i.page === p).map((i) => i.str).join('')));
    const pagesHolding = (s: string): number => pages.filter((p) => p.includes(squash(s))).length;
    const short = code.filter((l) => l.lines.length <= 12 && !l.info.includes('.numberLines'));
    expect(short.length).toBeGreaterThan(4);
    for (const listing of short) expect(pagesHolding(listing.lines.join('\n')), `the listing at line ${listing.line}`).toBe(1);
    const long = code.filter((l) => l.lines.length >= 60);
    expect(long.length).toBeGreaterThan(0);
    for (const listing of long) {
      expect(pagesHolding(listing.lines.join('\n')), `the listing at line ${listing.line} fits no one page`).toBe(0);
      // Every line of it is whole on some page: no line is cut by a page break.
      for (const line of listing.lines.filter((l) => l.trim())) expect(pagesHolding(line), line).toBeGreaterThan(0);
    }
  });

  it('keeps the body type at full size on pages of code (no part is shrunk to fit)', async () => {
    // The reference: the preface, which holds no listing.
    const preface = (await outline(doc)).find((m) => /Preface/.test(m.title))!;
    const reference = mode((await items(doc, preface.page, preface.page + 1)).filter((i) => !i.mono && i.str.trim().length > 3).map((i) => i.size));
    expect(reference).toBeGreaterThan(9);
    const codeSize = mode(chapter.filter((i) => i.mono).map((i) => i.size));
    for (let p = range[0]; p < range[1]; p++) {
      const page = chapter.filter((i) => i.page === p && i.str.trim().length > 3);
      const prose = page.filter((i) => !i.mono && i.size > 9);
      if (prose.length > 5) expect(mode(prose.map((i) => i.size)), `prose on page ${p + 1}`).toBe(reference);
      const mono = page.filter((i) => i.mono);
      if (mono.length > 20) expect(mode(mono.map((i) => i.size)), `code on page ${p + 1}`).toBe(codeSize);
    }
    expect(codeSize).toBeLessThan(reference!);
  });

  it('embeds DejaVu Sans Mono, regular, bold and oblique, as TrueType in both PDFs (never Type 3)', async () => {
    for (const file of [screenPdf, printPdf]) {
      const fonts = await fontsOf(file);
      const mono = fonts.filter((f) => /DejaVuSansMono/.test(f.name)).map((f) => f.name.replace(/^\/?[A-Z]{6}\+/, ''));
      expect(mono).toEqual(expect.arrayContaining(['DejaVuSansMono', 'DejaVuSansMono-Bold', 'DejaVuSansMono-Oblique']));
      for (const f of fonts) {
        expect(f.subtype, f.name).not.toBe('/Type3');
        expect(f.embedded, f.name).toBe(true);
      }
    }
    // Keywords bold, comments oblique: the print interior reads in black and white.
    expect(chapter.some((i) => i.str === 'const' && /DejaVuSansMono-Bold/.test(i.font))).toBe(true);
    expect(chapter.some((i) => /Longest/.test(i.str) && /DejaVuSansMono-Oblique/.test(i.font))).toBe(true);
    // Box drawing and arrows come from the code face, not a fallback.
    for (const ch of ['├', '└', '│', '→', '✓', '≤', '▶']) {
      expect(chapter.some((i) => i.str.includes(ch) && /DejaVuSansMono/.test(i.font)), ch).toBe(true);
    }
  });

  it('sets inline code in the code face too', () => {
    const inline = [...source.matchAll(/(?<!`)`([^`\n]+)`(?!`)/g)].map((m) => m[1]!);
    expect(inline).toContain('--watch');
    expect(chapter.some((i) => i.mono && i.str.includes('--watch'))).toBe(true);
    expect(chapter.some((i) => i.mono && i.str.includes('tinylink'))).toBe(true);
  });

  it('never hyphenates code and never turns -- into a dash', () => {
    for (const i of chapter.filter((j) => j.mono)) expect(i.str, i.str).not.toMatch(/[\u00ad\u2010\u2013\u2014]/);
    const withDashes = [...codeLines, ...[...source.matchAll(/`([^`\n]*--[^`\n]*)`/g)].map((m) => m[1]!)].filter((l) => l.includes('--'));
    expect(withDashes.some((l) => /"[^"]*"/.test(l))).toBe(true); // straight quotes too
    const haystack = squash(chapter.map((i) => i.str).join(''));
    for (const line of withDashes) {
      for (const word of line.split(/\s+/).filter((w) => w.includes('--'))) expect(haystack, word).toContain(squash(word));
    }
    expect(haystack).not.toMatch(/[–—](port|database|base-url|read-only|watch|test|max-old)/);
  });

  it('expands tabs to code.tabWidth columns', () => {
    const tabbed = codeLines.filter((l) => l.startsWith('\t'));
    expect(tabbed.length).toBeGreaterThan(10);
    expect(chapter.some((i) => i.str.includes('\t'))).toBe(false);
    // In the Makefile, a recipe's first word starts TAB_WIDTH columns right of its target.
    // The target at the start of its line (the tagged PDF gives "clean" and ":" as two items, and
    // "clean" also stands in the .PHONY line).
    const target = chapter.filter((i) => i.mono && /^clean:?$|^clean:/.test(i.str)).sort((a, b) => a.x - b.x)[0]!;
    const recipe = chapter.find((i) => i.mono && i.page === target.page && i.str.startsWith('rm') && i.y < target.y)!;
    const advance = target.width / target.str.length;
    expect((recipe.x - target.x) / advance).toBeCloseTo(TAB_WIDTH, 1);
  });

  it('numbers the lines of a {.numberLines} block, in a gutter left of the code', () => {
    const numbered = code.find((l) => l.info.includes('.numberLines'))!;
    const first = chapter.find((i) => i.mono && i.str.startsWith(numbered.lines[1]!.trim().split(/\s+/)[0]!))!;
    const numbers = chapter.filter((i) => i.mono && i.page === first.page && /^\d+$/.test(i.str.trim()) && i.x < first.x - 1);
    const seen = numbers.map((i) => Number(i.str.trim()));
    for (let n = 1; n <= numbered.lines.length; n++) expect(seen, `line number ${n}`).toContain(n);
  });

  it('shows the file name of a filename="…" block above its first line', () => {
    const listing = code.find((l) => /filename="([^"]+)"/.test(l.info))!;
    const name = /filename="([^"]+)"/.exec(listing.info)![1]!;
    const label = chapter.find((i) => i.mono && i.str.trim() === name && /Bold/.test(i.font));
    expect(label, `"${name}" in bold code type`).toBeDefined();
    const firstWord = listing.lines[0]!.trim().split(/\s+/)[0]!;
    const firstLine = chapter.find((i) => i.page === label!.page && i.mono && i.str.startsWith(firstWord) && i.y < label!.y);
    expect(firstLine, 'the first line right under it').toBeDefined();
    expect(label!.y - firstLine!.y).toBeLessThan(20);
  });
});

describe('code in the EPUB', () => {
  it('is highlighted with classes only: no style attributes, no scripts', () => {
    for (const cls of ['kw', 'str', 'com', 'const', 'fn', 'type', 'tag', 'attr', 'ins', 'del']) {
      expect(xhtml, `tok-${cls}`).toContain(`<span class="tok-${cls}">`);
    }
    expect(xhtml).toContain('<span class="tok-kw">import</span>');
    expect(xhtml).toContain('<span class="tok-com">// The timeout is shorter');
    expect(xhtml).not.toMatch(/<(pre|code|span)[^>]*\sstyle=/);
    expect(xhtml).not.toMatch(/<script/);
    const css = text(epub, 'EPUB/css/book.css');
    expect(css).toMatch(/\.tok-kw\s*{[^}]*color:/);
  });

  it('gives each source line one element, with no blank lines between them', () => {
    const block = /<div class="code-block[^"]*"><div class="code-filename"><code>server\.ts<\/code><\/div>[\s\S]*?<\/pre><\/div>/.exec(xhtml)![0];
    const lines = block.match(/<span class="line"/g)!.length;
    const listing = code.find((l) => /filename=/.test(l.info))!;
    expect(lines).toBe(listing.lines.length);
    expect(block).not.toMatch(/<\/span>\s+<span class="line"/);
  });

  it('keeps the language as a class, and code in an unknown language as plain text, with a warning', () => {
    expect(xhtml).toContain('class="language-ts"');
    const unknown = code.find((l) => l.info === 'caddyfile')!;
    const plain = new RegExp(`<code class="language-caddyfile"><span class="line">${unknown.lines[0]!.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\n</span>`);
    expect(xhtml).toMatch(plain);
    const warnings = JSON.parse(readFileSync(path.join(TECH_OUT, 'warnings.json'), 'utf8')) as string[];
    expect(warnings).toContainEqual(expect.stringMatching(new RegExp(`^chapters/${CHAPTER_FILE}:${unknown.line}: code in "caddyfile" prints as plain text`)));
    // A block with no language is plain code, and nothing to warn about.
    expect(warnings.filter((w) => w.includes(CHAPTER_FILE) && w.includes('code in'))).toHaveLength(1);
  });

  it('expands tabs, and numbers lines and names files as the PDFs do', () => {
    expect(xhtml.match(/<pre[\s\S]*?<\/pre>/g)!.join('')).not.toContain('\t');
    for (const tabs of new Set(codeLines.map((l) => /^\t*/.exec(l)![0].length).filter((n) => n > 0))) {
      expect(xhtml, `${tabs} tab(s)`).toMatch(new RegExp(`<span class="line">${' '.repeat(tabs * TAB_WIDTH)}\\S`));
    }
    expect(xhtml).toMatch(/<div class="code-block numbered[^"]*"><pre class="code"><code class="language-sql"><span class="line" data-n="1">/);
    expect(xhtml).toContain('<div class="code-filename"><code>server.ts</code></div>');
  });

  it('embeds the code face subset to the characters of the code, with its licence notice', async () => {
    const opf = text(epub, 'EPUB/package.opf');
    const fontsCss = text(epub, 'EPUB/css/fonts.css');
    const faces = epub.filter((e) => /^EPUB\/fonts\/dejavu-mono-.*\.ttf$/.test(e.name));
    expect(faces.map((e) => e.name).sort()).toEqual(['EPUB/fonts/dejavu-mono-400-italic.ttf', 'EPUB/fonts/dejavu-mono-400-normal.ttf', 'EPUB/fonts/dejavu-mono-700-normal.ttf']);
    for (const face of faces) {
      expect(opf).toContain(`href="${face.name.slice('EPUB/'.length)}"`);
      expect(fontsCss).toContain(face.name.slice('EPUB/'.length));
      const cmap = codePoints(face.data);
      // Every character of the code is in the regular face (the others lack some symbols), and
      // little else: a subset, not the 3,300-glyph face.
      if (face.name.endsWith('400-normal.ttf')) {
        for (const ch of new Set([...codeLines.join('').replace(/\t/g, ''), '↪'])) expect(cmap.has(ch.codePointAt(0)!), `U+${ch.codePointAt(0)!.toString(16)} ${ch}`).toBe(true);
      }
      expect(cmap.size).toBeGreaterThan(90);
      expect(cmap.size).toBeLessThan(200);
      expect(face.data.length).toBeLessThan(40_000);
      expect(nameRecord(face.data, 13)).toMatch(/Bitstream/);
    }
    expect(text(epub, 'EPUB/css/book.css')).toMatch(/pre, code, kbd, samp\s*{[^}]*font-family: "DejaVu Mono"/);
  });
});

describe('a CJK book with code', () => {
  let dir: string;
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('embeds the code face though the text face is left to the reader', async () => {
    dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'code-cjk-')), 'book');
    mkdirSync(path.join(dir, 'chapters'), { recursive: true });
    writeFileSync(path.join(dir, 'book.yaml'), 'title: 小服务\nauthors: 测试\nlanguage: zh-Hans\nslug: cjk-code\ncode:\n  tabWidth: 2\n');
    writeFileSync(path.join(dir, 'chapters', '01-service.md'), '# 服务\n\n先运行 `npm start`：\n\n```go\nfunc main() {\n\tprintln("你好")\n}\n```\n');
    await buildBook({ bookDir: dir, outDir: path.join(dir, 'out'), formats: ['epub'] });
    const entries = await readZip(path.join(dir, 'out', 'cjk-code.epub'));
    expect(entries.filter((e) => e.name.startsWith('EPUB/fonts/')).map((e) => e.name)).toEqual(expect.arrayContaining(['EPUB/fonts/dejavu-mono-400-normal.ttf']));
    expect(entries.some((e) => /noto|literata/i.test(e.name))).toBe(false);
    const css = text(entries, 'EPUB/css/fonts.css');
    expect(css).toContain('"DejaVu Mono"');
    expect(css).not.toMatch(/body\s*{/);
    const doc = text(entries, 'EPUB/text/service.xhtml');
    expect(doc).toContain('href="../css/fonts.css"');
    expect(doc).toContain('<span class="line">  <span class="tok-fn">println</span>'); // tabWidth 2
  });
});

/** The code points a TrueType font maps (cmap formats 4 and 12). */
function codePoints(font: Buffer): Set<number> {
  const table = tableOffset(font, 'cmap');
  const points = new Set<number>();
  const subtables = font.readUInt16BE(table + 2);
  for (let k = 0; k < subtables; k++) {
    const at = table + font.readUInt32BE(table + 4 + k * 8 + 4);
    const format = font.readUInt16BE(at);
    if (format === 4) {
      const segs = font.readUInt16BE(at + 6) / 2;
      for (let s = 0; s < segs; s++) {
        const end = font.readUInt16BE(at + 14 + s * 2);
        const start = font.readUInt16BE(at + 16 + segs * 2 + s * 2);
        for (let c = start; c <= end && c !== 0xffff; c++) points.add(c);
      }
    } else if (format === 12) {
      const groups = font.readUInt32BE(at + 12);
      for (let g = 0; g < groups; g++) {
        const start = font.readUInt32BE(at + 16 + g * 12);
        const end = font.readUInt32BE(at + 20 + g * 12);
        for (let c = start; c <= end; c++) points.add(c);
      }
    }
  }
  return points;
}

/** A name table string (Windows platform, UTF-16BE). */
function nameRecord(font: Buffer, id: number): string | undefined {
  const table = tableOffset(font, 'name');
  const count = font.readUInt16BE(table + 2);
  const strings = table + font.readUInt16BE(table + 4);
  for (let k = 0; k < count; k++) {
    const r = table + 6 + k * 12;
    if (font.readUInt16BE(r) !== 3 || font.readUInt16BE(r + 6) !== id) continue;
    const start = strings + font.readUInt16BE(r + 10);
    return Buffer.from(font.subarray(start, start + font.readUInt16BE(r + 8))).swap16().toString('utf16le');
  }
  return undefined;
}

function tableOffset(font: Buffer, tag: string): number {
  const tables = font.readUInt16BE(4);
  for (let k = 0; k < tables; k++) {
    if (font.toString('latin1', 12 + k * 16, 16 + k * 16) === tag) return font.readUInt32BE(12 + k * 16 + 8);
  }
  throw new Error(`no ${tag} table`);
}
