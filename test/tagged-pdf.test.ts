/**
 * The screen PDF is tagged: one structure tree for the whole book, read page by page the way a
 * screen reader or pdf.js does (page.getStructTree()), and the document-level entries a tagged
 * PDF needs. The print PDF is not tagged. Titles, alt texts and notes are read from the books'
 * Markdown, not written here.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { PDFArray, PDFDict, PDFName, PDFNumber, PDFRawStream, PDFRef, PDFString, PDFHexString, type PDFDocument, type PDFObject } from 'pdf-lib';
import type { PDFDocumentProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../build/config/load-config.ts';
import { openPdfjs, pdfLib } from './helpers/pdf.ts';
import { REPO_OUT, REPO_SLUG, ROOT, TECH_BOOK, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

interface StructNode {
  role: string;
  alt?: string;
  children: (StructNode | { type: string; id: string })[];
}
const isNode = (n: StructNode['children'][number]): n is StructNode => 'role' in n;

interface PageStructure {
  /** The page's tree as pdf.js gives it (a Root with no children when the page has none). */
  tree: StructNode;
  /** Text of each marked-content sequence on the page, by pdf.js's id for it. */
  text: Map<string, string>;
  /** Text drawn outside any marked-content sequence with an id (running heads, folios, decoration). */
  unmarked: string;
  /** Tags of the marked content that opens the page's content, outermost first. */
  firstTags: string[];
  /** Text inside Artifact marked content (the running head and folio, drawn as pagination artifacts). */
  artifact: string;
  /** All the page's text. */
  all: string;
}

const fold = (s: string): string =>
  s
    .replace(/\u00ad/g, '')
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/\s+/g, ' ')
    .trim();

async function structureOf(doc: PDFDocumentProxy): Promise<PageStructure[]> {
  const pages: PageStructure[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent({ includeMarkedContent: true });
    const stack: (string | null)[] = [];
    const tags: string[] = [];
    let artifact = '';
    const text = new Map<string, string>();
    const firstTags: string[] = [];
    let unmarked = '';
    let all = '';
    let seenText = false;
    for (const item of content.items) {
      if ('type' in item) {
        if (item.type === 'endMarkedContent') {
          stack.pop();
          tags.pop();
        } else {
          stack.push(item.id ?? null);
          tags.push((item as { tag?: string }).tag ?? '');
          // pdf.js gives the tag too, though its types do not say so.
          if (!seenText) firstTags.push((item as { tag?: string }).tag ?? '');
        }
        continue;
      }
      seenText = true;
      const str = item.str + (item.hasEOL ? '\n' : '');
      all += str;
      if (tags.includes('Artifact')) artifact += str;
      const id = [...stack].reverse().find((s) => s !== null);
      if (id) text.set(id, (text.get(id) ?? '') + str);
      else unmarked += str;
    }
    pages.push({ tree: (await page.getStructTree()) as unknown as StructNode, text, unmarked, firstTags, all, artifact });
  }
  return pages;
}

/** The nodes of a page's tree, depth first, in reading order. */
function nodes(tree: StructNode): StructNode[] {
  const out: StructNode[] = [];
  const visit = (n: StructNode): void => {
    out.push(n);
    n.children.filter(isNode).forEach(visit);
  };
  visit(tree);
  return out;
}

function textOf(node: StructNode, page: PageStructure): string {
  let s = '';
  const visit = (n: StructNode['children'][number]): void => {
    if (isNode(n)) n.children.forEach(visit);
    else if (n.type === 'content') s += page.text.get(n.id) ?? '';
  };
  visit(node);
  return fold(s);
}

