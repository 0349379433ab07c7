/**
 * The diagrams stage: draws every Mermaid diagram of the book in the build's one browser, before
 * any output is made, and hands back each drawing as inline SVG (for attachDiagrams, in the
 * model). It runs only for a book that has diagrams; Mermaid is loaded only when a drawing is
 * not in the cache.
 *
 * Drawings are kept in the book folder's .cache/diagrams/, keyed by everything that decides
 * them: the source, Mermaid's version and configuration, the font packages, the browser's
 * version. An unchanged diagram costs nothing on a rebuild (no tab is opened when every drawing
 * is cached). EBOOK_NO_CACHE=1 bypasses the cache. What is cached is Mermaid's own drawing; the
 * cleanup (svg-cleanup.ts), which names ids after the diagram's place in the book, runs on every
 * build, so a cached drawing moved to another chapter comes out right.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Browser } from 'puppeteer-core';
import { BookError, throwIfAny } from '../errors.ts';
import type { Diagram } from '../model/book.ts';
import { fontFaceCss, fontFamilyValue, fontStackFor, type FontFamily } from '../fonts.ts';
import { browserTimeoutMs } from '../pdf/browser.ts';
import { drawInBrowser, MERMAID_VERSION, mermaidConfig } from './mermaid-page.ts';
import { DRAWING_ID, finishSvg, LABEL_TEXT_SETTINGS, SVG_SCALE } from './svg-cleanup.ts';
import { pageGeometry } from '../render/page-geometry.ts';
import type { BookConfig } from '../config/schema.ts';
import { pruneCache, type CacheBudget } from '../cache-budget.ts';

const require = createRequire(import.meta.url);

export interface DiagramsOptions {
  browser: Browser;
  bookDir: string;
  language: string;
  /** book.yaml's print settings: the text block a drawing is fitted to, for the size warning. */
  print: BookConfig['print'];
}

/** KDP's smallest type size (as for tables, build/pdf/fit.ts): labels fitted below it are reported. */
const MIN_LABEL_PT = 7;
/** Labels as drawn: Mermaid's 16px, at SVG_SCALE. */
const LABEL_PT = 16 * SVG_SCALE * 0.75;
/** print.css: figure.diagram > svg.mermaid { max-height: min(6.5in, 80vh) }. */
const MAX_HEIGHT_IN = 6.5;
const MAX_HEIGHT_SHARE = 0.8;

export interface RenderedDiagrams {
  /** Diagram.id → inline SVG. */
  drawings: Map<string, string>;
  /** Drawn by Mermaid in this build, and taken from the cache. */
  drawn: number;
  reused: number;
  warnings: string[];
}

export async function renderDiagrams(diagrams: Diagram[], options: DiagramsOptions): Promise<RenderedDiagrams> {
  const fonts = fontStackFor(options.language);
  const fontFamily = fontFamilyValue(fonts);
  const config = mermaidConfig(fontFamily);
  const salt = [MERMAID_VERSION, JSON.stringify(config), LABEL_TEXT_SETTINGS, fontVersions(fonts), await options.browser.version()].join('\0');
  const cache = await DiagramCache.open(options.bookDir);

  // One drawing per distinct source: the same diagram twice is drawn once.
  const keys = diagrams.map((d) => hash(`${salt}\0${d.source}`));
  const raw = new Map<string, string>();
  for (const key of new Set(keys)) {
    const cached = await cache.get(key);
    if (cached !== undefined) raw.set(key, cached);
  }
  const missing = [...new Set(keys)].filter((k) => !raw.has(k));
  const warnings: string[] = [];
  const errors: BookError[] = [];
  if (missing.length > 0) {
    const sources = missing.map((k) => diagrams[keys.indexOf(k)]!.source);
    const page = await drawInBrowser(options.browser, sources, DRAWING_ID, {
      config,
      fontFamily,
      // The faces the labels need, as the print documents declare them.
      fontFaces: fontFaceCss(fonts, sources.join('\n')),
      language: options.language,
      timeoutMs: browserTimeoutMs(),
    }).catch((e: Error) => {
      if (!options.browser.connected) throw new BookError('the browser quit while drawing the diagrams; the build stopped and no output was changed');
      throw new BookError(`the browser failed while drawing the diagrams (${e.message.split('\n')[0]}); the build stopped and no output was changed`);
    });
    warnings.push(...page.refused.map((url) => `the diagram page tried to load ${url}; refused (diagrams are drawn with nothing but Mermaid and the book's fonts)`));
    for (const [k, key] of missing.entries()) {
      const result = page.drawn[k]!;
      if ('svg' in result) {
        raw.set(key, result.svg);
        await cache.put(key, result.svg);
      } else {
        for (const d of diagrams.filter((_, i) => keys[i] === key)) errors.push(syntaxError(d, result.error));
      }
    }
  }
  throwIfAny(errors);
  await cache.prune(new Set(keys));
  const drawings = new Map<string, string>();
  diagrams.forEach((d, i) => {
    const finished = finishSvg(raw.get(keys[i]!)!, { id: d.id, title: d.title });
    for (const problem of finished.problems) {
      errors.push(new BookError(`this diagram cannot go in the book: ${problem}`, { file: d.file, line: d.line }));
    }
    drawings.set(d.id, finished.svg);
    const pt = fittedLabelSize(finished, options.print);
    if (pt < MIN_LABEL_PT) {
      warnings.push(`${d.file}:${d.line}: this diagram is larger than the page's text block, and its labels print at ${pt.toFixed(1)} pt to fit it; draw it in the other direction (flowchart TB instead of LR), or split it`);
    }
  });
  throwIfAny(errors);
  return { drawings, drawn: missing.length, reused: new Set(keys).size - missing.length, warnings };
}

