/**
 * The web edition's typefaces: the book's own faces (build/fonts.ts), each subset with harfbuzz
 * (subset-font) to the characters the book sets in it and written as WOFF2. The text faces keep
 * Fontsource's split by script (latin, latin-ext, cyrillic…, and the numbered slices of the CJK
 * faces) with its unicode-range, so a browser fetches only the files a page's text needs; a
 * slice the book never uses is not written. A fallback face with the text face's metrics
 * (font-metrics.ts) keeps the text from moving when the face arrives late (font-display: fallback).
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import subsetFont from 'subset-font';
import { CODE_FONT, MATH_FONT, fontCssFiles, fontStackFor, parseUnicodeRange, type FontFamily } from '../fonts.ts';
import { CODE_GENERATED, LICENCE_NAME_IDS, mathFaceCharacters } from '../font-characters.ts';
import { fallbackFaceCss, fontMetrics, glyphLookup, METRIC_SAMPLE } from './font-metrics.ts';

export interface WebFont {
  /** Path inside the site: "assets/fonts/literata-latin-400-normal.woff2". */
  href: string;
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  /** The characters the subset holds, or undefined for a face used for every character (code, math). */
  unicodeRange: string | undefined;
  role: 'text' | 'code' | 'math';
  data: Buffer;
  /** The code points it has glyphs for. */
  held: number[];
}

export interface WebFonts {
  fonts: WebFont[];
  /** The @font-face rules and the families of text, code and math, for the site's stylesheet. */
  css: string;
}

interface SourceFace {
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  file: string;
  unicodeRange: string | undefined;
  ranges: [number, number][];
}

/** The text faces the web stylesheet uses: regular, italic, and semibold for bold (and its italic). */
const TEXT_WEIGHTS = new Set([400, 600]);
const CODE_FACES = new Set(['400-normal', '700-normal', '400-italic']);

/** Fontsource's @font-face rules for a family: one per style, weight and script slice. */
async function sourceFaces(font: FontFamily): Promise<SourceFace[]> {
  const faces: SourceFace[] = [];
  for (const cssFile of fontCssFiles(font)) {
    const css = await readFile(cssFile, 'utf8');
    for (const [block] of css.matchAll(/@font-face\s*{[^}]*}/g)) {
      const file = /url\(\.\/([^)]+\.woff2)\)/.exec(block)?.[1];
      if (!file) continue;
      const unicodeRange = /unicode-range:\s*([^;]+);/.exec(block)?.[1]?.trim();
      faces.push({
        family: font.family,
        weight: Number(/font-weight:\s*(\d+)/.exec(block)?.[1] ?? 400),
        style: /font-style:\s*italic/.test(block) ? 'italic' : 'normal',
        file: path.join(path.dirname(cssFile), file),
        unicodeRange,
        ranges: parseUnicodeRange(unicodeRange),
      });
    }
  }
  return faces;
}

/** A CSS unicode-range for code points: "U+20-7E,U+A0,U+2014". */
function rangeOf(codePoints: number[]): string {
  const sorted = [...new Set(codePoints)].sort((a, b) => a - b);
  const out: string[] = [];
  for (let k = 0; k < sorted.length; k++) {
    const start = sorted[k]!;
    while (k + 1 < sorted.length && sorted[k + 1] === sorted[k]! + 1) k++;
    const end = sorted[k]!;
    out.push(start === end ? `U+${start.toString(16).toUpperCase()}` : `U+${start.toString(16).toUpperCase()}-${end.toString(16).toUpperCase()}`);
  }
  return out.join(',');
}

const inRanges = (cp: number, ranges: [number, number][]): boolean => ranges.length === 0 || ranges.some(([a, b]) => cp >= a && cp <= b);

const fontHref = (file: string): string => `assets/fonts/${path.basename(file)}`;

/**
 * The face subset to `chars`, or undefined when it holds none of them (a slice's range may name
 * characters its file lacks, and a font without glyphs is refused by browsers). A text face is
 * declared for exactly the characters it holds: the browser then asks for no file in vain, and
 * the rule is shorter than Fontsource's range for the slice.
 */
async function subset(face: SourceFace, chars: string, role: WebFont['role'], keepNames: boolean): Promise<WebFont | undefined> {
  const names = keepNames ? { preserveNameIds: LICENCE_NAME_IDS } : {};
  const sfnt = await subsetFont(await readFile(face.file), chars, { targetFormat: 'sfnt', ...names });
  const glyph = glyphLookup(sfnt);
  const held = [...chars].map((ch) => ch.codePointAt(0)!).filter((cp) => glyph(cp) !== 0);
  if (!held.some((cp) => cp !== 32)) return undefined;
  const data = await subsetFont(sfnt, String.fromCodePoint(...held), { targetFormat: 'woff2', ...names });
  const unicodeRange = role === 'text' ? rangeOf(held) : undefined;
  return { href: fontHref(face.file), family: face.family, weight: face.weight, style: face.style, unicodeRange, role, data, held };
}