/** Each chapter file's title: its first `#` heading (outside code), else front matter `title:`, without Markdown marks. */
function chapterTitles(bookDir: string): string[] {
  const dir = path.join(bookDir, 'chapters');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((f) => {
      const source = readFileSync(path.join(dir, f), 'utf8');
      const front = /^---\n([\s\S]*?)\n---/.exec(source)?.[0] ?? '';
      let fenced = false;
      let heading: string | undefined;
      for (const line of source.slice(front.length).split('\n')) {
        if (/^\s*(```|~~~)/.test(line)) fenced = !fenced;
        else if (!fenced && /^# /.test(line)) {
          heading = line.slice(2);
          break;
        }
      }
      const title = heading ?? /^title:\s*["']?(.+?)["']?\s*$/m.exec(front)?.[1];
      if (!title) throw new Error(`${f} has no title`);
      return fold(title.replace(/\s*\{[^}]*\}\s*$/, '').replace(/[*_`]/g, '').replace(/--/g, '–'));
    });
}

/** Every alt text the Markdown gives: ![alt](…) and <img alt="…">. */
function altTexts(bookDir: string): string[] {
  const dir = path.join(bookDir, 'chapters');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.md'))
    .flatMap((f) => {
      const source = readFileSync(path.join(dir, f), 'utf8');
      return [...source.matchAll(/!\[([^\]]+)\]\(/g), ...source.matchAll(/<img\b[^>]*\balt="([^"]+)"/g)].map((m) => fold(m[1]!));
    });
}

const name = (o: PDFObject | undefined): string | undefined => (o instanceof PDFName ? o.decodeText() : undefined);
const str = (o: PDFObject | undefined): string | undefined => (o instanceof PDFString || o instanceof PDFHexString ? o.decodeText() : undefined);

/** Every structure element of the document (pdf-lib), parents before children. */
function elements(doc: PDFDocument): PDFDict[] {
  const root = doc.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
  const out: PDFDict[] = [];
  const stack: PDFObject[] = [root.get(PDFName.of('K'))!];
  while (stack.length > 0) {
    const o = stack.pop()!;
    const value = o instanceof PDFRef ? doc.context.lookup(o) : o;
    if (value instanceof PDFArray) stack.push(...value.asArray().reverse());
    else if (value instanceof PDFDict && value.has(PDFName.of('S'))) {
      out.push(value);
      const k = value.get(PDFName.of('K'));
      if (k) stack.push(k);
    }
  }
  return out;
}

const books = [
  { label: 'the repository book', bookDir: ROOT, out: REPO_OUT, slug: REPO_SLUG },
  { label: 'the technical book', bookDir: TECH_BOOK, out: TECH_OUT, slug: TECH_SLUG },
];

