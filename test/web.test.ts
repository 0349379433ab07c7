/**
 * The web edition, opened from file:// in headless Chromium: the landing page and its downloads,
 * navigation between sections (links and arrow keys), a note's pop-up and return, the search,
 * axe-core, a phone's width, requests that never leave the site's folder, the page budget, the
 * first render without JavaScript, no layout shift, the metadata and the print stylesheet. The
 * global set-up builds the technical book and the mini-book (which has notes) with `web`.
 */
import { createRequire } from 'node:module';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import puppeteer, { type Browser, type HTTPRequest, type Page } from 'puppeteer-core';
import { PDFDocument } from 'pdf-lib';
import { findBrowser } from '../build/pdf/browser.ts';
import { loadConfig } from '../build/config/load-config.ts';
import { loadSources } from '../build/sources/load-sources.ts';
import { buildModel } from '../build/model/build-model.ts';
import { loadTemplates } from '../build/render/templates.ts';
import { buildBook } from '../build/build.ts';
import { renderPages } from '../build/web/pages.ts';
import { linker } from '../build/web/links.ts';
import { sitemap } from '../build/web/metadata.ts';
import { FIXTURE_BOOK, FIXTURE_OUT, FIXTURE_SLUG, TECH_OUT, TECH_SLUG } from './helpers/paths.ts';

const require = createRequire(import.meta.url);
const TECH_SITE = path.join(TECH_OUT, `${TECH_SLUG}-web`);
const MINI_SITE = path.join(FIXTURE_OUT, `${FIXTURE_SLUG}-web`);
const url = (site: string, file: string): string => pathToFileURL(path.join(site, file)).href;

let browser: Browser;
/** Every request a page made outside its site's folder (refused). */
const strayRequests: string[] = [];

