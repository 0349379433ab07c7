/**
 * What the preview page shows, kept between builds: the laid-out pages of the last good build
 * (each part's PDF as Chromium printed it, under a name that changes with its bytes, so that the
 * page fetches again only the parts that changed), the contents, the EPUB's files, the warnings,
 * and the errors of the last build when it failed (shown over the last good pages).
 */
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { PDFDocument } from 'pdf-lib';
import type { Book } from '../model/book.ts';
import type { Layout } from '../pdf/layout.ts';
import { formatFolio } from '../pdf/folios.ts';
import { partPdf, partPdfKey } from '../pdf/part-pdf.ts';
import type { BuildResult } from '../build.ts';
import type { ErrorReport } from '../messages/format-error.ts';

export interface PartView {
  key: string;
  /** Where the part's PDF is served; changes when its bytes do. */
  url: string;
  pageCount: number;
  /** A blank verso precedes the part in the book, so that it starts on a recto. */
  blankBefore: boolean;
  /** The printed number of each page. */
  folios: string[];
  title: string;
  role: string;
  sectionId: string | undefined;
  /** "chapters/01-the-lamp.md", for the section parts. */
  file: string | undefined;
}

/** Where a link's target is: its part, the page within the part, and its height there (PDF points from the bottom). */
export interface AnchorView {
  part: string;
  page: number;
  y: number;
}

export interface PagesView {
  /** Page size in PDF points (the trim size). */
  width: number;
  height: number;
  parts: PartView[];
  /** The screen PDF ends on an even interior page: a blank one is added after the last part. */
  blankAfter: boolean;
  /** The screen PDF's first page, once a build has made it. */
  cover: string | undefined;
}

export interface PreviewState {
  /** Goes up with every change the page should show. */
  version: number;
  title: string;
  building: boolean;
  /** While building: laying out the pages, or making the other outputs once the pages are shown. */
  phase: 'pages' | 'outputs';
  /** Files whose change started the build under way (or the last one). */
  changed: string[];
  pages: PagesView | undefined;
  /** The last build's errors, each with its line and caret; undefined when it succeeded. */
  errors: ErrorReport[] | undefined;
  /** An error in the builder itself (not the book's), with its stack. */
  internalError: string | undefined;
  warnings: string[];
  outputs: { name: string; url: string; bytes: number }[];
  /** The EPUB's document for each section id, once an EPUB is built. */
  epub: Record<string, string> | undefined;
  /** Goes up each time the EPUB's files are replaced. */
  epubVersion: number;
  /** Milliseconds from the start of the last build to its pages, and to its end; and of each stage before the pages. */
  timings: { pages?: number; build?: number; stages?: Record<string, number> };
  /** Parts the last build laid out again (the rest came from the layout cache), and parts in all. */
  relaid: { printed: number; parts: number } | undefined;
}

const TYPES: Record<string, string> = {
  '.xhtml': 'application/xhtml+xml; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.pdf': 'application/pdf',
  '.xml': 'application/xml',
  '.opf': 'application/oebps-package+xml',
  '.ncx': 'application/x-dtbncx+xml',
};
export const contentType = (file: string): string => TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';

const short = (bytes: Uint8Array): string => createHash('sha256').update(bytes).digest('hex').slice(0, 12);

export class PreviewStore {
  /** Served files: part PDFs, the cover page, the EPUB's entries. */
  private parts = new Map<string, Uint8Array>();
  private epubFiles = new Map<string, Uint8Array>();
  private cover: { url: string; bytes: Uint8Array } | undefined;
  /** Each part's dressed PDF by partPdfKey(), from the last layout. */
  private dressed = new Map<string, Uint8Array>();
  /** Where each id of the last layout fell, for the page's links (asked one at a time: there are thousands). */
  private anchors = new Map<string, AnchorView>();
  private readonly listeners = new Set<(state: PreviewState) => void>();
  state: PreviewState;

  constructor(title: string) {
    this.state = { version: 0, title, building: false, phase: 'pages', changed: [], pages: undefined, errors: undefined, internalError: undefined, warnings: [], outputs: [], epub: undefined, epubVersion: 0, timings: {}, relaid: undefined };
  }

  onChange(listener: (state: PreviewState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Where the element with `id` is on the pages, for a link clicked in the page. */
  anchor(id: string): AnchorView | undefined {
    return this.anchors.get(id);
  }

  file(url: string): { bytes: Uint8Array; type: string } | undefined {
    const bytes = this.parts.get(url) ?? this.epubFiles.get(url) ?? (this.cover?.url === url ? this.cover.bytes : undefined);
    return bytes ? { bytes, type: contentType(url) } : undefined;
  }

  /** Pages open on the preview (server-sent event streams connected). */
  viewers = 0;
  private drawnVersion = -1;
  private drawnWaiters: (() => void)[] = [];

  /** An open page has drawn what it shows of state `version`. */
  drawn(version: number): void {
    this.drawnVersion = Math.max(this.drawnVersion, version);
    for (const wake of this.drawnWaiters.splice(0)) wake();
  }

  /**
   * Resolves when an open page has drawn state `version`, or after `ms`, or at once when no page
   * is open: the rest of the build waits for it, so that the page's drawing is not slowed by the
   * covers and PDFs being made beside it on the same cores.
   */
  async untilDrawn(version: number, ms: number, signal?: AbortSignal): Promise<void> {
    if (this.viewers === 0) return;
    const deadline = Date.now() + ms;
    const stop = (): void => {
      for (const wake of this.drawnWaiters.splice(0)) wake();
    };
    signal?.addEventListener('abort', stop, { once: true });
    while (this.drawnVersion < version && Date.now() < deadline && !signal?.aborted) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, deadline - Date.now()));
        this.drawnWaiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    signal?.removeEventListener('abort', stop);
  }