describe.each(books)('the tagged screen PDF of $label', ({ bookDir, out, slug }) => {
  const file = path.join(out, `${slug}.pdf`);
  let pages: PageStructure[];
  let lib: PDFDocument;
  beforeAll(async () => {
    pages = await structureOf(await openPdfjs(file));
    lib = await pdfLib(file);
  });

  it('marks each page’s running head and folio as a pagination artifact, outside the tree', async () => {
    const labels = (await (await openPdfjs(file)).getPageLabels())!;
    let dressed = 0;
    pages.forEach((page, i) => {
      if (i === 0 || fold(page.artifact) === '') return;
      const where = `page ${i + 1} (${labels[i]})`;
      // Only the furniture: its folio (the page's label) and at most a running head. Artifact
      // content carries no MCID, so no element of the tree can hold it.
      expect(fold(page.artifact).split(' '), where).toContain(labels[i]);
      expect(fold(page.artifact).length, where).toBeLessThan(90);
      dressed++;
    });
    // Every page but the front matter's, the blank versos and the landscape ones has a folio.
    expect(dressed).toBeGreaterThan(pages.length * 0.6);
  });

  it('gives every page with text a structure tree holding that text; blank pages and the cover have none', () => {
    let tagged = 0;
    pages.forEach((page, i) => {
      const where = `page ${i + 1}`;
      if (i === 0) {
        // The cover: outside the tree, its whole content an artifact.
        expect(page.tree.children, where).toEqual([]);
        expect(page.firstTags[0], where).toBe('Artifact');
        return;
      }
      if (fold(page.all) === '') {
        expect(page.tree.children, where).toEqual([]); // a blank verso the assembler inserted
        return;
      }
      expect(page.tree.children.length, where).toBeGreaterThan(0);
      // Every marked-content sequence with text on the page is content of an element of the tree.
      const inTree = new Set<string>();
      const collect = (n: StructNode['children'][number]): void => {
        if (isNode(n)) n.children.forEach(collect);
        else if (n.type === 'content') inTree.add(n.id);
      };
      collect(page.tree);
      const marked = [...page.text].filter(([, t]) => fold(t) !== '');
      expect(marked.length, where).toBeGreaterThan(0);
      for (const [id, t] of marked) expect(inTree.has(id), `${where}: "${fold(t)}" is outside the tree`).toBe(true);
      // What is drawn outside marked content is the running head, the folio and decoration (code
      // continuation marks, ornaments, line numbers), or a caption hidden as it repeats the alt text.
      let unmarked = fold(page.unmarked);
      for (const n of nodes(page.tree)) if (n.role === 'Figure' && n.alt) unmarked = unmarked.replace(fold(n.alt), '');
      expect(unmarked.length, `${where}: ${unmarked}`).toBeLessThan(120);
      tagged++;
    });
    expect(tagged).toBeGreaterThan(pages.length / 2);
  });

  it('opens each chapter with an H1 holding its title, the first heading on its page, in book order', () => {
    const titles = chapterTitles(bookDir);
    expect(titles.length).toBeGreaterThan(3);
    let from = 0;
    for (const title of titles) {
      const at = pages.findIndex((page, i) => i >= from && nodes(page.tree).some((n) => n.role === 'H1' && textOf(n, page) === title));
      expect(at, `no H1 "${title}" after page ${from + 1}`).toBeGreaterThanOrEqual(0);
      const first = nodes(pages[at]!.tree).find((n) => /^H\d$/.test(n.role))!;
      expect([first.role, textOf(first, pages[at]!)], `page ${at + 1}`).toEqual(['H1', title]);
      from = at + 1;
    }
  });

  it('never skips a heading level going down (H1, then H2, then H3)', () => {
    let level = 0;
    for (const page of pages) {
      for (const n of nodes(page.tree)) {
        const m = /^H(\d)$/.exec(n.role);
        if (!m) continue;
        const next = Number(m[1]);
        expect(next, `"${textOf(n, page)}" after a heading of level ${level}`).toBeLessThanOrEqual(level + 1);
        level = next;
      }
    }
    expect(level).toBeGreaterThan(0);
  });

  it('describes every figure with its alt text from the Markdown', () => {
    const figures = pages.flatMap((page) => nodes(page.tree).filter((n) => n.role === 'Figure'));
    for (const figure of figures) expect(figure.alt?.trim(), 'a Figure without alt text').toBeTruthy();
    const alts = new Set(figures.map((f) => fold(f.alt!)));
    for (const alt of altTexts(bookDir)) expect(alts.has(alt), `no Figure with the alt text "${alt}"`).toBe(true);
  });

  it('gives every table header cells with a scope', () => {
    const all = elements(lib);
    const tables = all.filter((e) => name(e.get(PDFName.of('S'))) === 'Table');
    for (const table of tables) {
      const cells = elementsUnder(lib, table).filter((e) => name(e.get(PDFName.of('S'))) === 'TH');
      expect(cells.length, 'a Table without TH cells').toBeGreaterThan(0);
      for (const th of cells) expect(scopeOf(lib, th), 'a TH without /Scope').toMatch(/^(Row|Column|Both)$/);
    }
    // pdf.js sees them on the pages too.
    const seen = pages.flatMap((page) => nodes(page.tree).map((n) => n.role));
    expect(seen.includes('TH')).toBe(tables.length > 0);
  });

  it('tags every link as a Link element holding its annotation, and note references and notes as such', () => {
    const root = lib.catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    const parentTree = new Map<number, PDFObject>();
    const nums = root.lookup(PDFName.of('ParentTree'), PDFDict).lookup(PDFName.of('Nums'), PDFArray);
    for (let i = 0; i < nums.size(); i += 2) {
      const key = (nums.get(i) as PDFNumber).asNumber();
      expect(parentTree.has(key), `ParentTree key ${key} twice`).toBe(false);
      parentTree.set(key, nums.get(i + 1));
    }
    let links = 0;
    for (const [index, page] of lib.getPages().entries()) {
      const key = page.node.lookupMaybe(PDFName.of('StructParents'), PDFNumber)?.asNumber();
      if (key !== undefined) expect(lib.context.lookup(parentTree.get(key)!), `page ${index + 1}: its ParentTree entry`).toBeInstanceOf(PDFArray);
      for (const ref of page.node.lookupMaybe(PDFName.of('Annots'), PDFArray)?.asArray() ?? []) {
        const annot = lib.context.lookup(ref, PDFDict);
        if (name(annot.get(PDFName.of('Subtype'))) !== 'Link') continue;
        const parent = annot.lookupMaybe(PDFName.of('StructParent'), PDFNumber)?.asNumber();
        expect(parent, `page ${index + 1}: a link annotation outside the tree`).toBeDefined();
        const element = lib.context.lookup(parentTree.get(parent!)!, PDFDict);
        expect(name(element.get(PDFName.of('S')))).toBe('Link');
        const objrs = kidsOf(lib, element).filter((k) => k instanceof PDFDict && name(k.get(PDFName.of('Type'))) === 'OBJR') as PDFDict[];
        expect(objrs.some((o) => o.get(PDFName.of('Obj')) === ref), 'the Link holds its annotation').toBe(true);
        links++;
      }
    }
    expect(links).toBeGreaterThan(10);

    // Notes: one Note element per footnote the Markdown defines, each with an id; each reference a Reference around a Link.
    const defined = readdirSync(path.join(bookDir, 'chapters'))
      .filter((f) => f.endsWith('.md'))
      .reduce((n, f) => n + (readFileSync(path.join(bookDir, 'chapters', f), 'utf8').match(/^\[\^[^\]]+\]:/gm)?.length ?? 0), 0);
    const all = elements(lib);
    const notes = all.filter((e) => name(e.get(PDFName.of('S'))) === 'Note');
    expect(notes.length).toBe(defined);
    const ids = new Set(notes.map((n) => str(n.get(PDFName.of('ID')))));
    expect(ids.size).toBe(notes.length);
    const references = all.filter((e) => name(e.get(PDFName.of('S'))) === 'Reference');
    expect(references.length).toBeGreaterThanOrEqual(defined);
    for (const reference of references) {
      expect(elementsUnder(lib, reference).some((e) => name(e.get(PDFName.of('S'))) === 'Link'), 'a Reference without its Link').toBe(true);
    }
  });

  it('points only at pages of the book, each page object once', () => {
    const pageRefs = new Set(lib.getPages().map((p) => p.ref));
    const pageObjects = lib.context.enumerateIndirectObjects().filter(([, o]) => o instanceof PDFDict && name(o.get(PDFName.of('Type'))) === 'Page');
    expect(pageObjects.length).toBe(pageRefs.size);
    for (const element of elements(lib)) {
      const pg = element.get(PDFName.of('Pg'));
      if (pg) expect(pageRefs.has(pg as PDFRef), 'an element on a page not in the book').toBe(true);
      for (const kid of kidsOf(lib, element)) {
        const kpg = kid instanceof PDFDict ? kid.get(PDFName.of('Pg')) : undefined;
        if (kpg) expect(pageRefs.has(kpg as PDFRef), 'a marked-content or object reference on a page not in the book').toBe(true);
      }
    }
  });

  it('carries the document-level entries of a tagged PDF, and claims no PDF/UA conformance', async () => {
    const config = await loadConfig(path.join(bookDir, 'book.yaml'));
    const catalog = lib.catalog;
    expect(catalog.lookup(PDFName.of('MarkInfo'), PDFDict).get(PDFName.of('Marked'))?.toString()).toBe('true');
    expect(str(catalog.get(PDFName.of('Lang')))).toBe(config.language);
    expect(catalog.lookup(PDFName.of('ViewerPreferences'), PDFDict).get(PDFName.of('DisplayDocTitle'))?.toString()).toBe('true');
    const root = catalog.lookup(PDFName.of('StructTreeRoot'), PDFDict);
    const top = lib.context.lookup(root.get(PDFName.of('K')), PDFDict);
    expect(name(top.get(PDFName.of('S')))).toBe('Document');
    const metadata = lib.context.lookup(catalog.get(PDFName.of('Metadata')));
    if (!(metadata instanceof PDFRawStream)) throw new Error('no /Metadata stream');
    expect(name(metadata.dict.get(PDFName.of('Subtype')))).toBe('XML');
    const xmp = Buffer.from(metadata.getContents()).toString('utf8');
    const title = /<dc:title>[\s\S]*?<rdf:li[^>]*>([^<]*)<\/rdf:li>/.exec(xmp)?.[1];
    expect(title).toBe(config.subtitle ? `${config.title}: ${config.subtitle}` : config.title);
    const creators = /<dc:creator>([\s\S]*?)<\/dc:creator>/.exec(xmp)?.[1] ?? '';
    for (const author of config.authors) expect(creators).toContain(`<rdf:li>${typeof author === 'string' ? author : author.name}</rdf:li>`);
    expect(xmp).toContain(`<dc:language><rdf:Bag><rdf:li>${config.language}</rdf:li></rdf:Bag></dc:language>`);
    expect(xmp).not.toMatch(/pdfuaid|pdfaid/);
  });
});

