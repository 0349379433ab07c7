/**
 * Prints HTML files to PDF in one browser tab, guarded: every request is checked (only files
 * inside the allowed folders load; the network and the rest of the disk are refused and
 * reported), each print has a time limit, and a crashed tab is replaced and the print retried once.
 */
import { realpathSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, HTTPRequest, Page } from 'puppeteer-core';
import { BookError } from '../errors.ts';

export class PartPrinter {
  private page: Page | undefined;
  private readonly roots: string[];
  /** Requests refused, for the build's warnings: "url (from file)". */
  readonly refused = new Set<string>();
  private disconnected = false;

  constructor(
    private readonly browser: Browser,
    allowedRoots: string[],
    private readonly timeoutMs: number,
  ) {
    this.roots = allowedRoots.map((r) => safeRealpath(r));
    browser.once('disconnected', () => {
      this.disconnected = true;
    });
  }

  /** Prints `file`; `what` names it in messages ("chapters/01-intro.md"). */
  async print(file: string, what: string): Promise<Uint8Array> {
    try {
      return await this.attempt(file);
    } catch (first) {
      if (this.disconnected) throw new BookError(`the browser quit while laying out ${what}; the build stopped and no output was changed`);
      if (first instanceof BookError) throw first;
      // A crashed or hung tab: start a fresh one and try once more.
      await this.page?.close().catch(() => undefined);
      this.page = undefined;
      try {
        return await this.attempt(file);
      } catch (second) {
        if (second instanceof BookError) throw second;
        const reason = (second as Error).message.split('\n')[0];
        throw new BookError(`the browser failed twice while laying out ${what} (${reason}); the build stopped and no output was changed`);
      }
    }
  }

  async close(): Promise<void> {
    await this.page?.close().catch(() => undefined);
  }

  private async attempt(file: string): Promise<Uint8Array> {
    const page = await this.livePage();
    let crashed: Error | undefined;
    const onCrash = (e: Error): void => {
      crashed = e;
    };
    page.once('error', onCrash);
    try {
      await withTimeout(page.goto(pathToFileURL(file).href, { waitUntil: 'load', timeout: this.timeoutMs }), this.timeoutMs, 'loading the page');
      const pdf = await withTimeout(
        page.pdf({ preferCSSPageSize: true, printBackground: true, tagged: false, outline: false, timeout: this.timeoutMs }),
        this.timeoutMs,
        'printing',
      );
      if (crashed) throw crashed;
      return pdf;
    } finally {
      page.off('error', onCrash);
    }
  }

  private async livePage(): Promise<Page> {
    if (this.page && !this.page.isClosed()) return this.page;
    if (this.disconnected || !this.browser.connected) throw new BookError('the browser is no longer running; the build stopped and no output was changed');
    const page = await this.browser.newPage();
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
