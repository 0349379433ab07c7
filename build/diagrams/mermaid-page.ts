/**
 * The one browser tab that draws Mermaid diagrams. It is the only tab of a build that runs
 * JavaScript, and the only script it can run is the builder's own copy of Mermaid
 * (node_modules/mermaid/dist/mermaid.min.js): every request is checked, and only the page, that
 * file and the book's font files load; nothing from the network, nothing else from the disk. The
 * diagrams' sources reach the page as data (an evaluate argument), never as markup.
 *
 * The page declares the same @font-face rules as the print documents (build/fonts.ts), and waits
 * for the faces before drawing: Mermaid sizes every box from its label's measured width, so
 * labels measured in another face would not fit their boxes in the book.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, HTTPRequest } from 'puppeteer-core';
import { LABEL_TEXT_SETTINGS } from './svg-cleanup.ts';
import { WAIT_FOR_FONTS } from '../pdf/fonts-loaded.ts';

const require = createRequire(import.meta.url);

/** The bundled Mermaid, and its version (part of every cached drawing's key). */
export const MERMAID_SCRIPT = path.join(path.dirname(require.resolve('mermaid/package.json')), 'dist', 'mermaid.min.js');
export const MERMAID_VERSION = (require('mermaid/package.json') as { version: string }).version;

/** Mermaid's configuration for the book: see mermaidConfig. */
export type MermaidConfig = Record<string, unknown>;

/**
 * Labels as SVG text, never HTML in a <foreignObject> (e-readers and PDF tools drop those), in
 * the book's face; ids that depend only on the source; no script, link or HTML from a diagram
 * (securityLevel strict); the neutral theme, which prints in greys. Keys a diagram's own
 * `%%{init: …}%%` line may not change are listed in `secure`.
 */
export function mermaidConfig(fontFamily: string): MermaidConfig {
  return {
    startOnLoad: false,
    securityLevel: 'strict',
    deterministicIds: true,
    deterministicIDSeed: 'ebook',
    htmlLabels: false,
    flowchart: { htmlLabels: false },
    class: { htmlLabels: false },
    state: { htmlLabels: false },
    theme: 'neutral',
    fontFamily,
    themeVariables: { fontFamily },
    // Rounded shapes are drawn by rough.js, which is random unless seeded.
    handDrawnSeed: 1,
    secure: [
      'secure', 'securityLevel', 'startOnLoad', 'maxTextSize', 'suppressErrorRendering', 'maxEdges', 'dompurifyConfig',
      'htmlLabels', 'fontFamily', 'themeCSS', 'deterministicIds', 'deterministicIDSeed', 'handDrawnSeed',
    ],
  };
}

export type Drawn = { svg: string } | { error: string };

export interface PageOptions {
  config: MermaidConfig;
  /** @font-face rules (build/fonts.ts fontFaceCss), their url()s absolute file URLs. */
  fontFaces: string;
  fontFamily: string;
  language: string;
  timeoutMs: number;
}

export interface PageResult {
  drawn: Drawn[];
  /** Requests the page made and was refused ("url"). */
  refused: string[];
}

/**
 * What runs in the page, as source text: puppeteer serializes functions with toString(), and
 * the TypeScript compiler's helpers (esbuild's __name) would not exist there.
 * Each diagram is parsed first, so that a syntax error is Mermaid's message, not a drawing of it.
 */
const IN_PAGE = String.raw`async ({ sources, config, drawingId }) => {
  await (${WAIT_FOR_FONTS})();
  await Promise.all([...document.fonts].map((face) => face.load().catch(() => undefined)));
  const mermaid = window.mermaid;
  mermaid.initialize(config);
  const drawn = [];
  for (const source of sources) {
    try {
      await mermaid.parse(source);
      const { svg } = await mermaid.render(drawingId, source);
      const holder = document.createElement('div');
      holder.innerHTML = svg;
      drawn.push({ svg: new XMLSerializer().serializeToString(holder.firstElementChild) });
    } catch (e) {
      drawn.push({ error: String((e && e.message) || e) });
    } finally {
      for (const left of document.querySelectorAll('body > :not(script)')) left.remove();
    }
  }
  return drawn;
}`;

/** Draws `sources` in one new tab of `browser`, in order; the tab is closed after. */
export async function drawInBrowser(browser: Browser, sources: string[], drawingId: string, options: PageOptions): Promise<PageResult> {
  const workDir = await mkdtemp(path.join(os.tmpdir(), 'ebook-diagrams-'));
  const pageFile = path.join(workDir, 'diagrams.html');
  const script = pathToFileURL(MERMAID_SCRIPT).href;
  const fonts = [...options.fontFaces.matchAll(/url\("([^"]+)"\)/g)].map((m) => m[1]!);
  const allowed = new Set([pathToFileURL(pageFile).href, script, ...fonts]);
  await writeFile(
    pageFile,
    [
      '<!DOCTYPE html>',
      `<html lang="${escapeAttribute(options.language)}"><head><meta charset="utf-8">`,
      `<style>${options.fontFaces}\nbody { font-family: ${options.fontFamily}; ${LABEL_TEXT_SETTINGS} }</style>`,
      `<script src="${escapeAttribute(script)}"></script>`,
      '</head><body></body></html>',
    ].join('\n'),
  );
  const refused: string[] = [];
  const page = await browser.newPage();
  try {
    page.setDefaultTimeout(options.timeoutMs);
    await page.setRequestInterception(true);
    page.on('request', (request: HTTPRequest) => {
      const url = request.url();
      if (allowed.has(url) || url.startsWith('data:')) void request.continue().catch(() => undefined);
      else {
        refused.push(url);
        void request.abort('blockedbyclient').catch(() => undefined);
      }
    });
    await page.goto(pathToFileURL(pageFile).href, { waitUntil: 'load', timeout: options.timeoutMs });
    const drawn = await withTimeout(
      page.evaluate(`(${IN_PAGE})(${JSON.stringify({ sources, config: options.config, drawingId })})`) as Promise<Drawn[]>,
      options.timeoutMs,
    );
    return { drawn, refused };
  } finally {
    await page.close().catch(() => undefined);
    await rm(workDir, { recursive: true, force: true });
  }
}

async function withTimeout<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${Math.round(ms / 1000)} s drawing the diagrams`)), ms);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

const escapeAttribute = (s: string): string => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');