describe.each(books)('the print PDF of $label', ({ out, slug }) => {
  it('is not tagged: no structure tree, no MarkInfo, no page keys into a tree', async () => {
    const lib = await pdfLib(path.join(out, `${slug}-print.pdf`));
    expect(lib.catalog.has(PDFName.of('StructTreeRoot'))).toBe(false);
    expect(lib.catalog.has(PDFName.of('MarkInfo'))).toBe(false);
    for (const page of lib.getPages()) expect(page.node.has(PDFName.of('StructParents'))).toBe(false);
    // Nor are the tree's objects left in the file unreferenced.
    const bytes = readFileSync(path.join(out, `${slug}-print.pdf`)).toString('latin1');
    expect(bytes).not.toMatch(/\/StructElem|\/StructTreeRoot/);
  });
});

function kidsOf(doc: PDFDocument, element: PDFDict): PDFObject[] {
  const k = element.get(PDFName.of('K'));
  const value = k instanceof PDFRef ? doc.context.lookup(k) : k;
  return (value instanceof PDFArray ? value.asArray() : value ? [value] : []).map((o) => (o instanceof PDFRef ? doc.context.lookup(o)! : o));
}

function elementsUnder(doc: PDFDocument, element: PDFDict): PDFDict[] {
  const out: PDFDict[] = [];
  for (const kid of kidsOf(doc, element)) {
    if (kid instanceof PDFDict && kid.has(PDFName.of('S'))) out.push(kid, ...elementsUnder(doc, kid));
  }
  return out;
}

function scopeOf(doc: PDFDocument, th: PDFDict): string | undefined {
  const a = th.get(PDFName.of('A'));
  const value = a instanceof PDFRef ? doc.context.lookup(a) : a;
  const list = value instanceof PDFArray ? value.asArray() : value ? [value] : [];
  for (const entry of list) {
    const dict = entry instanceof PDFRef ? doc.context.lookup(entry) : entry;
    if (dict instanceof PDFDict && dict.has(PDFName.of('Scope'))) return name(dict.get(PDFName.of('Scope')));
  }
  return undefined;
}