/** A page that may load only files inside `site` (and data: URLs); everything else is refused and noted. */
async function openPage(site: string, options: { width?: number; height?: number; javaScript?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage();
  await page.setViewport({ width: options.width ?? 1100, height: options.height ?? 900 });
  if (options.javaScript === false) await page.setJavaScriptEnabled(false);
  await page.setRequestInterception(true);
  const inside = pathToFileURL(site).href + '/';
  page.on('request', (request: HTTPRequest) => {
    const target = request.url();
    if (target.startsWith(inside) || target.startsWith('data:')) return void request.continue();
    strayRequests.push(`${page.url()} → ${target}`);
    return void request.abort();
  });
  page.on('pageerror', (e) => strayRequests.push(`script error on ${page.url()}: ${String(e)}`));
  return page;
}

const fileOf = (href: string): string => fileURLToPath(href.split('#')[0]!.split('?')[0]!);

beforeAll(async () => {
  const executablePath = findBrowser();
  if (!executablePath) throw new Error('no Chromium for the web edition tests');
  browser = await puppeteer.launch({ executablePath, headless: true, args: ['--no-sandbox', '--disable-gpu'] });
});
afterAll(async () => {
  await browser?.close();
});

/** The sections' pages in reading order, from the landing page's contents. */
async function readingOrder(page: Page): Promise<string[]> {
  await page.goto(url(TECH_SITE, 'index.html'));
  return page.$$eval('#contents > ol > li > a', (links) => links.map((a) => (a as HTMLAnchorElement).href));
}

describe('web edition: the landing page', () => {
  it('shows the cover, the facts of the print edition, and downloads whose files are in the folder with the sizes it states', async () => {
    const page = await openPage(TECH_SITE);
    await page.goto(url(TECH_SITE, 'index.html'), { waitUntil: 'load' });
    const cover = await page.$eval('.landing-cover img', (img) => {
      const r = img.getBoundingClientRect();
      return { loaded: img.complete && img.naturalWidth > 0, width: r.width, top: r.top, alt: img.alt, src: img.src };
    });
    expect(cover.loaded).toBe(true);
    expect(cover.width).toBeGreaterThan(150);
    expect(cover.top).toBeLessThan(900);
    expect(cover.alt).toMatch(/Shipping Small Services/);
    // The EPUB's cover, 1563 × 2500, as the covers stage made it.
    expect(readFileSync(fileOf(cover.src)).subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));

    const links = await page.$$eval('a.download', (as) =>
      as.map((a) => ({ href: (a as HTMLAnchorElement).href, size: a.querySelector('.download-size')!.textContent!, bytes: Number(a.getAttribute('data-bytes')), visible: a.getBoundingClientRect().height > 0 })),
    );
    expect(links.map((l) => path.basename(fileOf(l.href)))).toEqual([`${TECH_SLUG}.pdf`, `${TECH_SLUG}.epub`]);
    for (const link of links) {
      const file = fileOf(link.href);
      expect(path.dirname(file)).toBe(TECH_SITE);
      expect(link.visible).toBe(true);
      const bytes = statSync(file).size;
      expect(link.bytes).toBe(bytes);
      // "523 kB", "1.2 MB": SI units, rounded as written.
      const [, value, unit] = /^([\d.,]+)\s*(kB|MB)$/.exec(link.size.replace(/\u00a0/g, ' '))!;
      const stated = Number(value!.replace(/,/g, ''));
      const actual = unit === 'MB' ? bytes / 1e6 : bytes / 1e3;
      expect(Math.abs(stated - actual)).toBeLessThanOrEqual(unit === 'MB' ? 0.05 : 0.5);
      // The same file as the build's own output beside the site.
      expect(readFileSync(file).equals(readFileSync(path.join(TECH_OUT, path.basename(file))))).toBe(true);
    }
    // The print files are offered only with web.printFiles.
    expect(existsSync(path.join(TECH_SITE, `${TECH_SLUG}-print.pdf`))).toBe(false);

    const facts = await page.$$eval('.book-facts li', (lis) => lis.map((li) => li.textContent!.replace(/\s+/g, ' ').trim()));
    const printPages = (await PDFDocument.load(readFileSync(path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`)))).getPageCount();
    expect(facts[0]).toBe(`${printPages} pages in print`);
    expect(facts[1]).toMatch(/^[\d,]+ words$/);
    expect(Number(facts[1]!.replace(/\D/g, ''))).toBeGreaterThan(4000);
    expect(facts[2]).toMatch(/^\d+ minutes of reading$/);
    const contents = await page.$$eval('#contents a', (as) => as.map((a) => a.textContent!.replace(/\s+/g, ' ').trim()));
    expect(contents).toContain('Chapter 3 Measuring What Matters');
    await page.close();
  });

  it('tells link previews and search engines about the book and its editions, with nothing absolute without web.baseUrl', async () => {
    const html = readFileSync(path.join(TECH_SITE, 'index.html'), 'utf8');
    expect(html).toContain('<meta property="og:title" content="Shipping Small Services: A Field Guide to Code, Data and Deployment">');
    expect(html).toContain('<meta property="og:type" content="book">');
    expect(html).toContain('<meta property="book:author" content="Robin Castellanos">');
    expect(html).not.toMatch(/og:image|og:url|rel="canonical"/);
    expect(existsSync(path.join(TECH_SITE, 'sitemap.xml'))).toBe(false);
    const ld = JSON.parse(/<script type="application\/ld\+json">([\s\S]*?)<\/script>/.exec(html)![1]!);
    expect(ld['@type']).toBe('Book');
    expect(ld.author.map((a: { name: string }) => a.name)).toEqual(['Robin Castellanos', 'Mei Okafor']);
    const formats = ld.workExample.map((e: { bookFormat: string; encodingFormat?: string }) => `${e.bookFormat} ${e.encodingFormat ?? ''}`.trim());
    expect(formats).toEqual(['https://schema.org/Paperback', 'https://schema.org/EBook application/pdf', 'https://schema.org/EBook application/epub+zip']);
    const printPages = (await PDFDocument.load(readFileSync(path.join(TECH_OUT, `${TECH_SLUG}-print.pdf`)))).getPageCount();
    expect(ld.workExample[0].numberOfPages).toBe(printPages);
  });

  it('with web.baseUrl, gives canonical URLs, an absolute og:image and a sitemap', async () => {
    // The renderer alone, on the mini-book's model with a base URL: no layout needed for this.
    const config = await loadConfig(path.join(FIXTURE_BOOK, 'book.yaml'));
    const withBase = { ...config, web: { ...config.web, baseUrl: 'https://books.example.org/almanac/' } };
    const book = await buildModel(withBase, FIXTURE_BOOK, await loadSources(FIXTURE_BOOK));
    const pages = renderPages({
      book,
      templates: await loadTemplates(FIXTURE_BOOK),
      linker: linker(book, () => undefined),
      words: new Map(),
      printPageCount: 24,
      downloads: [],
      cover: { width: 1563, height: 2500 },
    });
    const landing = pages.find((p) => p.file === 'index.html')!.html;
    expect(landing).toContain('<link rel="canonical" href="https://books.example.org/almanac/">');
    expect(landing).toContain('<meta property="og:image" content="https://books.example.org/almanac/cover.jpg">');
    const chapter = pages.find((p) => p.file !== 'index.html' && p.file !== 'search.html')!;
    expect(chapter.html).toContain(`<link rel="canonical" href="https://books.example.org/almanac/${chapter.file}">`);
    // Links between pages stay relative: the canonical link is the one absolute href.
    const absolute = [...chapter.html.matchAll(/<[a-z]+\s[^>]*href="https?:[^"]*"[^>]*>/g)].map((m) => m[0]);
    expect(absolute).toEqual([`<link rel="canonical" href="https://books.example.org/almanac/${chapter.file}">`]);
    const map = sitemap(book, pages.map((p) => p.file), new Date('2024-01-02T00:00:00Z'))!;
    expect(map).toContain('<loc>https://books.example.org/almanac/</loc><lastmod>2024-01-02</lastmod>');
    expect(map).toContain(`<loc>https://books.example.org/almanac/${chapter.file}</loc>`);
  });
});

describe('web edition: reading', () => {
  it('goes from section to section both ways, by the links and by the arrow keys', async () => {
    const page = await openPage(TECH_SITE);
    const order = await readingOrder(page);
    expect(order.map((u) => path.basename(fileOf(u)))).toEqual(['preface.html', 'a-first-service.html', 'seeing-the-system.html', 'measuring.html', 'operating.html']);
    // Links: forward through the whole book, then back.
    await page.goto(order[0]!);
    for (let k = 1; k < order.length; k++) {
      await Promise.all([page.waitForNavigation(), page.click('.pager-next')]);
      expect(page.url()).toBe(order[k]);
    }
    expect(await page.$('.pager-next')).toBeNull();
    for (let k = order.length - 2; k >= 0; k--) {
      await Promise.all([page.waitForNavigation(), page.click('.pager-prev')]);
      expect(page.url()).toBe(order[k]);
    }
    // Arrow keys: right from the landing page to the first section, on, then left again.
    await page.goto(url(TECH_SITE, 'index.html'));
    await Promise.all([page.waitForNavigation(), page.keyboard.press('ArrowRight')]);
    expect(page.url()).toBe(order[0]);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('ArrowRight')]);
    expect(page.url()).toBe(order[1]);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('ArrowLeft')]);
    expect(page.url()).toBe(order[0]);
    await Promise.all([page.waitForNavigation(), page.keyboard.press('ArrowLeft')]);
    expect(page.url()).toBe(url(TECH_SITE, 'index.html'));
    // Typing in the search box is not turning the page.
    await page.focus('#site-search-q');
    await page.keyboard.press('ArrowLeft');
    await new Promise((r) => setTimeout(r, 200));
    expect(page.url()).toBe(url(TECH_SITE, 'index.html'));
    await page.close();
  });

  it('opens a note as a pop-up without moving the page, and returns to the place it was opened from', async () => {
    // A short screen, so that the chapter scrolls.
    const page = await openPage(MINI_SITE, { height: 400 });
    await page.goto(url(MINI_SITE, 'the-lamp.html'), { waitUntil: 'load' });
    const ref = await page.$eval('a.noteref', (a) => ({ id: a.id, href: a.getAttribute('href')! }));
    await page.$eval(`#${ref.id}`, (a) => a.scrollIntoView({ block: 'center' }));
    const before = await page.evaluate(() => window.scrollY);
    expect(before).toBeGreaterThan(0);
    await page.click(`#${ref.id}`);
    await page.waitForFunction((id) => window.location.hash === `#${id}`, {}, ref.href.slice(1));
    const note = await page.$eval(ref.href, (n) => {
      const r = n.getBoundingClientRect();
      return { position: getComputedStyle(n).position, top: r.top, bottom: r.bottom, text: n.textContent!.trim(), back: n.querySelector('.note-back')!.getAttribute('href') };
    });
    expect(note.position).toBe('fixed');
    expect(note.top).toBeGreaterThanOrEqual(0);
    expect(note.bottom).toBeLessThanOrEqual(401);
    expect(note.text.length).toBeGreaterThan(10);
    expect(note.back).toBe(`#${ref.id}`);
    expect(await page.evaluate(() => window.scrollY)).toBe(before);
    // Back: the pop-up closes and the page is where it was.
    await page.click(`${ref.href} .note-back`);
    await page.waitForFunction((id) => window.location.hash !== `#${id}`, {}, ref.href.slice(1));
    await new Promise((r) => setTimeout(r, 100));
    expect(await page.$eval(ref.href, (n) => getComputedStyle(n).position)).toBe('static');
    expect(await page.evaluate(() => window.scrollY)).toBe(before);
    // Escape closes it too.
    await page.click(`#${ref.id}`);
    await page.waitForFunction((id) => window.location.hash === `#${id}`, {}, ref.href.slice(1));
    await page.keyboard.press('Escape');
    await page.waitForFunction((id) => window.location.hash !== `#${id}`, {}, ref.href.slice(1));
    // Without the script, the link and the back link still go both ways.
    const plain = await openPage(MINI_SITE, { height: 400, javaScript: false });
    await plain.goto(`${url(MINI_SITE, 'the-lamp.html')}${ref.href}`);
    expect(await plain.$eval(ref.href, (n) => getComputedStyle(n).position)).toBe('fixed');
    await plain.click(`${ref.href} .note-back`);
    await plain.waitForFunction((id) => window.location.hash === `#${id}`, {}, ref.id);
    const refBox = await plain.$eval(`#${ref.id}`, (a) => a.getBoundingClientRect().top);
    expect(refBox).toBeGreaterThanOrEqual(0);
    expect(refBox).toBeLessThan(400);
    await plain.close();
    await page.close();
  });

  it('finds chapter 3 when the reader searches for a word of chapter 3, loading the index only then', async () => {
    const page = await openPage(TECH_SITE);
    const loaded: string[] = [];
    page.on('request', (r) => loaded.push(path.basename(r.url().split('?')[0]!)));
    await page.goto(url(TECH_SITE, 'measuring.html'), { waitUntil: 'load' });
    expect(loaded).not.toContain('search-index.js');
    expect(loaded).not.toContain('minisearch.js');
    await page.type('#site-search-q', 'histogram');
    await Promise.all([page.waitForNavigation(), page.keyboard.press('Enter')]);
    expect(page.url()).toBe(`${url(TECH_SITE, 'search.html')}?q=histogram`);
    await page.waitForSelector('#search-results li a');
    expect(loaded).toContain('search-index.js');
    const hits = await page.$$eval('#search-results li', (lis) =>
      lis.map((li) => ({ href: li.querySelector('a')!.href, where: li.querySelector('.search-section')!.textContent, mark: li.querySelector('mark')?.textContent })),
    );
    expect(hits.length).toBeGreaterThan(0);
    expect(hits.every((h) => fileOf(h.href) === path.join(TECH_SITE, 'measuring.html'))).toBe(true);
    expect(hits[0]!.where).toBe('Chapter 3. Measuring What Matters');
    expect(hits[0]!.mark?.toLowerCase()).toBe('histogram');
    // The hit opens the chapter at its heading.
    await Promise.all([page.waitForNavigation(), page.click('#search-results li a')]);
    expect(fileOf(page.url())).toBe(path.join(TECH_SITE, 'measuring.html'));
    // Typing on the search page searches as the reader types; a word nowhere in the book finds nothing.
    await page.goto(url(TECH_SITE, 'search.html'));
    await page.type('#search-q', 'xylophonic');
    await page.waitForFunction(() => document.getElementById('search-status')!.textContent!.includes('xylophonic'));
    expect(await page.$$('#search-results li')).toHaveLength(0);
    await page.close();
  });
});

