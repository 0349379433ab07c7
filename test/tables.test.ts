/**
 * Tables and callouts in the technical book: long tables repeat their header on every page and
 * never split a row, long cell text wraps instead of being cut, captions (Pandoc's `Table:` rule)
 * are set with their tables, numbers line up on the right, and GitHub alerts and `:::` blocks come
 * out as titled boxes with an ARIA role, their titles in the book's language.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { buildBook } from '../build/build.ts';
import { openPdfjs, pageTexts } from './helpers/pdf.ts';
import { readZip, text } from './helpers/epub.ts';
import { javaEpubcheck } from './helpers/epubcheck.ts';
import { FIXTURE_BOOK, FIXTURE_SLUG, TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

const chapter = (file: string): string => readFileSync(path.join(TECH_BOOK, 'chapters', file), 'utf8');
const measuring = chapter('03-measuring.md');
const operating = chapter('04-operating.md');

/**
 * Text compared without what layout changes: white space and line ends, hyphens (a word broken at
 * a line end), typographer's quotes, Markdown's code marks. pdf.js reads the body face's ff and ffi
 * ligatures as U+0000 (pdftotext reads them right), so those letters become U+0000 on both sides.
 */
const norm = (s: string): string =>
  s
    .normalize('NFKC') // µ (micro sign) in the Markdown is drawn as μ
    .replace(/ffi|ffl|ff/g, '\u0000')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/`/g, '')
    .replace(/[\s\u00ad\-‐]/g, '');

/** The rows of the Markdown table whose header row starts with `header`, as cell texts. */
function markdownTable(source: string, header: string): { head: string[]; rows: string[][] } {
  const lines = source.split('\n');
  const start = lines.findIndex((l) => l.startsWith(header));
  expect(start, `a table starting "${header}"`).toBeGreaterThanOrEqual(0);
  const cells = (line: string): string[] => line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
  const rows: string[][] = [];
  for (let i = start + 2; i < lines.length && lines[i]!.startsWith('|'); i++) rows.push(cells(lines[i]!));
  return { head: cells(lines[start]!), rows };
}

interface Item {
  str: string;
  left: number;
  right: number;
}

/** Every text item of a page with its horizontal extent, and the page's width. */
async function pageItems(doc: PDFDocumentProxy, page: number): Promise<{ items: Item[]; width: number }> {
  const p = await doc.getPage(page);
  const content = await p.getTextContent();
  const items: Item[] = [];
  for (const item of content.items) {
    if (!('str' in item) || !item.str.trim()) continue;
    items.push({ str: item.str.replace(/\u00ad/g, ''), left: item.transform[4]!, right: item.transform[4]! + item.width });
  }
  return { items, width: p.view[2]! - p.view[0]! };
}

/** The captions the Markdown gives its tables (`Table: …` paragraphs), without their {#id}. */
const markdownCaptions = (source: string): string[] =>
  source
    .split(/\n\s*\n/)
    .filter((p) => /^(Table:|: )/.test(p))
    .map((p) => p.replace(/^(Table:|:)\s*/, '').replace(/\s*\{[^}]*\}\s*$/, '').replace(/\s+/g, ' '));

describe('tables in the screen PDF of the technical book', () => {
  let doc: PDFDocumentProxy;
  let texts: string[];
  let pages: string[];
  beforeAll(async () => {
    doc = await openPdfjs(path.join(TECH_OUT, `${TECH_SLUG}.pdf`));
    texts = await pageTexts(doc);
    pages = texts.map(norm);
  });
  const pageOf = (fragment: string): number => pages.findIndex((p) => p.includes(norm(fragment)));

  it('repeats the 80-row table’s header on every page it spans, and never splits a row', () => {
    const { head, rows } = markdownTable(measuring, '| Setting |');
    expect(rows).toHaveLength(80);
    const first = pageOf(rows[0]!.join(''));
    const last = pageOf(rows.at(-1)!.join(''));
    expect(first, 'the first row, whole, on a page').toBeGreaterThan(0);
    expect(last - first, 'pages the table spans, less one').toBeGreaterThanOrEqual(1);
    for (let p = first; p <= last; p++) expect(pages[p], `page ${p + 1}`).toContain(norm(head.join('')));
    // A row split across pages would have its cells on two pages: each row is found whole on one.
    for (const row of rows) expect(pageOf(row.join('')), row[0]).toBeGreaterThanOrEqual(first);
  });

  it('wraps a cell holding a long sentence inside the page: every cell of the table is printed whole', async () => {
    const { rows } = markdownTable(measuring, '| Stage |');
    const longest = rows.flat().sort((a, b) => b.length - a.length)[0]!;
    expect(longest.length, 'a sentence far longer than a line').toBeGreaterThan(250);
    const all = pages.join('');
    for (const cell of rows.flat()) expect(all, cell).toContain(norm(cell));
    // Nothing drawn past the page's edge, where Chromium would cut it off.
    const page = pageOf(longest);
    expect(page).toBeGreaterThan(0);
    const { items, width } = await pageItems(doc, page + 1);
    for (const item of items) {
      expect(item.left, item.str).toBeGreaterThanOrEqual(0);
      expect(item.right, item.str).toBeLessThanOrEqual(width);
    }
  });

  it('sets each caption on the page of its table, just before the header row', () => {
    const captions = markdownCaptions(measuring);
    expect(captions).toHaveLength(4);
    const firstCells: Record<string, string> = {
      'Four storage back ends': 'Back endVersionReq/s',
      'The checkout request': 'StageBudget (p99)',
      'Every setting in': 'SettingTypeDefault',
      'Requests per minute': 'Region00:0001:00',
    };
    for (const caption of captions) {
      const key = Object.keys(firstCells).find((k) => caption.startsWith(k))!;
      const page = pageOf(caption);
      expect(page, caption).toBeGreaterThan(0);
      const at = pages[page]!.indexOf(norm(caption));
      const header = pages[page]!.indexOf(norm(firstCells[key]!));
      expect(header, `the header after "${caption}" on page ${page + 1}`).toBeGreaterThan(at);
    }
    // The `Table:` marker itself is not printed.
    expect(texts.join('\n')).not.toMatch(/Table:/);
  });

  it('aligns right the numbers of columns marked `--:`', async () => {
    const page = pageOf('PostgreSQL16.311,842');
    const { items } = await pageItems(doc, page + 1);
    // pdf.js may join a number to the cell before it ("16.3 / 1.22 13,905"): its right edge is the number's.
    const numbers = ['11,842', '13,905', '9,310', '38,770', '21,455', '52,118'];
    const column = numbers.map((n) => items.find((i) => i.str.trim().endsWith(` ${n}`) || i.str.trim() === n));
    expect(column.every(Boolean), 'the Req/s column, one item ending with each number').toBe(true);
    const rights = column.map((i) => i!.right);
    expect(Math.max(...rights) - Math.min(...rights)).toBeLessThan(0.5);
    // Not left-aligned: the four-digit number starts further right than the five-digit ones.
    const alone = (n: string): Item => items.find((i) => i.str.trim() === n)!;
    expect(alone('9,310').left - alone('11,842').left).toBeGreaterThan(2);
  });
});

describe('tables in the EPUB of the technical book', () => {
  let xhtml: string;
  let css: string;
  beforeAll(async () => {
    const entries = await readZip(path.join(TECH_OUT, `${TECH_SLUG}.epub`));
    xhtml = text(entries, 'EPUB/text/measuring.xhtml');
    css = entries.filter((e) => e.name.endsWith('.css')).map((e) => e.data.toString('utf8')).join('\n');
  });

  it('gives every table its caption, the Markdown captions included, and the caption’s {#tbl:label} to the table', () => {
    const plain = (html: string): string =>
      html.replace(/<[^>]+>/g, '').replace(/&amp;/g, '&').replace(/\s+/g, ' ').replace(/’/g, "'").trim();
    const captions = [...xhtml.matchAll(/<table\b[^>]*>\s*<caption>([\s\S]*?)<\/caption>/g)].map((m) => plain(m[1]!));
    const expected = markdownCaptions(measuring).map((c) => c.replace(/`/g, ''));
    expected.splice(1, 0, 'Which latency figure to put on which dashboard'); // the raw-HTML table's own
    // Each caption ends with the Markdown's words (a number may come before them: "Table 3.1").
    expect(captions).toHaveLength(expected.length);
    captions.forEach((c, i) => expect(c.endsWith(expected[i]!), `"${c}" ends with "${expected[i]}"`).toBe(true));
    // The labelled table's caption starts with its number: "Table 3.1." (the chapter is the third).
    expect(xhtml).toMatch(/<table id="tbl-backends"[^>]*>\s*<caption><span class="caption-label">Table\u00a03\.\d\.<\/span> [^<]*Four storage/);
    expect(xhtml).toMatch(/<table id="tbl-budget"[^>]*>\s*<caption><span class="caption-label">Table\u00a03\.\d\.<\/span> [^<]*The checkout/);
    expect(xhtml).toContain('href="#tbl-backends"');
    expect(xhtml).not.toMatch(/<p>(Table:|: )/);
  });

  it('wraps each Markdown table in a box that scrolls sideways and marks header cells as column headers', () => {
    const wrapped = xhtml.match(/<div class="table-wrap"[^>]*>\s*<table/g) ?? [];
    expect(wrapped).toHaveLength(4);
    expect(css).toMatch(/\.table-wrap\s*\{[^}]*overflow-x:\s*auto/);
    const headers = xhtml.match(/<th\b[^>]*>/g) ?? [];
    const markdownHeaders = measuring.split('\n').filter((l, i, all) => l.startsWith('|') && !all[i - 1]?.startsWith('|'));
    const count = markdownHeaders.reduce((n, l) => n + l.split('|').length - 2, 0) + 3; // and the raw-HTML table's three
    expect(headers).toHaveLength(count);
    for (const th of headers) expect(th).toContain('scope="col"');
  });
});

