/**
 * The preview, as an author uses it: on a copy of the fixture book, the server starts on a free
 * port of 127.0.0.1, a headless Chromium opens the page, and the book is edited on disk. The
 * page must show the edit by itself, show a broken book.yaml with its line over the last good
 * pages, and come back when it is fixed; the page must load nothing but the preview's own files.
 */
import { cpSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'puppeteer-core';
import { startPreview, type RunningPreview } from '../build/commands/preview.ts';
import { ensureBrowser, launchBrowser } from '../build/pdf/browser.ts';
import { FIXTURE_BOOK } from './helpers/paths.ts';

let dir: string;
let preview: RunningPreview;
let viewer: Browser;
let page: Page;
const requests: string[] = [];
const savedNoCache = process.env.EBOOK_NO_CACHE;

const lamp = (): string => path.join(dir, 'chapters', '01-the-lamp.md');
/** The text of the page's text layers (what pdf.js drew), lower-cased: small capitals are capitals in the PDF. */
const pageText = (): Promise<string> => page.evaluate(() => [...document.querySelectorAll('.textLayer')].map((t) => t.textContent ?? '').join('\n').toLowerCase());
const waitForText = (text: string): Promise<unknown> =>
  page.waitForFunction((t: string) => [...document.querySelectorAll('.textLayer')].some((l) => (l.textContent ?? '').toLowerCase().includes(t)), { timeout: 90_000 }, text);

beforeAll(async () => {
  // The preview works through the layout cache: on, for this copy of the book only.
  delete process.env.EBOOK_NO_CACHE;
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'preview-')), 'book');
  cpSync(FIXTURE_BOOK, dir, { recursive: true });
  preview = await startPreview({ bookDir: dir, outDir: path.join(dir, 'dist'), host: '127.0.0.1', port: 0, quiet: true });
  viewer = await launchBrowser(ensureBrowser(() => undefined));
  page = await viewer.newPage();
  page.on('request', (r) => requests.push(r.url()));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(preview.url);
  await page.waitForSelector('.textLayer', { timeout: 90_000 });
});

afterAll(async () => {
  await viewer?.close();
  await preview?.close();
  if (savedNoCache === undefined) delete process.env.EBOOK_NO_CACHE;
  else process.env.EBOOK_NO_CACHE = savedNoCache;
  if (dir) rmSync(path.dirname(dir), { recursive: true, force: true });
});

