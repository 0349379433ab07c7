/**
 * Plans the print layout as a list of parts (half title, title page, copyright, contents, each
 * section, notes) and renders them into HTML documents from the print templates: one part, or
 * several in a row, to a document (build/pdf/layout.ts decides). Running heads and folios are
 * not part of them: build/pdf/furniture.ts prints those once the parts are placed.
 */
import type { Book, Section } from '../model/book.ts';
import { listEntries, sectionsWithPrintNotes as sectionsWithNotes } from '../model/book.ts';
import type { IndexEntry } from '../model/book-index.ts';
import type { Templates } from './templates.ts';
import { bookData, ariaRoleOf, type BookData } from './book-data.ts';
import { chapterLabel, labelsFor } from './labels.ts';
import { hyphenatorFor } from './hyphenate.ts';
import { fontStackFor, fontFamilyValue, fontFaceCss, isCjkLanguage, CODE_FONT, codeFontFamilyValue, hasCode, hasMath, mathFontFaceCss, mathFontFamilyValue } from '../fonts.ts';
import { pageGeometry, type PageGeometry } from './page-geometry.ts';
import { blockId, countBlocks, markBlocks } from './blocks.ts';

export type PartRole = 'half-title' | 'title-page' | 'copyright' | 'contents' | 'section' | 'notes';
export type FolioStyle = 'roman' | 'arabic';

export interface OutlineEntry {
  title: string;
  id: string;
  level: number;
}

export interface PrintPart {
  /** File stem of the part's HTML, unique: "05-hyderabad". */
  key: string;
  role: PartRole;
  section: Section | undefined;
  title: string;
  folioStyle: FolioStyle;
  /** Whether folios are printed on its pages (page labels exist regardless). */
  showFolios: boolean;
  /** Starts on a right-hand page. */
  recto: boolean;
  /** Bookmarks this part contributes to the screen PDF. */
  outline: OutlineEntry[];
  /** Ids that live in this part, so links from other parts find them. */
  ids: string[];
  /** Anchors at the start of each text block (see blocks.ts), to learn where pages begin. */
  blockIds: string[];
}

export interface ContentsEntry {
  id: string;
  title: string;
  number: number | undefined;
  /** Printed before the title: "Appendix A". */
  prefix: string | undefined;
  division: string;
  level: number;
  folio: string;
}

export function planPrintParts(book: Book): PrintPart[] {
  const labels = labelsFor(book.config.language);
  const parts: PrintPart[] = [];
  const add = (p: Omit<PrintPart, 'key' | 'blockIds'>): void => {
    const blocks = p.section ? countBlocks(p.section.print.bodyHtml) : 0;
    const blockIds = Array.from({ length: blocks }, (_, k) => blockId(p.section!.id, k + 1));
    parts.push({ ...p, blockIds, key: `${String(parts.length + 1).padStart(2, '0')}-${p.section?.id ?? p.role}` });
  };
  const fixed = { section: undefined, folioStyle: 'roman' as const, showFolios: false };
  add({ ...fixed, role: 'half-title', title: book.config.title, recto: true, outline: [], ids: ['half-title'] });
  add({ ...fixed, role: 'title-page', title: book.config.title, recto: true, outline: [{ title: book.config.title, id: 'title-page', level: 1 }], ids: ['title-page'] });
  add({ ...fixed, role: 'copyright', title: 'Copyright', recto: false, outline: [{ title: 'Copyright', id: 'copyright', level: 1 }], ids: ['copyright'] });
  add({ ...fixed, role: 'contents', title: labels.contents, showFolios: true, recto: true, outline: [{ title: labels.contents, id: 'contents', level: 1 }], ids: ['contents'] });

  // The notes come before the bibliography, else before the index, else last.
  const notesBefore = book.sections.find((s) => s.kind === 'bibliography') ?? book.sections.find((s) => s.kind === 'index');
  // Index marks inside notes print with the notes.
  const marksInNotes = new Set(book.index.marks.filter((m) => m.inNote).map((m) => m.id));
  const hasNotes = sectionsWithNotes(book).length > 0;
  const notesIds = book.sections.flatMap((s) => s.print.notes.map((n) => n.id));
  const addNotes = (): void =>
    add({ role: 'notes', section: undefined, title: labels.notes, folioStyle: 'arabic', showFolios: true, recto: true, outline: [{ title: labels.notes, id: 'notes', level: 1 }], ids: ['notes', ...notesIds, ...sectionsWithNotes(book).map((s) => `notes-${s.id}`), ...marksInNotes] });

  for (const section of book.sections) {
    if (section === notesBefore && hasNotes) addNotes();
    const noteIds = new Set(section.print.notes.map((n) => n.id));
    // Address notes (print.urls: notes) exist only in the PDFs: their marks live in this part.
    const printOnlyRefs = section.print.notes.filter((n) => !section.notes.some((m) => m.id === n.id)).flatMap((n) => n.refIds);
    add({
      role: 'section',
      section,
      title: section.title,
      folioStyle: section.division === 'front' ? 'roman' : 'arabic',
      showFolios: true,
      recto: true,
      outline: [
        { title: section.numberLabel ? `${section.numberLabel}: ${section.title}` : section.title, id: section.id, level: 1 },
        ...section.headings.filter((h) => h.level === 2).map((h) => ({ title: h.text, id: h.id, level: 2 })),
      ],
      ids: [...section.ids.filter((id) => !noteIds.has(id) && !marksInNotes.has(id)), ...printOnlyRefs, ...section.print.pageRefs],
    });
  }
  if (hasNotes && !notesBefore) addNotes();
  return parts;
}