const ENGLISH: Record<string, string> = { note: 'Note', tip: 'Tip', important: 'Important', warning: 'Warning', caution: 'Caution' };
const ROLES: Record<string, string> = { note: 'note', tip: 'doc-tip', important: 'doc-notice', warning: 'doc-notice', caution: 'doc-notice' };

/** The callouts of a Markdown file, in order: kind, title (the author's, else the English word), first and last words. */
function markdownCallouts(source: string): { kind: string; title: string; start: string; end: string }[] {
  const found: { at: number; kind: string; title: string; start: string; end: string }[] = [];
  const words = (body: string): { start: string; end: string } => {
    const all = body.split(/\s+/).filter(Boolean);
    return { start: all.slice(0, 5).join(' '), end: all.slice(-5).join(' ') };
  };
  for (const m of source.matchAll(/^> \[!(\w+)\][ \t]*(.*)\n((?:>.*(?:\n|$))+)/gm)) {
    const kind = m[1]!.toLowerCase();
    found.push({ at: m.index, kind, title: m[2] || ENGLISH[kind]!, ...words(m[3]!.replace(/^> ?/gm, '')) });
  }
  for (const m of source.matchAll(/^::: (\w+)[ \t]*(.*)\n([\s\S]*?)\n:::$/gm)) {
    found.push({ at: m.index, kind: m[1]!, title: m[2] || ENGLISH[m[1]!]!, ...words(m[3]!) });
  }
  return found.sort((a, b) => a.at - b.at).map(({ at: _at, ...c }) => c);
}

