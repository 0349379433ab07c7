/**
 * Loads HTML files and prints them to PDF in one browser tab, guarded: every request is checked
 * (only files inside the allowed folders load; the network and the rest of the disk are refused
 * and reported), each step has a time limit, and a crashed tab is replaced and the step retried
 * once. Loading and printing are separate steps so that one tab can load while another prints.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { BookError } from '../errors.ts';
import type { PageGeometry } from '../render/page-geometry.ts';
import { finishMeasuring, fitOptions, fitToPage, prepareTab, type FitFinding } from './fit.ts';
import { dropUnusedSoftHyphens, keepAllSoftHyphens } from './soft-hyphens.ts';
import { waitForFonts } from './fonts-loaded.ts';

export class PartPrinter {
  private page: Page | undefined;
  private roots: string[] = [];
  /** Requests refused, for the build's warnings: "url (from file)". */
  readonly refused = new Set<string>();
  private disconnected = false;
  /** The text block width each tab was set up for (fit.ts prepareTab). */
  private readonly preparedWidth = new WeakMap<Page, number | undefined>();

  constructor(
    private readonly browser: Browser,
    allowedRoots: string[],
    private readonly timeoutMs: number,
  ) {
    this.allow(allowedRoots);
    browser.once('disconnected', () => {
      this.disconnected = true;
    });
  }

  /** The folders this tab's pages may load from, from now on (a kept tab serves several builds). */
  allow(allowedRoots: string[]): void {
    this.roots = allowedRoots.map((r) => safeRealpath(r));
    this.refused.clear();
    this.verdicts.clear();
  }

  /** Each file URL's verdict, found once: every document asks for the same fonts and stylesheet. */
  private readonly verdicts = new Map<string, boolean>();

  private loaded: { file: string; what: string; geometry: PageGeometry | undefined } | undefined;

  /**
   * Loads `file` (its fonts and images too) and fits it to the page (fit.ts), returning what had
   * to be changed; `what` names it in messages ("chapters/01-intro.md").
   */
  async load(file: string, what: string, geometry: PageGeometry): Promise<FitFinding[]> {
    this.loaded = { file, what, geometry };
    return this.guard(what, () => this.attemptLoad(file, geometry));
  }

  /** Loads `file` as it is, without fitting it (the running heads and folios: margin boxes only). */
  async loadPlain(file: string, what: string): Promise<void> {
    this.loaded = { file, what, geometry: undefined };
    await this.guard(what, () => this.attemptLoad(file, undefined));
  }

  /** Prints the loaded file, with `css` added first; `tagged`: with a structure tree. */
  async print(css: string, options: { tagged: boolean }): Promise<Uint8Array> {
    const { file, what, geometry } = this.loaded!;
    return this.guard(what, () => this.attemptPrint(css, options.tagged), async () => {
      await this.attemptLoad(file, geometry);
      return this.attemptPrint(css, options.tagged);
    });
  }

  /** Runs `work`; after a crash or a hang, runs `retry` (default: `work`) once in a fresh tab. */
  private async guard<T>(what: string, work: () => Promise<T>, retry: () => Promise<T> = work): Promise<T> {
    try {
      return await work();
    } catch (first) {
      if (this.disconnected) throw new BookError(`the browser quit while laying out ${what}; the build stopped and no output was changed`);
      if (first instanceof BookError) throw first;
      await this.page?.close().catch(() => undefined);
      this.page = undefined;
      try {
        return await retry();
      } catch (second) {
        if (second instanceof BookError) throw second;
        const reason = (second as Error).message.split('\n')[0];
        throw new BookError(`the browser failed twice while laying out ${what} (${reason}); the build stopped and no output was changed`);
      }
    }
  }

  async close(): Promise<void> {
    const page = this.page ?? (await this.opening?.catch(() => undefined));
    await page?.close().catch(() => undefined);
  }

  private async attemptLoad(file: string, geometry: PageGeometry | undefined): Promise<FitFinding[]> {
    const page = await this.livePage();
    const width = geometry ? fitOptions(geometry).width : undefined;
    if (geometry && this.preparedWidth.get(page) !== width) {
      await prepareTab(page, geometry);
      this.preparedWidth.set(page, width);
    }
    await withTimeout(page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: this.timeoutMs }), this.timeoutMs, 'loading the page');
    // The fonts, before the print (which does not wait for them: fonts-loaded.ts).
    if (!geometry) return waitForFonts(page).then(() => []);
    return withTimeout(
      (async () => {
        const findings = await fitToPage(page, geometry);
        // After the fit: a table set smaller or turned breaks its lines anew.
        if (!keepAllSoftHyphens()) await dropUnusedSoftHyphens(page, fitOptions(geometry).width);
        await finishMeasuring(page);
        return findings;
      })(),
      this.timeoutMs,
      'measuring the page',
    );
  }

  private async attemptPrint(css: string, tagged: boolean): Promise<Uint8Array> {
    const page = await this.livePage();
    let crashed: Error | undefined;
    const onCrash = (e: Error): void => {
      crashed = e;
    };
    page.once('error', onCrash);
    try {
      if (css) await page.addStyleTag({ content: css });
      const pdf = await withTimeout(
        page.pdf({ preferCSSPageSize: true, printBackground: true, tagged, outline: false, waitForFonts: false, timeout: this.timeoutMs }),
        this.timeoutMs,
        'printing',
      );
      if (crashed) throw crashed;
      return pdf;
    } finally {
      page.off('error', onCrash);
    }
  }

  /**
   * Opens the tab now, before anything is loaded in it: its renderer starts while the build does
   * other work (a tab's first start costs about half a second).
   */
  open(): void {
    this.livePage().catch(() => undefined); // a tab that failed to open is opened again by load()
  }

  /** The tab being opened: one, however many ask at once. */
  private opening: Promise<Page> | undefined;

  private livePage(): Promise<Page> {
    if (this.page && !this.page.isClosed()) return Promise.resolve(this.page);
    this.opening ??= this.newPage().finally(() => {
      this.opening = undefined;
    });
    return this.opening;
  }

  private async newPage(): Promise<Page> {
    if (this.disconnected || !this.browser.connected) throw new BookError('the browser is no longer running; the build stopped and no output was changed');
    const page = await this.browser.newPage();
    // The print templates need no script; with scripts off, none from a book can ever run here.
    await page.setJavaScriptEnabled(false);
    await page.setRequestInterception(true);
    page.on('request', (request) => void this.filter(request));
    this.page = page;
    return page;
  }

  private async filter(request: HTTPRequest): Promise<void> {
    const url = request.url();
    if (url.startsWith('data:') || this.allowed(url)) {
      await request.continue().catch(() => undefined);
      return;
    }
    const from = request.frame()?.url() ?? '';
    this.refused.add(`${url}${from ? ` (from ${path.basename(from)})` : ''}`);
    await request.abort('blockedbyclient').catch(() => undefined);
  }

  private allowed(url: string): boolean {
    let verdict = this.verdicts.get(url);
    if (verdict === undefined) this.verdicts.set(url, (verdict = this.inRoots(url)));
    return verdict;
  }

  private inRoots(url: string): boolean {
    if (!url.startsWith('file:')) return false;
    let file: string;
    try {
      file = safeRealpath(fileURLToPath(url));
    } catch {
      return false;
    }
    return this.roots.some((root) => file === root || file.startsWith(root + path.sep));
  }
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return path.resolve(p);
  }
}

/** Puppeteer's own timeouts do not cover a renderer that stops answering; this one does. */
async function withTimeout<T>(work: Promise<T>, ms: number, doing: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s ${doing}`)), ms + 1000);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}