export interface PartRenderInput {
  part: PrintPart;
  contents: ContentsEntry[];
  /** Href for an id from this part: "#id" when it lives here, "<file>.html#id" elsewhere. */
  href(id: string): string;
  /** The text after a reference to `target` made at the page-ref mark `ref`: "(page 41)", or "". */
  pageRef(target: string, ref: string): string;
  /** The folio of the page `target` is on, for the lists of figures and tables. */
  folioOf(target: string): string;
  /** Where `target` was laid out: its page in the book and its folio; undefined before the first layout. */
  locate(target: string): { page: number; folio: string } | undefined;
}

/** A part rendered: its body's HTML, and what its document needs for it. */
export interface RenderedPart {
  part: PrintPart;
  html: string;
  /** The text its fonts must cover. */
  text: string;
}

/** Running heads of a part's pages (build/pdf/furniture.ts prints them). */
export function runningHeadsOf(book: Book, part: PrintPart): { verso: string | undefined; recto: string | undefined } {
  return part.role === 'section' || part.role === 'notes' || part.role === 'contents'
    ? { verso: book.config.title, recto: part.section?.title ?? part.title }
    : { verso: undefined, recto: undefined };
}

/** Id of the element that wraps a part in its document: its named destination is where it begins. */
export const partAnchor = (part: PrintPart): string => `part-${part.key}`;

export interface PrintRenderer {
  geometry: PageGeometry;
  /** A part's body, as it goes into a document. */
  render(input: PartRenderInput): RenderedPart;
  /** The HTML document of parts rendered by render(), in book order. */
  document(parts: RenderedPart[], stylesheet: string): string;
}

/**
 * Hyphenated HTML by language and text, kept between builds in one process: the preview renders
 * every part of the book again for each edit, and hyphenating all of it took longer than
 * laying out the edited chapter.
 */
const hyphenatedCache = new Map<string, string>();
function hyphenatedText(language: string, hyphenate: (html: string) => string, html: string): string {
  const key = `${language}\0${html}`;
  let out = hyphenatedCache.get(key);
  if (out === undefined) {
    if (hyphenatedCache.size >= 5000) hyphenatedCache.clear();
    hyphenatedCache.set(key, (out = hyphenate(html)));
  }
  return out;
}