/**
 * The faces for a book whose text holds `text`, whose code holds `code` and whose formulas hold
 * `math` (font-characters.ts). Each character of the text goes to the first family of the
 * language's stack whose slices cover it, so a Latin book quoting Chinese gets the few slices of
 * one CJK family it uses, not four.
 */
export async function webFonts(language: string, text: string, code: string, math: string): Promise<WebFonts> {
  const stack = fontStackFor(language);
  let remaining = [...new Set(text)].map((ch) => ch.codePointAt(0)!).filter((cp) => cp > 0x20);
  const jobs: Promise<WebFont | undefined>[] = [];
  for (const family of stack) {
    if (remaining.length === 0) break;
    const faces = (await sourceFaces(family)).filter((f) => TEXT_WEIGHTS.has(f.weight));
    const regular = faces.filter((f) => f.weight === 400 && f.style === 'normal');
    const candidates = remaining.filter((cp) => regular.some((f) => f.ranges.length > 0 && inRanges(cp, f.ranges)));
    if (candidates.length === 0) continue;
    // The regular slices first: they tell which characters the family really has; the others
    // are left to the next family of the stack.
    const slice = (face: SourceFace, of: number[]): Promise<WebFont | undefined> | undefined => {
      const chars = of.filter((cp) => inRanges(cp, face.ranges));
      // The space is in every slice, and costs nothing.
      return chars.length > 0 ? subset(face, String.fromCodePoint(32, ...chars), 'text', false) : undefined;
    };
    const regulars = (await Promise.all(regular.map((face) => slice(face, candidates)))).filter((f): f is WebFont => f !== undefined);
    const mine = new Set(regulars.flatMap((f) => f.held));
    if (mine.size === 0) continue;
    remaining = remaining.filter((cp) => !mine.has(cp));
    jobs.push(...regulars.map((f) => Promise.resolve(f)));
    for (const face of faces.filter((f) => !regular.includes(f))) {
      const job = slice(face, [...mine]);
      if (job) jobs.push(job);
    }
  }
  if (code) {
    const chars = [...new Set(code + CODE_GENERATED)].join('');
    for (const face of await sourceFaces(CODE_FONT)) {
      if (CODE_FACES.has(`${face.weight}-${face.style}`)) jobs.push(subset(face, chars, 'code', true));
    }
  }
  if (math) {
    const face = (await sourceFaces(MATH_FONT)).find((f) => f.weight === 400 && f.style === 'normal');
    // The one "latin" file holds the whole font; its Latin-only range would hide ω and ∑ from it.
    if (face) jobs.push(subset({ ...face, unicodeRange: undefined, ranges: [] }, mathFaceCharacters(math), 'math', true));
  }
  const fonts = (await Promise.all(jobs)).filter((f): f is WebFont => f !== undefined);

  const primary = stack[0]!;
  // The Latin slices of the text face, each with its metric fallback (Latin books only: a local
  // Times stands in for no CJK face).
  const latin = primary.cjk ? [] : fonts.filter((f) => f.family === primary.family && /-latin-\d+-/.test(f.href));
  const fallbacks = await Promise.all(latin.map((f) => metricFallback(f, primary)));
  const rules = fonts.map((f) =>
    [
      '@font-face {',
      `  font-family: "${f.family}";`,
      `  font-style: ${f.style};`,
      `  font-weight: ${f.weight};`,
      // Waited for a moment (100 ms: from file:// or a cache it is there at once, and the text
      // never moves), then swapped in when it arrives over a fallback with its metrics
      // (font-metrics.ts), so that the text hardly moves. optional would need a preload, which
      // file:// refuses as a cross-origin request.
      '  font-display: fallback;',
      `  src: url("fonts/${path.basename(f.href)}") format("woff2");`,
      ...(f.unicodeRange ? [`  unicode-range: ${f.unicodeRange};`] : []),
      '}',
    ].join('\n'),
  );
  const families = stack.filter((s) => fonts.some((f) => f.family === s.family));
  const textFamily = [...families.map((f) => `"${f.family}"`), ...(fallbacks.length ? [`"${primary.family} Fallback"`] : []), 'serif'].join(', ');
  const textOnly = families.map((f) => `"${f.family}"`).join(', ');
  const vars = [
    ':root {',
    `  --font-text: ${textFamily};`,
    `  --font-code: ${fonts.some((f) => f.role === 'code') ? `"${CODE_FONT.family}", ` : ''}${textOnly ? `${textOnly}, ` : ''}monospace;`,
    `  --font-math: ${fonts.some((f) => f.role === 'math') ? `"${MATH_FONT.family}", ` : ''}math;`,
    '}',
  ].join('\n');
  return { fonts, css: [...rules, ...fallbacks, vars].join('\n') };
}

/** The fallback face matched to a text face's metrics, measured from the face itself. */
async function metricFallback(font: WebFont, family: FontFamily): Promise<string> {
  const face = (await sourceFaces(family)).find((f) => fontHref(f.file) === font.href)!;
  const sfnt = await subsetFont(await readFile(face.file), METRIC_SAMPLE, { targetFormat: 'sfnt' });
  return fallbackFaceCss(family.family, font, fontMetrics(sfnt));
}
