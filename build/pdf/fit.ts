/**
 * The check between loading a part and printing it. Chromium prints a whole document smaller
 * when anything in it is wider than the page, so one long code line or one wide table would set
 * every page of a chapter at two-thirds size. Here each part is measured in the loaded tab
 * (page.evaluate works while the page's own scripts stay disabled), and only what does not fit
 * is changed: a wide table is set smaller (down to 7 pt, KDP's smallest type), then turned on
 * a landscape page, and scaled only when neither is enough; any other element too wide is scaled
 * alone. Each change is reported with the Markdown line it comes from; an image that did not
 * load is reported too. After the fixes the document must fit, or the part is not printed.
 */
import type { Page } from 'puppeteer-core';
import type { PageGeometry } from '../render/page-geometry.ts';
import { BookError } from '../errors.ts';
import { waitForFonts } from './fonts-loaded.ts';

export type FitAction = 'shrunk' | 'rotated' | 'scaled' | 'broken-image' | 'unfit';

export interface FitFinding {
  action: FitAction;
  /** Key of the part the element is in (a document may hold several). */
  part?: string;
  /** Line in the part's Markdown file, when the element or one around it carries it. */
  line: number | undefined;
  /** "table of 16 columns", "image images/wide.svg", "pre". */
  what: string;
  /** The numbers behind it: "9 pt → 7.5 pt", "1200 px → 432 px (36 %)". */
  detail: string;
}

export interface FitOptions {
  /** Width and height of the text block, CSS px. */
  width: number;
  height: number;
  /** Width of the text block on a landscape page (the portrait text block's height), CSS px. */
  landscapeWidth: number;
  /** Type sizes to try for a table too wide, largest first, in pt. */
  tableSizes: number[];
  /** Ids of the marks at the start and end of a block turned landscape begin with it. */
  landscapeMark: string;
}

/**
 * A block turned landscape gets a mark at its start (`…-a`) and its end (`…-z`), each with a
 * named destination: the pages between them have no running head or folio (furniture.ts).
 */
export const LANDSCAPE_MARK = 'ebook-landscape-';

/** CSS px per inch, as Chromium lays out print. */
const PX_PER_IN = 96;
/** KDP's smallest type size; below it a table is scaled, with a warning. */
export const MIN_TABLE_PT = 7;

export function fitOptions(geometry: PageGeometry): FitOptions {
  const width = (geometry.width - geometry.inside - geometry.outside) * PX_PER_IN;
  const height = (geometry.height - geometry.top - geometry.bottom) * PX_PER_IN;
  return { width, height, landscapeWidth: height, tableSizes: [8.5, 8, 7.5, MIN_TABLE_PT], landscapeMark: LANDSCAPE_MARK };
}

/**
 * Lays the loaded document out at the text block's size, in print media, fixes what is too wide
 * and returns what it did. The page's DOM keeps the fixes for the print that follows.
 */
export async function fitToPage(page: Page, geometry: PageGeometry): Promise<FitFinding[]> {
  const options = fitOptions(geometry);
  // tsx (esbuild) wraps named functions in __name(); the serialised function needs it defined.
  await page.evaluate('globalThis.__name ??= (f) => f');
  // The document holds the text block's exact width (templates/print/part.html: a viewport is
  // whole pixels, an A5 text block is not) until finishMeasuring(); its fonts must be in.
  await waitForFonts(page);
  return page.evaluate(fitInPage, options);
}

/**
 * Sets a tab up for fitToPage(): print media, a viewport as wide as the text block. Done before
 * a document loads, so that its first layout is already at that width (a viewport changed after
 * the load lays the whole document out again).
 */
export async function prepareTab(page: Page, geometry: PageGeometry): Promise<void> {
  const options = fitOptions(geometry);
  await page.emulateMediaType('print');
  await page.setViewport({ width: Math.ceil(options.width), height: Math.floor(options.height) });
}

/** Ends the measuring fitToPage() began: the page is left as it will print. */
export async function finishMeasuring(page: Page): Promise<void> {
  await page.evaluate(() => document.getElementById('fit-measure')?.remove());
}