describe('web edition: quality', () => {
  it('has no serious or critical axe-core violation on the landing page and two chapters, light and dark', async () => {
    const axe = require.resolve('axe-core/axe.min.js');
    const page = await openPage(TECH_SITE);
    const found: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMediaFeatures([{ name: 'prefers-color-scheme', value: scheme }]);
      for (const file of ['index.html', 'seeing-the-system.html', 'measuring.html']) {
        await page.goto(url(TECH_SITE, file), { waitUntil: 'load' });
        await page.addScriptTag({ path: axe });
        const violations = await page.evaluate(async () => {
          // @ts-expect-error axe is the global the injected script defines
          const result = await window.axe.run(document, { resultTypes: ['violations'] });
          return (result.violations as { id: string; impact: string; nodes: { target: string[] }[] }[]).map((v) => ({ id: v.id, impact: v.impact, nodes: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
        });
        for (const v of violations) if (v.impact === 'serious' || v.impact === 'critical') found.push(`${scheme} ${file}: ${v.id} (${v.impact}) at ${v.nodes.join(', ')}`);
      }
    }
    expect(found).toEqual([]);
    await page.close();
  });

  it('never scrolls sideways on a 375 px phone', async () => {
    const page = await openPage(TECH_SITE, { width: 375 });
    const pages = ['index.html', 'search.html', ...(await readingOrder(page)).map((u) => path.basename(fileOf(u)))];
    const wide: string[] = [];
    for (const file of pages) {
      await page.goto(url(TECH_SITE, file), { waitUntil: 'load' });
      const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
      if (scroll > client) wide.push(`${file}: ${scroll} px wide in ${client}`);
    }
    expect(wide).toEqual([]);
    await page.close();
  });

  it('renders the text without JavaScript, within 150 KB before images, without layout shift', async () => {
    const plain = await openPage(TECH_SITE, { javaScript: false });
    await plain.goto(url(TECH_SITE, 'measuring.html'), { waitUntil: 'load' });
    expect(await plain.$eval('main', (m) => m.innerText.length)).toBeGreaterThan(10_000);
    expect(await plain.$eval('.pager-next', (a) => a.getBoundingClientRect().height)).toBeGreaterThan(0);
    await plain.goto(url(TECH_SITE, 'index.html'), { waitUntil: 'load' });
    expect(await plain.$$eval('a.download', (as) => as.length)).toBe(2);
    await plain.close();

    const page = await openPage(TECH_SITE);
    const files = new Set<string>();
    page.on('requestfinished', (r) => {
      if (r.resourceType() !== 'image') files.add(fileOf(r.url()));
    });
    for (const file of ['measuring.html', 'a-first-service.html']) {
      files.clear();
      await page.goto(url(TECH_SITE, file), { waitUntil: 'networkidle0' });
      await page.evaluate(() => document.fonts.ready);
      const bytes = [...files].reduce((n, f) => n + statSync(f).size, 0);
      expect([...files].some((f) => f.endsWith('.woff2'))).toBe(true);
      expect(bytes, `${file}: ${[...files].map((f) => `${path.basename(f)} ${statSync(f).size}`).join(', ')}`).toBeLessThan(150_000);
      // The book's face is the one that sets the text.
      expect(await page.evaluate(() => document.fonts.check('16px Literata'))).toBe(true);
    }
    await page.close();
  });

  it('does not move when its fonts arrive: nothing once they are at hand, little on a first visit', async () => {
    /**
     * The layout shift score a reader sees while `file` loads: the shifts after the first paint
     * (a layout redone before anything was painted moves nothing on the screen).
     */
    const shifts = async (page: Page, file: string): Promise<number> => {
      await page.goto(url(TECH_SITE, file), { waitUntil: 'networkidle0' });
      await page.evaluate(() => document.fonts.ready);
      await new Promise((r) => setTimeout(r, 100));
      return page.evaluate(() => {
        const paint = performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? 0;
        const seen = (window as unknown as { shifts: { at: number; value: number }[] }).shifts.filter((s) => s.at > paint);
        return seen.reduce((n, s) => n + s.value, 0);
      });
    };
    const watch = (page: Page): Promise<unknown> =>
      page.evaluateOnNewDocument(() => {
        const all: { at: number; value: number }[] = [];
        (window as unknown as { shifts: typeof all }).shifts = all;
        new PerformanceObserver((list) => {
          for (const e of list.getEntries()) all.push({ at: e.startTime, value: (e as unknown as { value: number }).value });
        }).observe({ type: 'layout-shift', buffered: true });
      });
    const pages = ['index.html', 'preface.html', 'a-first-service.html', 'seeing-the-system.html', 'measuring.html', 'operating.html'];
    const cold: string[] = [];
    const warm: string[] = [];
    for (const file of pages) {
      // A first visit: a new context, nothing cached; the metric fallbacks keep a late swap small.
      const context = await browser.createBrowserContext();
      const page = await context.newPage();
      await page.setViewport({ width: 1100, height: 900 });
      await watch(page);
      const first = await shifts(page, file);
      if (first >= 0.1) cold.push(`${file}: ${first.toFixed(3)}`);
      // The next page of the visit.
      const again = await shifts(page, file);
      // Fonts at hand: nothing a reader would notice (0.1 is the web's own "good" layout-shift score;
      // on a loaded machine a late image decode alone can cost a few hundredths).
      if (again >= 0.1) warm.push(`${file}: ${again.toFixed(3)}`);
      await context.close();
    }
    expect(cold).toEqual([]);
    expect(warm).toEqual([]);
  });

  it('prints a chapter without the site around it, its notes as endnotes', async () => {
    const page = await openPage(MINI_SITE);
    await page.goto(url(MINI_SITE, 'the-lamp.html'));
    const ref = await page.$eval('a.noteref', (a) => a.getAttribute('href')!);
    await page.goto(`${url(MINI_SITE, 'the-lamp.html')}${ref}`);
    await page.emulateMediaType('print');
    const shown = await page.evaluate((id) => ({
      header: getComputedStyle(document.querySelector('.site-header')!).display,
      pager: getComputedStyle(document.querySelector('.pager')!).display,
      note: getComputedStyle(document.querySelector(id)!).position,
      text: getComputedStyle(document.body).color,
    }), ref);
    expect(shown).toEqual({ header: 'none', pager: 'none', note: 'static', text: 'rgb(0, 0, 0)' });
    await page.close();
  });

  it('loads nothing from outside its folder, on any page', async () => {
    // Every page of both sites, once more, with the search run; the earlier tests noted theirs.
    for (const site of [TECH_SITE, MINI_SITE]) {
      const page = await openPage(site);
      await page.goto(url(site, 'index.html'), { waitUntil: 'load' });
      const all = await page.$$eval('#contents > ol > li > a', (as) => as.map((a) => (a as HTMLAnchorElement).href));
      for (const href of all) await page.goto(href, { waitUntil: 'load' });
      await page.goto(`${url(site, 'search.html')}?q=the`, { waitUntil: 'load' });
      await page.waitForSelector('#search-results li');
      await page.close();
    }
    expect(strayRequests).toEqual([]);
  });
});

describe('web edition: written with the other outputs', () => {
  it('leaves the previous site untouched when a build fails after making the new one', async () => {
    const out = mkdtempSync(path.join(os.tmpdir(), 'web-atomic-'));
    try {
      const site = path.join(out, `${FIXTURE_SLUG}-web`);
      cpSync(MINI_SITE, site, { recursive: true });
      const before = readdirSync(site, { recursive: true }).map(String).sort();
      const index = readFileSync(path.join(site, 'index.html'));
      // --strict turns the mini-book's resolution warning into an error, once every output is made.
      await expect(buildBook({ bookDir: FIXTURE_BOOK, outDir: out, formats: ['web'], strict: true })).rejects.toThrow(/an error with --strict/);
      expect(readdirSync(out)).toEqual([`${FIXTURE_SLUG}-web`]);
      expect(readdirSync(site, { recursive: true }).map(String).sort()).toEqual(before);
      expect(readFileSync(path.join(site, 'index.html')).equals(index)).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