export function createPrintRenderer(book: Book, templates: Templates, pageCount: number): PrintRenderer {
  const meta: BookData = bookData(book);
  const labels = labelsFor(book.config.language);
  const hyphenate = hyphenatorFor(book.config.language);
  const fonts = fontStackFor(book.config.language);
  const geometry = pageGeometry(book.config.print, pageCount);
  const cache = new Map<Section, { bodyHtml: string; notes: Map<string, string> }>();
  const prepared = (s: Section): { bodyHtml: string; notes: Map<string, string> } => {
    let entry = cache.get(s);
    if (!entry) {
      const h = (html: string): string => (hyphenate ? hyphenatedText(book.config.language, hyphenate, html) : html);
      const anchored = markBlocks(s.print.bodyHtml, (n) => templates.render('print/block-anchor', { id: blockId(s.id, n) }));
      entry = { bodyHtml: h(anchored), notes: new Map(s.print.notes.map((n) => [n.id, h(n.html)])) };
      cache.set(s, entry);
    }
    return entry;
  };

  return {
    geometry,
    render(input) {
      const { part } = input;
      const section = part.section;
      const relink = (html: string): string =>
        html
          .replace(/href="#([^"]+)"/g, (_, id: string) => `href="${input.href(decodeURIComponent(id))}"`)
          // The builder's own page-reference marks (markdown/references.ts), filled from the layout.
          .replace(/<span class="page-ref" data-target="([^"]+)" id="([^"]+)"><\/span>/g, (_, target: string, ref: string) => {
            const text = input.pageRef(target, ref);
            return `<span class="page-ref" id="${ref}">${text ? `\u00a0${text}` : ''}</span>`;
          });
      const runningHead = runningHeadsOf(book, part);
      const noteGroups =
        part.role === 'notes'
          ? sectionsWithNotes(book).map((s) => ({
              sectionId: s.id,
              title: s.title,
              number: s.number,
              numberLabel: s.numberLabel,
              notes: s.print.notes.map((n) => ({
                number: n.number,
                id: n.id,
                backref: input.href(n.refIds[0]!),
                html: relink(prepared(s).notes.get(n.id)!),
              })),
            }))
          : [];
      const data = {
        lang: book.config.language,
        cjk: isCjkLanguage(book.config.language),
        book: meta,
        labels,
        fontFamily: fontFamilyValue(fonts),
        codeFontFamily: codeFontFamilyValue(fonts),
        mathFontFamily: mathFontFamilyValue(fonts),
        page: geometry,
        runningHead,
        part: {
          role: part.role,
          kind: section?.kind,
          id: section?.id,
          number: section?.number,
          numberLabel: section?.numberLabel,
          title: part.title,
          titleHtml: section?.titleHtml,
          ariaRole: section ? ariaRoleOf(section.kind) : undefined,
          bodyHtml: section ? relink(prepared(section).bodyHtml) : '',
        },
        contents: input.contents.map((c) => ({ ...c, href: input.href(c.id) })),
        list: section ? listEntries(book, section.kind).map((t) => ({ ...t, href: input.href(t.id), folio: input.folioOf(t.id) })) : [],
        index: section?.kind === 'index' ? printIndex(book, input) : undefined,
        words: book.references.words,
        noteGroups,
        destinations: [...part.ids, ...part.blockIds],
      };
      return { part, html: templates.render('print/part-body', data), text: JSON.stringify(data) };
    },
    document(parts, stylesheet) {
      // Only the font faces the parts' text (and their running heads) need.
      const text = parts.map((p) => p.text).join('');
      // The code face only where a part holds code (it has no unicode ranges to select it by).
      const fontFaces = fontFaceCss(fonts, text) + (hasCode(text) ? `\n${fontFaceCss([CODE_FONT], text)}` : '') +
        // The math face likewise, only where a part holds a formula.
        (hasMath(text) ? `\n${mathFontFaceCss()}` : '');
      return templates.render('print/part.html', {
        lang: book.config.language,
        cjk: isCjkLanguage(book.config.language),
        title: parts[0]!.part.title,
        fontFamily: fontFamilyValue(fonts),
        codeFontFamily: codeFontFamilyValue(fonts),
        mathFontFamily: mathFontFamilyValue(fonts),
        stylesheet,
        page: geometry,
        fontFaces,
        parts: parts.map(({ part, html }) => ({ key: part.key, anchor: partAnchor(part), role: part.role, kind: part.section?.kind, html })),
      });
    },
  };
}


interface PrintIndexEntry {
  term: string;
  pages: { text: string; href: string }[];
  see: string | undefined;
  seeAlso: string[];
  children: PrintIndexEntry[];
}

/**
 * The index as printed: each entry's pages in order, each page once, three or more in a row
 * joined as "12–14"; before the first layout, a placeholder per mark as wide as a folio.
 */
function printIndex(book: Book, input: PartRenderInput): { letter: string; entries: PrintIndexEntry[] }[] {
  const entry = (e: IndexEntry): PrintIndexEntry => {
    const located = e.locators.map((l) => ({ id: l.id, at: input.locate(l.id) }));
    const pages: { text: string; href: string }[] = [];
    if (located.some((l) => !l.at)) {
      for (const l of located) pages.push({ text: input.folioOf(l.id), href: input.href(l.id) });
    } else {
      const byPage = [...new Map(located.map((l) => [l.at!.page, l])).values()].sort((a, b) => a.at!.page - b.at!.page);
      for (let i = 0; i < byPage.length; ) {
        let j = i;
        while (j + 1 < byPage.length && byPage[j + 1]!.at!.page === byPage[j]!.at!.page + 1) j++;
        const first = byPage[i]!;
        if (j - i >= 2) {
          pages.push({ text: `${first.at!.folio}\u2013${byPage[j]!.at!.folio}`, href: input.href(first.id) });
          i = j + 1;
        } else {
          pages.push({ text: first.at!.folio, href: input.href(first.id) });
          i++;
        }
      }
    }
    return { term: e.term, pages, see: e.see, seeAlso: e.seeAlso, children: e.children.map(entry) };
  };
  return book.index.groups.map((g) => ({ letter: g.letter, entries: g.entries.map(entry) }));
}