  building(changed: string[]): void {
    this.update({ building: true, phase: 'pages', changed });
  }

  /** The new pages, as soon as they are laid out: the page can show them before the build ends. */
  async laidOut(book: Book, layout: Layout, warnings: readonly string[], ms: number, stages: Record<string, number> = {}): Promise<void> {
    const pt = 72;
    const parts = new Map<string, Uint8Array>();
    const dressed = new Map<string, Uint8Array>();
    const views: PartView[] = [];
    for (const [i, laid] of layout.parts.entries()) {
      // A part's pages with their heads and folios, made again only when they may have changed.
      const key = partPdfKey(layout, i);
      const bytes = this.dressed.get(key) ?? (await partPdf(layout, i));
      dressed.set(key, bytes);
      const url = `/parts/${laid.part.key}-${short(bytes)}.pdf`;
      parts.set(url, bytes);
      const placement = layout.placements[i]!;
      views.push({
        key: laid.part.key,
        url,
        pageCount: laid.pageCount,
        blankBefore: placement.blankBefore,
        folios: Array.from({ length: laid.pageCount }, (_, k) => formatFolio(laid.part.folioStyle, placement.firstFolio + k)),
        title: laid.part.title,
        role: laid.part.role,
        sectionId: laid.part.section?.id,
        file: laid.part.section?.sourcePath,
      });
    }
    this.dressed = dressed;
    this.parts = parts;
    this.anchors = new Map(layout.parts.flatMap((laid) => [...laid.destinations].map(([id, d]) => [id, { part: laid.part.key, page: d.page, y: d.y }] as const)));
    for (const laid of layout.parts) for (const id of laid.part.ids) if (!this.anchors.has(id)) this.anchors.set(id, { part: laid.part.key, page: 0, y: layout.geometry.height * pt });
    const pages: PagesView = {
      width: layout.geometry.width * pt,
      height: layout.geometry.height * pt,
      parts: views,
      // As assemble.ts does: an even number of interior pages.
      blankAfter: layout.totalPages % 2 === 1,
      cover: this.cover?.url,
    };
    this.update({ title: book.config.title, phase: 'outputs', pages, errors: undefined, internalError: undefined, warnings: [...warnings], timings: { pages: Math.round(ms), stages }, relaid: { printed: layout.printed, parts: layout.documents.length } });
  }

  /** The whole build is done: its outputs, the EPUB's files, the cover page, all warnings. */
  async built(result: BuildResult, ms: number): Promise<void> {
    const epub = result.files.find((f) => f.format === 'epub');
    const sections: Record<string, string> = {};
    if (epub) {
      const entries = unzipSync(await readFile(epub.path));
      this.epubFiles = new Map(Object.entries(entries).map(([name, bytes]) => [`/epub/${name}`, bytes]));
      for (const s of result.book.sections) {
        const name = Object.keys(entries).find((n) => n.endsWith(`/${s.id}.xhtml`));
        if (name) sections[s.id] = `/epub/${name}`;
      }
    }
    const screen = result.files.find((f) => f.format === 'pdf');
    if (screen) {
      // The screen PDF's first page is its cover: the page shows it before the interior.
      const doc = await PDFDocument.load(await readFile(screen.path), { updateMetadata: false });
      const one = await PDFDocument.create({ updateMetadata: false });
      const [page] = await one.copyPages(doc, [0]);
      one.addPage(page!);
      const bytes = await one.save();
      this.cover = { url: `/cover-${short(bytes)}.pdf`, bytes };
    }
    const pages = this.state.pages ? { ...this.state.pages, cover: this.cover?.url } : undefined;
    this.update({
      building: false,
      pages,
      errors: undefined,
      internalError: undefined,
      warnings: result.warnings,
      // The files to download (the web edition is a folder: opened from dist/, not from here).
      outputs: result.files.filter((f) => f.format !== 'web').map((f) => ({ name: path.basename(f.path), url: `/outputs/${encodeURIComponent(path.basename(f.path))}`, bytes: f.bytes })),
      epub: epub ? sections : this.state.epub,
      epubVersion: this.state.epubVersion + (epub ? 1 : 0),
      timings: { ...this.state.timings, build: Math.round(ms) },
    });
  }

  failed(errors: ErrorReport[] | undefined, internal: string | undefined): void {
    this.update({ building: false, errors, internalError: internal });
  }

  private update(change: Partial<PreviewState>): void {
    this.state = { ...this.state, ...change, version: this.state.version + 1 };
    for (const listener of this.listeners) listener(this.state);
  }
}
