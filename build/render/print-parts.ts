/**
 * Plans the print layout as a list of parts (half title, title page, copyright, contents, each
 * section, notes) and renders each part's HTML document from the print templates. Each part is
 * laid out on its own, so its running heads and folios come from its own @page rules.
 */
import type { Book, Section } from '../model/book.ts';
import { sectionsWithNotes } from '../model/book.ts';
import type { Templates } from './templates.ts';
import { bookData, ariaRoleOf, type BookData } from './book-data.ts';
import { chapterLabel, labelsFor } from './labels.ts';
import { hyphenatorFor } from './hyphenate.ts';
import { fontStackFor, fontFamilyValue, fontFaceCss, isCjkLanguage } from '../fonts.ts';
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
  division: string;
  level: number;
  folio: string;
}

export function planPrintParts(book: Book): PrintPart[] {
  const labels = labelsFor(book.config.language);
  const parts: PrintPart[] = [];
  const add = (p: Omit<PrintPart, 'key' | 'blockIds'>): void => {
    const blocks = p.section ? countBlocks(p.section.bodyHtml) : 0;
    const blockIds = Array.from({ length: blocks }, (_, k) => blockId(p.section!.id, k + 1));
    parts.push({ ...p, blockIds, key: `${String(parts.length + 1).padStart(2, '0')}-${p.section?.id ?? p.role}` });
  };
  const fixed = { section: undefined, folioStyle: 'roman' as const, showFolios: false };
  add({ ...fixed, role: 'half-title', title: book.config.title, recto: true, outline: [], ids: ['half-title'] });
  add({ ...fixed, role: 'title-page', title: book.config.title, recto: true, outline: [{ title: book.config.title, id: 'title-page', level: 1 }], ids: ['title-page'] });
  add({ ...fixed, role: 'copyright', title: 'Copyright', recto: false, outline: [{ title: 'Copyright', id: 'copyright', level: 1 }], ids: ['copyright'] });
  add({ ...fixed, role: 'contents', title: labels.contents, showFolios: true, recto: true, outline: [{ title: labels.contents, id: 'contents', level: 1 }], ids: ['contents'] });

  const notesBefore = book.sections.find((s) => s.kind === 'bibliography');
  const hasNotes = sectionsWithNotes(book).length > 0;
  const notesIds = book.sections.flatMap((s) => s.notes.map((n) => n.id));
  const addNotes = (): void =>
    add({ role: 'notes', section: undefined, title: labels.notes, folioStyle: 'arabic', showFolios: true, recto: true, outline: [{ title: labels.notes, id: 'notes', level: 1 }], ids: ['notes', ...notesIds, ...sectionsWithNotes(book).map((s) => `notes-${s.id}`)] });

  for (const section of book.sections) {
    if (section === notesBefore && hasNotes) addNotes();
    const noteIds = new Set(section.notes.map((n) => n.id));
    add({
      role: 'section',
      section,
      title: section.title,
      folioStyle: section.division === 'front' ? 'roman' : 'arabic',
      showFolios: true,
      recto: true,
      outline: [
        { title: section.number ? `${chapterLabel(labels, section.number)}: ${section.title}` : section.title, id: section.id, level: 1 },
        ...section.headings.filter((h) => h.level === 2).map((h) => ({ title: h.text, id: h.id, level: 2 })),
      ],
      ids: section.ids.filter((id) => !noteIds.has(id)),
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
  /** Absolute file URL of the stylesheet. */
  stylesheet: string;
}

export interface PrintRenderer {
  geometry: PageGeometry;
  render(input: PartRenderInput): string;
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
      const h = hyphenate ?? ((x: string) => x);
      const anchored = markBlocks(s.bodyHtml, (n) => templates.render('print/block-anchor', { id: blockId(s.id, n) }));
      entry = { bodyHtml: h(anchored), notes: new Map(s.notes.map((n) => [n.id, h(n.html)])) };
      cache.set(s, entry);
    }
    return entry;
  };

  return {
    geometry,
    render(input) {
      const { part } = input;
      const section = part.section;
      const relink = (html: string): string => html.replace(/href="#([^"]+)"/g, (_, id: string) => `href="${input.href(decodeURIComponent(id))}"`);
      const runningHead =
        part.role === 'section' || part.role === 'notes' || part.role === 'contents'
          ? { verso: book.config.title, recto: section?.title ?? part.title }
          : { verso: undefined, recto: undefined };
      const noteGroups =
        part.role === 'notes'
          ? sectionsWithNotes(book).map((s) => ({
              sectionId: s.id,
              title: s.title,
              number: s.number,
              notes: s.notes.map((n) => ({
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
        stylesheet: input.stylesheet,
        page: geometry,
        showFolios: part.showFolios,
        runningHead,
        part: {
          role: part.role,
          kind: section?.kind,
          id: section?.id,
          number: section?.number,
          title: part.title,
          titleHtml: section?.titleHtml,
          ariaRole: section ? ariaRoleOf(section.kind) : undefined,
          bodyHtml: section ? relink(prepared(section).bodyHtml) : '',
        },
        contents: input.contents.map((c) => ({ ...c, href: input.href(c.id) })),
        noteGroups,
        destinations: [...part.ids, ...part.blockIds],
      };
      // Only the font faces this part's text (and its running heads) need.
      const fontFaces = fontFaceCss(fonts, JSON.stringify(data));
      return templates.render('print/part.html', { ...data, fontFaces });
    },
  };
}