describe('the preview', () => {
  it('listens on 127.0.0.1 only, and answers only to its own name', async () => {
    expect(preview.server.host).toBe('127.0.0.1');
    expect(preview.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    // A page of another site whose name was pointed at 127.0.0.1 (DNS rebinding) is refused.
    const rebound = await new Promise<number>((resolve, reject) => {
      request({ host: '127.0.0.1', port: preview.server.port, path: '/state.json', headers: { Host: `evil.example:${preview.server.port}` } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      })
        .on('error', reject)
        .end();
    });
    expect(rebound).toBe(403);
    const state = await fetch(`${preview.url}state.json`);
    expect(state.headers.get('cache-control')).toBe('no-store');
  });

  it('shows the laid-out pages with their text, the contents and the warnings', async () => {
    const toc = await page.$$eval('#toc a', (links) => links.map((a) => a.textContent));
    expect(toc).toContain('The Lamp Room');
    expect(toc).toContain("The Keeper’s Log");
    await page.click('#toc a[data-part$="the-lamp"]');
    await waitForText('the lens gathered the light');
    // The fixture's lamp.png is under 300 ppi at its printed size: the build's warning is listed.
    const warnings = await page.$eval('#warnings', (ul) => ul.textContent ?? '');
    expect(warnings).toMatch(/01-the-lamp\.md:5: image lamp\.png prints at .* ppi/);
  });

  it('follows a link on the pages to its target, in another part', async () => {
    await page.click('#toc a[data-part$="the-lamp"]');
    await waitForText('the lens gathered the light');
    // The link's box lies over its words in the text layer.
    const link = await page.waitForSelector('.slot .links a[href="#the-log"]', { timeout: 30_000 });
    const [box, words] = await page.evaluate((a) => {
      const span = [...a.closest('.sheet')!.querySelectorAll('.textLayer span')].find((s) => s.textContent?.includes('keeper'))!;
      return [a.getBoundingClientRect().toJSON(), span.getBoundingClientRect().toJSON()] as DOMRect[];
    }, link!);
    expect(Math.abs(box!.top - words!.top)).toBeLessThan(12);
    await link!.click();
    // The chapter's first page now holds the top of the view, its heading in sight.
    await page.waitForFunction(() => {
      const view = document.getElementById('viewport')!.getBoundingClientRect();
      const sheet = document.querySelector('[data-id$="the-log:0"] .sheet')!.getBoundingClientRect();
      return sheet.top <= view.top + 20 && sheet.bottom > view.top + 100;
    }, { timeout: 10_000 });
    expect(await page.$eval('#toc a[aria-current="true"]', (a) => a.textContent)).toBe('The Keeper’s Log');
    // Back to the first chapter, which the edits below change.
    await page.click('#toc a[data-part$="the-lamp"]');
  });

  it('shows an edited chapter without a reload, where the reader was', async () => {
    await page.evaluate(() => {
      (window as unknown as { marker: number }).marker = 42;
    });
    const before = await page.evaluate(() => document.getElementById('viewport')!.scrollTop);
    writeFileSync(lamp(), readFileSync(lamp(), 'utf8').replace('into a beam that sailors', 'into a beam that weary sailors'));
    await waitForText('weary sailors');
    expect(await page.evaluate(() => (window as unknown as { marker?: number }).marker)).toBe(42);
    const after = await page.evaluate(() => document.getElementById('viewport')!.scrollTop);
    expect(Math.abs(after - before)).toBeLessThan(40);
  });

  it('shows a broken book.yaml over the last good pages, with its line, and recovers when it is fixed', async () => {
    const yaml = path.join(dir, 'book.yaml');
    const good = readFileSync(yaml, 'utf8');
    writeFileSync(yaml, good.replace('subtitle:', 'subtitel:'));
    await page.waitForFunction(() => !document.getElementById('errors')!.hidden, { timeout: 90_000 });
    const shown = await page.$eval('#errors', (e) => (e as HTMLElement).innerText);
    expect(shown).toContain('error: book.yaml:2: unknown field subtitel; did you mean subtitle?');
    expect(shown).toContain('2 | subtitel: A Small Fixture Book');
    expect(shown).toMatch(/\|\s\^{8}/);
    // The last good pages stay underneath.
    expect(await pageText()).toContain('weary sailors');
    writeFileSync(yaml, good);
    await page.waitForFunction(() => document.getElementById('errors')!.hidden, { timeout: 90_000 });
    expect(await page.$$eval('.textLayer', (layers) => layers.length)).toBeGreaterThan(0);
  });

  it('survives a renamed image: the error names the line and the new name, and the pages return', async () => {
    const images = path.join(dir, 'chapters', 'images');
    renameSync(path.join(images, 'lamp.png'), path.join(images, 'lamp-old.png'));
    await page.waitForFunction(() => (document.getElementById('errors')!.textContent ?? '').includes('lamp.png'), { timeout: 90_000 });
    const shown = await page.$eval('#errors', (e) => (e as HTMLElement).innerText);
    expect(shown).toContain('chapters/01-the-lamp.md:5: image "images/lamp.png" not found');
    expect(shown).toContain('fix: did you mean images/lamp-old.png?');
    renameSync(path.join(images, 'lamp-old.png'), path.join(images, 'lamp.png'));
    await page.waitForFunction(() => document.getElementById('errors')!.hidden, { timeout: 90_000 });
  });

  it('survives a deleted chapter: the link to it is shown broken, and the book returns with the file', async () => {
    const log = path.join(dir, 'chapters', '02-the-log.md');
    const text = readFileSync(log, 'utf8');
    rmSync(log);
    await page.waitForFunction(() => (document.getElementById('errors')!.textContent ?? '').includes('#the-log'), { timeout: 90_000 });
    const shown = await page.$eval('#errors', (e) => (e as HTMLElement).innerText);
    expect(shown).toContain('error: chapters/01-the-lamp.md:9: link to "#the-log", but no heading, note or element has that id');
    writeFileSync(log, text);
    await page.waitForFunction(() => document.getElementById('errors')!.hidden, { timeout: 90_000 });
  });

  it('survives a crashed browser: starts another and shows the next edit', async () => {
    await preview.session.idle();
    const pid = preview.session.browserPid;
    expect(pid).toBeGreaterThan(0);
    process.kill(pid!, 'SIGKILL');
    writeFileSync(lamp(), readFileSync(lamp(), 'utf8').replace('polished every morning', 'polished with care every morning'));
    await waitForText('with care every');
    expect(preview.session.browserPid).not.toBe(pid);
  });

  it('brings the EPUB view up to date, and loads nothing from anywhere but itself', async () => {
    await preview.session.idle();
    await page.click('[data-view="epub"]');
    await page.waitForFunction(() => (document.getElementById('epub-frame') as HTMLIFrameElement).src.includes('/epub/'), { timeout: 30_000 });
    const frame = await (await page.$('#epub-frame'))!.contentFrame();
    await frame!.waitForFunction(() => (document.body?.textContent ?? '').includes('weary sailors'), { timeout: 30_000 });
    await page.click('[data-view="pages"]');
    expect(requests.length).toBeGreaterThan(5);
    expect(requests.filter((u) => !u.startsWith(preview.url) && !u.startsWith('data:'))).toEqual([]);
  });
});