/** The callouts of an XHTML document: kind, role, title and the text that follows the title. */
function xhtmlCallouts(xhtml: string): { kind: string; role: string; title: string; body: string }[] {
  // The title may hold a page-list marker (an empty span) when the callout starts a printed page.
  const plain = (html: string): string => html.replace(/<[^>]+>/g, '');
  return [...xhtml.matchAll(/<div class="callout callout-(\w+)[^"]*" role="([^"]+)">\s*<p class="callout-title">([\s\S]*?)<\/p>([\s\S]*?)<\/div>/g)].map(
    (m) => ({ kind: m[1]!, role: m[2]!, title: plain(m[3]!), body: plain(m[4]!) }),
  );
}

describe('callouts in the technical book', () => {
  const expected = markdownCallouts(operating);

  it('has all five kinds of GitHub alert and three ::: blocks in the fixture', () => {
    expect(new Set(expected.map((c) => c.kind))).toEqual(new Set(Object.keys(ENGLISH)));
    expect(expected).toHaveLength(8);
  });

  it('prints each callout with its title, then its text, on one page (they are short), in both PDFs', async () => {
    for (const file of [`${TECH_SLUG}.pdf`, `${TECH_SLUG}-print.pdf`]) {
      const pages = (await pageTexts(await openPdfjs(path.join(TECH_OUT, file)))).map(norm);
      for (const c of expected) {
        const page = pages.findIndex((p) => p.includes(norm(`${c.title} ${c.start}`)));
        expect(page, `${file}: ${c.kind} "${c.title}"`).toBeGreaterThan(0);
        expect(pages[page], `${file}: the end of ${c.kind} "${c.title}" on its page`).toContain(norm(c.end));
      }
      expect(pages.join('')).not.toMatch(/\[!(NOTE|TIP|IMPORTANT|WARNING|CAUTION)\]|:::/);
    }
  });

  it('marks each callout in the EPUB with its class, its ARIA role and its title', async () => {
    const xhtml = text(await readZip(path.join(TECH_OUT, `${TECH_SLUG}.epub`)), 'EPUB/text/operating.xhtml');
    const callouts = xhtmlCallouts(xhtml);
    expect(callouts.map(({ kind, role, title }) => ({ kind, role, title }))).toEqual(
      expected.map((c) => ({ kind: c.kind, role: ROLES[c.kind], title: c.title.replace(/'/g, '’') })),
    );
    callouts.forEach((c, i) => expect(norm(c.body)).toContain(norm(expected[i]!.start)));
    expect(xhtml).not.toContain('<svg');
  });
});

/** A copy of the small fixture book in another language, with a chapter of callouts and a table; EPUB only. */
async function localizedBook(language: string, markdown: string): Promise<{ xhtml: string; epub: string; cleanUp(): void }> {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'callouts-'));
  const dir = path.join(scratch, 'book');
  cpSync(FIXTURE_BOOK, dir, { recursive: true });
  const yaml = readFileSync(path.join(dir, 'book.yaml'), 'utf8');
  expect(yaml).toContain('language: en-GB');
  writeFileSync(path.join(dir, 'book.yaml'), yaml.replace('language: en-GB', `language: ${language}`));
  writeFileSync(path.join(dir, 'chapters', '02-notices.md'), markdown);
  await buildBook({ bookDir: dir, outDir: path.join(dir, 'out'), formats: ['epub'] });
  const epub = path.join(dir, 'out', `${FIXTURE_SLUG}.epub`);
  return { epub, xhtml: text(await readZip(epub), 'EPUB/text/notices.xhtml'), cleanUp: () => rmSync(scratch, { recursive: true, force: true }) };
}

const NOTICES = `# Avis aux gardiens

> [!NOTE]
> La lampe est allumée au crépuscule et éteinte à l'aube.

> [!TIP]
> Nettoyez la lentille chaque matin, avant que le sel ne sèche.

> [!IMPORTANT]
> Notez l'heure exacte de chaque allumage dans le registre.

> [!WARNING]
> Ne montez jamais dans la lanterne par grand vent.

> [!CAUTION]
> Le mercure de la cuve est toxique.

::: note
Le registre reste au phare.
:::

::: warning Ne touchez pas à la lentille
Les traces de doigts brûlent sous la lampe.
:::

| Heure | Entrée |
|-------|--------|
| 18:40 | Lampe allumée |

: Les heures du registre

::: sidebar
Un encadré d'un autre nom garde son texte.
:::

> [!TIP] Par temps de brume
> Faites sonner la corne toutes les trente secondes.
`;

describe('callouts in the book’s language', () => {
  const books: Awaited<ReturnType<typeof localizedBook>>[] = [];
  afterAll(() => books.forEach((b) => b.cleanUp()));

  it('titles them in French, keeps an author’s own title, and makes a `: ` paragraph a caption', async () => {
    const book = await localizedBook('fr', NOTICES);
    books.push(book);
    const callouts = xhtmlCallouts(book.xhtml);
    expect(callouts.map((c) => [c.kind, c.role, c.title])).toEqual([
      ['note', 'note', 'Remarque'],
      ['tip', 'doc-tip', 'Astuce'],
      ['important', 'doc-notice', 'Important'],
      ['warning', 'doc-notice', 'Avertissement'],
      ['caution', 'doc-notice', 'Attention'],
      ['note', 'note', 'Remarque'],
      ['warning', 'doc-notice', 'Ne touchez pas à la lentille'],
      ['tip', 'doc-tip', 'Par temps de brume'],
    ]);
    expect(book.xhtml).toMatch(/<table[^>]*>\s*<caption>Les heures du registre<\/caption>/);
    // A ::: block of a name that is not a callout is kept, text and all, as a plain div.
    expect(book.xhtml).toMatch(/<div class="sidebar">\s*<p>Un encadré d’un autre nom garde son texte\.<\/p>\s*<\/div>/);
    const check = javaEpubcheck(book.epub);
    expect(check.errors + check.warnings, check.output).toBe(0);
  });

  it('titles them in German', async () => {
    const book = await localizedBook('de', NOTICES);
    books.push(book);
    expect(xhtmlCallouts(book.xhtml).map((c) => c.title).slice(0, 6)).toEqual(['Hinweis', 'Tipp', 'Wichtig', 'Warnung', 'Vorsicht', 'Hinweis']);
  });
});
