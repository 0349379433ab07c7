/**
 * Laid-out documents kept between builds, keyed by everything that decides their bytes: the
 * HTML, the stylesheet, the images it may show, the browser version. A rebuild after editing one
 * chapter prints only that chapter's document (and those whose page references moved); the
 * pages of the last layout seed the next one (pages.json).
 * The cache lives in the book folder's .cache/; set EBOOK_NO_CACHE=1 to bypass it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { FitFinding } from './fit.ts';
import { pruneCache, type CacheBudget } from '../cache-budget.ts';

/**
 * What the documents this build did not use may take: several versions of a long book's pages
 * (an edit undone finds its pages again); a month unused and they go.
 */
const BUDGET: CacheBudget = { bytes: 128 * 1024 * 1024, days: 30 };

export class PartCache {
  private constructor(
    private readonly dir: string | undefined,
    private readonly salt: string,
    /** Document keys with at least one printed version in the cache. */
    private readonly known: Set<string>,
  ) {}

  /** Files this build read or wrote: kept when the cache is pruned. */
  private readonly used = new Set<string>(['pages.json']);

  /** `salt`: what every part depends on (stylesheet, images, browser, builder version). */
  static async open(bookDir: string, salt: string[]): Promise<PartCache> {
    const none = new PartCache(undefined, '', new Set());
    if (process.env.EBOOK_NO_CACHE) return none;
    const dir = path.join(bookDir, '.cache', 'parts');
    try {
      await mkdir(dir, { recursive: true });
      const known = new Set((await readdir(dir)).map((f) => f.split('-')[0]!));
      return new PartCache(dir, hash(salt.join('\0')), known);
    } catch {
      return none; // a read-only book folder builds without a cache
    }
  }

  /** The key of a part's document. */
  htmlKey(html: string): string {
    return hash(`${this.salt}\0${html}`);
  }

  /** Whether some version of this document was printed before (its folios may differ). */
  knows(htmlKey: string): boolean {
    return this.known.has(htmlKey);
  }

  async get(htmlKey: string, css: string): Promise<Uint8Array | undefined> {
    if (!this.dir) return undefined;
    return readFile(this.file(htmlKey, css)).catch(() => undefined);
  }

  /** A document used without reading it again (the preview keeps the last build's parsed). */
  keep(htmlKey: string): void {
    this.used.add(pdfName(htmlKey, ''));
    this.used.add(findingsName(htmlKey));
  }

  /** Removes what this build did not use, beyond the budget (cache-budget.ts). */
  async prune(): Promise<void> {
    if (this.dir) await pruneCache(this.dir, this.used, BUDGET).catch(() => undefined);
  }

  async put(htmlKey: string, css: string, pdf: Uint8Array): Promise<void> {
    if (!this.dir) return;
    const file = this.file(htmlKey, css);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, pdf)
      .then(() => rename(temp, file))
      .catch(() => undefined); // a cache that cannot be written only costs time
  }

  /** What fitting the document to the page changed (fit.ts): it depends on the HTML alone. */
  async getFindings(htmlKey: string): Promise<FitFinding[] | undefined> {
    if (!this.dir) return undefined;
    const text = await readFile(this.findingsFile(htmlKey), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : (JSON.parse(text) as FitFinding[]);
  }

  async putFindings(htmlKey: string, findings: FitFinding[]): Promise<void> {
    if (!this.dir) return;
    const file = this.findingsFile(htmlKey);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify(findings))
      .then(() => rename(temp, file))
      .catch(() => undefined);
  }

  /** Where the ids fell in the last build, and its parts' page counts: the next layout starts from them. */
  async getSeed(): Promise<PageSeed | undefined> {
    if (!this.dir) return undefined;
    const text = await readFile(path.join(this.dir, 'pages.json'), 'utf8').catch(() => undefined);
    if (text === undefined) return undefined;
    try {
      const seed = JSON.parse(text) as PageSeed & { salt?: string }; // written by putSeed()
      return seed.salt === this.salt && Array.isArray(seed.pages) && Array.isArray(seed.counts) ? seed : undefined;
    } catch {
      return undefined;
    }
  }

  async putSeed(seed: PageSeed): Promise<void> {
    if (!this.dir) return;
    const file = path.join(this.dir, 'pages.json');
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, JSON.stringify({ salt: this.salt, ...seed }))
      .then(() => rename(temp, file))
      .catch(() => undefined);
  }

  /** Where a document's PDF is; using it keeps it when the cache is pruned. */
  private file(htmlKey: string, css: string): string {
    return this.usedFile(pdfName(htmlKey, css));
  }

  private findingsFile(htmlKey: string): string {
    return this.usedFile(findingsName(htmlKey));
  }

  private usedFile(name: string): string {
    this.used.add(name);
    return path.join(this.dir!, name);
  }
}

const pdfName = (htmlKey: string, css: string): string => `${htmlKey}-${hash(css).slice(0, 16)}.pdf`;
const findingsName = (htmlKey: string): string => `${htmlKey}.fit.json`;

/** Pages of the last layout: each id's page in the book and folio, and each part's page count. */
export interface PageSeed {
  pages: [string, { page: number; folio: string }][];
  counts: number[];
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Size and time of each file: enough to notice an edited image or stylesheet. */
export async function fileStamps(files: string[]): Promise<string[]> {
  return Promise.all(
    files.map(async (f) => {
      const info = await stat(f).catch(() => undefined);
      return `${f}:${info?.size ?? 0}:${info?.mtimeMs ?? 0}`;
    }),
  );
}