/**
 * Mermaid's message, at the line of the book it names: "Parse error on line 3:" counts the
 * diagram's own lines, the first after the opening fence being 1.
 */
export function syntaxError(d: Diagram, message: string): BookError {
  const lines = d.source.replace(/\n$/, '').split('\n').length;
  const at = /\bline (\d+)/i.exec(message);
  const k = at ? Math.min(Math.max(Number(at[1]), 1), lines) : 1;
  const detail = message
    .replace(/^(?:UnknownDiagramError: )?/, '')
    .replace(/^Parse error on line \d+:\n?/, '')
    .trim();
  return new BookError(`Mermaid cannot read this diagram (line ${k} of the diagram): ${detail}`, { file: d.file, line: d.line + k });
}

/** The size its labels print at in the PDFs once the stylesheet has fitted it to the text block (CSS px → pt). */
function fittedLabelSize(svg: { width: number; height: number }, print: BookConfig['print']): number {
  if (svg.width <= 0 || svg.height <= 0) return LABEL_PT;
  const page = pageGeometry(print, 0);
  const textWidth = (page.width - page.inside - page.outside) * 96;
  const maxHeight = Math.min(MAX_HEIGHT_IN, MAX_HEIGHT_SHARE * (page.height - page.top - page.bottom)) * 96;
  return LABEL_PT * Math.min(1, textWidth / svg.width, maxHeight / svg.height);
}

/** The font packages' versions: a new version may change the glyphs' widths, so the layout. */
function fontVersions(fonts: FontFamily[]): string {
  return fonts
    .map((f) => {
      try {
        return `${f.package}@${(require(`${f.package}/package.json`) as { version: string }).version}`;
      } catch {
        return f.package;
      }
    })
    .join(',');
}

const hash = (text: string): string => createHash('sha256').update(text).digest('hex').slice(0, 32);

/** Drawings kept beyond this build's: many edits' worth of a book's diagrams, none a month unused. */
const DIAGRAM_BUDGET: CacheBudget = { bytes: 16 * 1024 * 1024, days: 30 };

/** The drawings of earlier builds, in <book>/.cache/diagrams/<key>.svg (see build/pdf/part-cache.ts). */
class DiagramCache {
  private constructor(private readonly dir: string | undefined) {}

  static async open(bookDir: string): Promise<DiagramCache> {
    if (process.env.EBOOK_NO_CACHE) return new DiagramCache(undefined);
    const dir = path.join(bookDir, '.cache', 'diagrams');
    try {
      await mkdir(dir, { recursive: true });
      return new DiagramCache(dir);
    } catch {
      return new DiagramCache(undefined); // a read-only book folder builds without a cache
    }
  }

  async get(key: string): Promise<string | undefined> {
    if (!this.dir) return undefined;
    return readFile(path.join(this.dir, `${key}.svg`), 'utf8').catch(() => undefined);
  }

  /** Removes the drawings this build did not use, beyond the budget (cache-budget.ts). */
  async prune(keys: Set<string>): Promise<void> {
    if (this.dir) await pruneCache(this.dir, new Set([...keys].map((k) => `${k}.svg`)), DIAGRAM_BUDGET).catch(() => undefined);
  }

  async put(key: string, svg: string): Promise<void> {
    if (!this.dir) return;
    const file = path.join(this.dir, `${key}.svg`);
    const temp = `${file}.${process.pid}.tmp`;
    await writeFile(temp, svg)
      .then(() => rename(temp, file))
      .catch(() => undefined); // a cache that cannot be written only costs time
  }
}