/** Runs inside the page: no closure over anything outside this function. */
function fitInPage(options: FitOptions): FitFinding[] {
  const findings: FitFinding[] = [];
  // Each finding names the part its element is in (a document's parts carry data-part).
  const partOf = (el: Element): string | undefined => el.closest('[data-part]')?.getAttribute('data-part') ?? undefined;
  let turnedCount = 0;
  const markLandscape = (el: HTMLElement): void => {
    const id = `${options.landscapeMark}${++turnedCount}`;
    const mark = (suffix: string): HTMLElement => {
      const span = document.createElement('span');
      span.id = `${id}-${suffix}`;
      const link = document.createElement('a');
      link.href = `#${span.id}`;
      (document.querySelector('body > .destinations') ?? document.body).append(link);
      return span;
    };
    el.prepend(mark('a'));
    el.append(mark('z'));
  };
  const lineOf = (el: Element): number | undefined => {
    const marked = el.closest('[data-line]');
    const value = marked?.getAttribute('data-line');
    return value ? Number(value) : undefined;
  };
  const round = (x: number): number => Math.round(x);
  /** Width available inside an element's parent (its content box). */
  const room = (el: Element): number => {
    const parent = el.parentElement ?? document.body;
    const style = getComputedStyle(parent);
    return parent.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
  };
  const width = (el: Element): number => Math.max(el.getBoundingClientRect().width, el.scrollWidth);
  const fits = (el: Element, available = room(el)): boolean => width(el) <= available + 0.5;
  const scale = (el: HTMLElement | SVGElement, available: number): number => {
    const factor = Math.max(0.05, available / width(el));
    el.style.setProperty('zoom', String(factor));
    return factor;
  };

  for (const img of Array.from(document.images)) {
    if (!img.complete || img.naturalWidth === 0) {
      findings.push({ action: 'broken-image', part: partOf(img), line: lineOf(img), what: `image ${img.getAttribute('src') ?? ''}`, detail: 'it did not load' });
    }
  }

  for (const table of Array.from(document.querySelectorAll('table'))) {
    if (fits(table)) continue;
    const what = `table of ${table.rows[0]?.cells.length ?? 0} columns`;
    const original = parseFloat(getComputedStyle(table).fontSize) * 0.75;
    const trySizes = (available: number): number | undefined => {
      for (const pt of options.tableSizes) {
        if (pt >= original) continue;
        table.style.setProperty('font-size', `${pt}pt`);
        table.classList.add('fit-compact');
        if (fits(table, available)) return pt;
      }
      return undefined;
    };
    const portrait = trySizes(room(table));
    if (portrait !== undefined) {
      findings.push({ action: 'shrunk', part: partOf(table), line: lineOf(table), what, detail: `${original} pt → ${portrait} pt` });
      continue;
    }
    // On its own landscape page: the outermost wrapper that holds only the table goes there.
    let turned: HTMLElement = table;
    while (turned.parentElement && turned.parentElement.children.length === 1 && !turned.parentElement.matches('.section-body, body, section, td, th, li')) {
      turned = turned.parentElement;
    }
    table.style.removeProperty('font-size');
    table.classList.remove('fit-compact');
    turned.classList.add('fit-landscape');
    turned.style.setProperty('width', `${options.landscapeWidth}px`);
    markLandscape(turned);
    const landscape = fits(table, options.landscapeWidth) ? original : trySizes(options.landscapeWidth);
    if (landscape !== undefined) {
      findings.push({ action: 'rotated', part: partOf(table), line: lineOf(table), what, detail: `set on a landscape page at ${landscape} pt` });
      continue;
    }
    const before = round(width(table));
    const smallest = options.tableSizes[options.tableSizes.length - 1]!;
    const factor = scale(table, options.landscapeWidth);
    findings.push({
      action: 'scaled',
      part: partOf(table), line: lineOf(table),
      what,
      detail: `${before} px wide at ${smallest} pt even on a landscape page (${round(options.landscapeWidth)} px): scaled to ${Math.round(factor * 100)} % (type about ${(smallest * factor).toFixed(1)} pt)`,
    });
  }

  // Elements that cannot wrap: scaled alone. An image or SVG the author sized wider than the
  // text block is reported even where the stylesheet already narrowed it.
  for (const el of Array.from(document.querySelectorAll<HTMLElement | SVGElement>('img, svg, pre, math, video, canvas, iframe, object, embed'))) {
    if (el.closest('.fit-landscape, [style*="zoom"]') || el.parentElement?.closest('svg, math')) continue;
    const available = room(el);
    const asked = Number((el.getAttribute('width') ?? '').replace(/px$/, ''));
    const tag = el.tagName.toLowerCase();
    const what = tag === 'img' ? `image ${el.getAttribute('src') ?? ''}` : tag === 'svg' ? 'SVG drawing' : tag === 'pre' ? 'code block' : tag;
    if (!fits(el, available)) {
      const before = round(width(el));
      const factor = scale(el, available);
      findings.push({ action: 'scaled', part: partOf(el), line: lineOf(el), what, detail: `${before} px wide, the text block ${round(available)} px: scaled to ${Math.round(factor * 100)} %` });
    } else if (Number.isFinite(asked) && asked > available + 0.5 && !el.matches('svg.mermaid')) {
      // (A Mermaid drawing's width is the builder's, not the author's: build/diagrams/ reports
      // one fitted so far down that its labels are too small.)
      findings.push({ action: 'scaled', part: partOf(el), line: lineOf(el), what, detail: `width="${el.getAttribute('width')}" is wider than the text block (${round(available)} px): scaled to ${Math.round((width(el) / asked) * 100)} %` });
    }
  }

  // Anything else still sticking out (a long unbroken word, an element with a fixed width).
  // Landscape pages are wider than this viewport by design: left out of the measure.
  const landscapes = Array.from(document.querySelectorAll<HTMLElement>('.fit-landscape'));
  for (const el of landscapes) el.style.setProperty('display', 'none');
  const limit = document.documentElement.clientWidth;
  const overflowing = (el: Element): boolean => el.getBoundingClientRect().right > limit + 0.5 || el.scrollWidth > el.clientWidth + 1;
  if (document.documentElement.scrollWidth > limit + 0.5) {
    // The deepest elements that overflow: the ones whose own content is too wide.
    const culprits = Array.from(document.body.querySelectorAll('*')).filter(
      (el) => !el.closest('.fit-landscape') && overflowing(el) && !Array.from(el.children).some(overflowing),
    );
    for (const el of culprits) {
      if (!(el instanceof HTMLElement || el instanceof SVGElement) || !overflowing(el)) continue;
      // Text that runs past the edge (a long URL, an unbroken word) may break anywhere instead.
      el.style.setProperty('overflow-wrap', 'anywhere');
      el.style.setProperty('word-break', 'break-word');
      if (!overflowing(el)) {
        findings.push({ action: 'scaled', part: partOf(el), line: lineOf(el), what: el.tagName.toLowerCase(), detail: 'a word wider than the text block was broken to fit' });
        continue;
      }
      const before = round(width(el));
      const factor = scale(el, Math.max(1, room(el)));
      findings.push({ action: 'scaled', part: partOf(el), line: lineOf(el), what: el.tagName.toLowerCase(), detail: `${before} px wide: scaled to ${Math.round(factor * 100)} %` });
    }
  }
  if (document.documentElement.scrollWidth > limit + 0.5) {
    findings.push({ action: 'unfit', line: undefined, what: 'the page', detail: `${document.documentElement.scrollWidth} px wide after every fix, the text block ${round(limit)} px` });
  }
  for (const el of landscapes) el.style.removeProperty('display');
  return findings;
}

/**
 * The findings as the build reports them: an image that did not load and a page that still does
 * not fit are errors; a table turned or anything scaled is a warning (an error with --strict);
 * a table set smaller within the allowed sizes is ordinary typesetting and not reported.
 */
export function fitMessages(fit: { file: string; findings: FitFinding[] }[]): { errors: BookError[]; warnings: string[] } {
  const errors: BookError[] = [];
  const warnings: string[] = [];
  for (const { file, findings } of fit) {
    for (const f of findings) {
      const where = `${file}${f.line ? `:${f.line}` : ''}`;
      if (f.action === 'broken-image') errors.push(new BookError(`${f.what} could not be shown: ${f.detail}`, { file, line: f.line }));
      else if (f.action === 'unfit') errors.push(new BookError(`${f.what} is still wider than the text block (${f.detail}); please report this with the chapter`, { file, line: f.line }));
      else if (f.action === 'rotated') warnings.push(`${where}: the ${f.what} is too wide for the page even at ${MIN_TABLE_PT} pt: ${f.detail}`);
      else if (f.action === 'scaled') warnings.push(`${where}: the ${f.what} is wider than the text block: ${f.detail}`);
    }
  }
  return { errors, warnings };
}
