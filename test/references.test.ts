/**
 * Numbered figures, tables and equations, references to them with the page of the target, lists
 * of figures and tables, a lettered appendix and the index, on the French science book: every
 * printed number is checked against where its target really is, in the PDF and the EPUB.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { openPdfjs, pageTexts } from './helpers/pdf.ts';
import { readZip, type ZipEntry } from './helpers/epub.ts';
import { badBooks, expectError, runCli } from './helpers/bad-books.ts';
import { SCIENCE_BOOK, SCIENCE_OUT, SCIENCE_SLUG } from './helpers/paths.ts';

const chapters = path.join(SCIENCE_BOOK, 'chapters');
const markdown = readdirSync(chapters)
  .filter((f) => f.endsWith('.md'))
  .sort()
  .map((f) => ({ file: f, text: readFileSync(path.join(chapters, f), 'utf8') }));
/** Every label the Markdown defines, and every reference it makes. */
const labels = markdown.flatMap(({ text }) => [...text.matchAll(/\{#((?:fig|tbl|eq|sec|lst):[\w-]+)/g)].map((m) => m[1]!));
const references = markdown.flatMap(({ file, text }) => [...text.matchAll(/\[(@(?:fig|tbl|eq|sec|lst):[^\]]+)\]/g)].map((m) => ({ file, keys: m[1]!.split(';').map((k) => k.trim().slice(1)) })));
const fold = (s: string): string => s.replace(/\u00ad/g, '').replace(/[ \t\u00a0]+/g, ' ');

describe('references in the science book', () => {
  let doc: PDFDocumentProxy;
  let texts: string[];
  let pageLabels: string[];
  let entries: ZipEntry[];
  let xhtml: Map<string, string>;
  beforeAll(async () => {
    doc = await openPdfjs(path.join(SCIENCE_OUT, `${SCIENCE_SLUG}.pdf`));
    texts = (await pageTexts(doc)).map(fold);
    pageLabels = (await doc.getPageLabels()) ?? [];
    entries = await readZip(path.join(SCIENCE_OUT, `${SCIENCE_SLUG}.epub`));
    xhtml = new Map(entries.filter((e) => e.name.endsWith('.xhtml')).map((e) => [e.name.replace(/^EPUB\//, ''), e.data.toString('utf8')]));
  });

  it('has references of every kind, before and after their targets, within a chapter and across chapters', () => {
    const kinds = new Set(references.flatMap((r) => r.keys.map((k) => k.split(':')[0])));
    expect([...kinds].sort()).toEqual(['eq', 'fig', 'sec', 'tbl']);
    expect(references.some((r) => r.keys.length > 1)).toBe(true);
    expect(labels.length).toBeGreaterThan(8);
  });

  it('numbers captions per chapter, lettered in the appendix, and every EPUB reference links to an element whose number it prints', () => {
    const links = [...xhtml.entries()].flatMap(([doc, html]) => [...html.matchAll(/<a class="xref" href="([^"#]*)#([^"]+)">([^<]+)<\/a>/g)].map((m) => ({ doc, file: m[1] || doc.replace(/^text\//, ''), id: m[2]!, text: m[3]!.replace(/\u00a0/g, ' ') })));
    expect(links.length).toBeGreaterThanOrEqual(references.reduce((n, r) => n + r.keys.length, 0) - 2);
    for (const link of links) {
      const target = xhtml.get(`text/${link.file}`)!;
      expect(target, link.file).toBeDefined();
      expect(target, `#${link.id}`).toContain(`id="${link.id}"`);
      const element = target.slice(target.indexOf(`id="${link.id}"`));
      const number = /(\d+\.\d+|[A-Z]\.\d+)/.exec(link.text)?.[1];
      if (link.id.startsWith('fig-') || link.id.startsWith('tbl-')) {
        // The caption of the element it points at starts with the same number.
        expect(element, link.text).toMatch(new RegExp(`<span class="caption-label">[^<]*${number!.replace('.', '\\.')}\\.`));
      }
      if (link.id.startsWith('eq-')) expect(element).toMatch(new RegExp(`<span class="equation-number">\\(${number!.replace('.', '\\.')}\\)</span>`));
    }
    expect(links.some((l) => /^Figure A\.1$/.test(l.text))).toBe(true);
    expect(links.some((l) => /^Annexe A$/.test(l.text))).toBe(true);
    // "Figures 3.1 et 2.1": one word for both, each number its own link.
    expect([...xhtml.values()].join('')).toMatch(/Figures\u00a0<a class="xref" href="#fig-spectre">3\.1<\/a> et <a class="xref" href="filtrage\.xhtml#fig-chaine">2\.1<\/a>/);
  });

  it('prints after each reference the real folio of its target, unless both face each other', async () => {
    // The page of each numbered thing, found where its caption or number is printed.
    const pageOf = (pattern: RegExp): number => texts.findIndex((t, i) => i > 8 && pattern.test(t));
    const refs = [...texts.entries()].flatMap(([page, text]) =>
      [...text.matchAll(/(Figure|Tableau|équation|Chapitre|Annexe)\s((?:\d+|[A-Z])(?:\.\d+)?|\((?:\d+|[A-Z])\.\d+\))\s\(page (\d+)\)/g)].map((m) => ({ page, kind: m[1]!, number: m[2]!, folio: m[3]! })),
    );
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      const n = ref.number.replace(/[()]/g, '');
      const target =
        ref.kind === 'Figure' ? pageOf(new RegExp(`Figure ${n.replace('.', '\\.')}\\. \\S`))
          : ref.kind === 'Tableau' ? pageOf(new RegExp(`Tableau ${n.replace('.', '\\.')}\\. \\S`))
            : ref.kind === 'équation' ? pageOf(new RegExp(`\\(${n.replace('.', '\\.')}\\)\\s*$|\\(${n.replace('.', '\\.')}\\)\\n`, 'm'))
              : pageOf(new RegExp(`^${[...`${ref.kind}${n}`].join(' ?')}\\n`, 'mi')); // the opener's letter-spaced "ANNEXE A"
      expect(target, `${ref.kind} ${ref.number} printed on page ${pageLabels[ref.page]}`).toBeGreaterThan(0);
      expect(pageLabels[target], `${ref.kind} ${ref.number} (page ${ref.folio}) from page ${pageLabels[ref.page]}`).toBe(ref.folio);
      // Facing pages need no page number: pages 2k and 2k + 1 of the interior (the cover comes first).
      expect(Math.floor(ref.page / 2), `${ref.kind} ${ref.number} on the same spread as its reference`).not.toBe(Math.floor(target / 2));
    }
  });

  it('lists the figures and the tables with their numbers, captions and pages, and letters the appendix in the contents', () => {
    const list = texts.find((t) => /^Table des figures\n/m.test(t) && /Figure 2\.1/.test(t))!;
    expect(list).toBeDefined();
    for (const m of list.matchAll(/Figure ((?:\d|[A-Z])\.\d+) (.*?) (\d+)\n/g)) {
      const target = texts.findIndex((t, i) => i > 8 && new RegExp(`Figure ${m[1]!.replace('.', '\\.')}\\. `).test(t));
      expect(pageLabels[target], `Figure ${m[1]}`).toBe(m[3]);
      expect(m[2]!.length, `caption of Figure ${m[1]}`).toBeGreaterThan(5);
    }
    expect(texts.some((t) => /^Liste des tableaux\n/m.test(t) && /Tableau 3\.1 Caractéristiques/.test(t))).toBe(true);
    const contents = texts.find((t) => /^Table des matières\n/m.test(t))!;
    // French sets a space before the colon (no-break, in the EPUB's contents too).
    expect(contents).toMatch(/Annexe A : Démonstrations/);
    expect(xhtml.get('nav.xhtml')).toMatch(/>Annexe A\u00a0: Démonstrations</);
    const lof = xhtml.get('text/figures.xhtml')!;
    expect(lof).toContain('epub:type="loi"');
    expect(lof).toMatch(/<a href="spectres\.xhtml#fig-spectre"><span class="list-label">Figure\u00a03\.1<\/span> Le spectre/);
  });

  it('says who published it, and the subtitle after its colon, in French on both copyright pages', () => {
    const copyright = texts.find((t) => /Publié par/.test(t));
    expect(copyright).toMatch(/Ondes et signaux : Une introduction pratique/);
    expect(copyright).toMatch(/Publié par Éditions d.Exemple/);
    expect(texts.join('\n')).not.toMatch(/Published by/);
    const epubCopyright = [...xhtml.values()].find((x) => x.includes('copyright-page'))!;
    expect(epubCopyright).toMatch(/Publié par Éditions d(?:'|’|&#x27;)Exemple/);
    expect(epubCopyright).toMatch(/<\/i>\u00a0: Une introduction/);
    expect(xhtml.get('text/cover.xhtml')).toMatch(/alt="Couverture\u00a0: Ondes et signaux, Une introduction pratique au traitement du signal, par Camille Durand"/);
  });

  it('builds an index sorted for French, with sub-entries, see-also, merged pages in print and numbered links in the EPUB', () => {
    const index = texts.filter((t) => /^Index\n/m.test(t)).join('\n');
    expect(index).toMatch(/fenêtre\n\s*choix, \d+/);
    expect(index).toMatch(/spectre, \d+\. voir aussi fenêtre;\sré­?solution/);
    // Every page printed for "résolution" is a page on which the term is marked.
    const mark = /résolution, (\d+)/.exec(index)!;
    const page = pageLabels.indexOf(mark[1]!);
    expect(texts[page]).toMatch(/résolution/);
    const epub = xhtml.get('text/index.xhtml')!;
    expect(epub).toContain('role="doc-index"');
    expect(epub).toMatch(/epub:type="index-locator" href="spectres\.xhtml#ix-spectres-1">1<\/a>/);
    // F before H before R before S; "fenêtre" with an accent files under F.
    const letters = [...epub.matchAll(/<h2 class="index-letter">(.)<\/h2>/g)].map((m) => m[1]);
    expect(letters).toEqual([...letters].sort((a, b) => a!.localeCompare(b!, 'fr')));
    const opf = entries.find((e) => e.name === 'EPUB/package.opf')!.data.toString('utf8');
    expect(opf).toContain('<meta property="schema:accessibilityFeature">index</meta>');
  });
});

describe('bad references', () => {
  const { bookWith, cleanUp } = badBooks('references');
  afterAll(cleanUp);
  const chapter = (body: string): string => bookWith({ 'chapters/01-the-lamp.md': `# The Lamp\n\n${body}\n` });

  it('a reference to a label that does not exist', () =>
    expectError(runCli(chapter('Text.\n\nAs [@fig:nowhere] shows.')), /01-the-lamp\.md:5: reference \[@fig:nowhere\] names no label/));
  it('a label used twice', () =>
    expectError(runCli(chapter('![A lamp](images/lamp.png){#fig:lamp}\n\n![The lamp again](images/lamp.png){#fig:lamp}')), /01-the-lamp\.md:5: .*fig(:|-)lamp.*(twice|already used)/));
  it('a citation and a reference in one bracket', () =>
    expectError(runCli(chapter('![A lamp](images/lamp.png){#fig:lamp}\n\nSee [@fig:lamp; @keeper-1890].')), /01-the-lamp\.md:5: \[@fig:lamp; @keeper-1890\] mixes citations and cross-references/));
  it('a bibliography id with a prefix kept for cross-references', () =>
    expectError(
      runCli(bookWith({ 'chapters/03-bibliography.md': '---\nkind: bibliography\n---\n# Bibliography\n\n- **Keeper, 1890.** *Handbook*. {#keeper-1890}\n- **Coast, 1902.** *Report*. {#coast-1902}\n- **Figures, 1900.** *Old*. {#fig:old}\n' })),
      /03-bibliography\.md:8: the bibliography id fig:old starts with fig:/,
    ));
  it('several citations and a locator work', () => {
    const dir = chapter('As the handbook says [@keeper-1890, p. 12; @coast-1902].');
    const result = runCli(dir);
    expect(result.status, result.stderr).toBe(0);
  });
});
