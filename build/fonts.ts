/**
 * Typefaces come from npm packages (never from the system), chosen by the book's language.
 * All are TrueType-outline fonts: Chromium writes CFF-outline fonts into PDFs as Type 3 fonts,
 * which print services reject.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const require = createRequire(import.meta.url);

export interface FontFamily {
  family: string;
  /** @fontsource package name. */
  package: string;
  /** CSS files of the package to load (weights and styles the templates use). */
  css: string[];
  /** True for CJK faces: no italic, no hyphenation, CJK line breaking. */
  cjk: boolean;
}

const LITERATA: FontFamily = {
  family: 'Literata',
  package: '@fontsource/literata',
  css: ['400.css', '400-italic.css', '600.css', '600-italic.css', '700.css'],
  cjk: false,
};
const cjk = (family: string, pkg: string): FontFamily => ({ family, package: pkg, css: ['400.css', '600.css', '700.css'], cjk: true });
const SC = cjk('Noto Serif SC', '@fontsource/noto-serif-sc');
const TC = cjk('Noto Serif TC', '@fontsource/noto-serif-tc');
const KR = cjk('Noto Serif KR', '@fontsource/noto-serif-kr');
const JP = cjk('Noto Serif JP', '@fontsource/noto-serif-jp');

/**
 * The code face: DejaVu Sans Mono (Bitstream Vera licence, DejaVu changes public domain). Of the
 * monospace faces on npm with TrueType outlines, it is the one whose package covers box drawing
 * (`tree` output), arrows and the common symbols (✓ ≤ ↪) that code and terminal output use.
 * Its package has one face file per style, no unicode ranges: it is declared only in documents
 * that hold code (see hasCode).
 */
export const CODE_FONT: FontFamily = {
  family: 'DejaVu Mono',
  package: '@fontsource/dejavu-mono',
  css: ['400.css', '400-italic.css', '700.css', '700-italic.css'],
  cjk: false,
};

/** CSS font-family value for code: the code face, then the text faces for what it lacks (CJK in comments). */
export const codeFontFamilyValue = (textStack: FontFamily[]): string =>
  [`'${CODE_FONT.family}'`, ...textStack.map((f) => `'${f.family}'`), 'monospace'].join(', ');

/**
 * Whether HTML holds what is set in the code face: code, keyboard input, sample output, and the
 * labels of inline SVG drawn in a monospace family (class svg-code, see markdown/inline-svg.ts).
 */
export const hasCode = (html: string): boolean => /<(?:pre|code|kbd|samp)[\s>]|class=\\?"[^"]*\bsvg-code\b/.test(html);

/**
 * The math face: Noto Sans Math (OFL), the one TrueType font on npm with an OpenType MATH table,
 * which Chromium needs to stretch brackets and set fractions, roots and limits (Latin Modern,
 * STIX Two and Libertinus Math are CFF fonts, which Chromium writes into PDFs as Type 3). It is
 * declared only in documents that hold math (see hasMath and mathFontFaceCss).
 */
export const MATH_FONT: FontFamily = {
  family: 'Noto Sans Math',
  package: '@fontsource/noto-sans-math',
  css: ['400.css'],
  cjk: false,
};

/** CSS font-family value for math: the math face, then the text faces (it has no accented letters, for \text{é}). */
export const mathFontFamilyValue = (textStack: FontFamily[]): string =>
  [`'${MATH_FONT.family}'`, ...textStack.map((f) => `'${f.family}'`), 'math'].join(', ');

/** Whether HTML holds MathML (markdown/math-plugin.ts). */
export const hasMath = (html: string): boolean => /<math[\s>]/.test(html);

/** The text face for a language, first, then fallbacks for scripts a book quotes (titles in the original script). */
export function fontStackFor(language: string): FontFamily[] {
  const tag = language.toLowerCase();
  let primary = LITERATA;
  if (/^zh-(hant|tw|hk|mo)/.test(tag)) primary = TC;
  else if (tag.startsWith('zh')) primary = SC;
  else if (tag.startsWith('ko')) primary = KR;
  else if (tag.startsWith('ja')) primary = JP;
  return [primary, ...[LITERATA, SC, KR, TC, JP].filter((f) => f !== primary)];
}

export const isCjkLanguage = (language: string): boolean => /^(zh|ja|ko)\b/i.test(language);

/** Absolute paths of the CSS files that declare a family's faces (their url()s are relative to them). */
export function fontCssFiles(font: FontFamily): string[] {
  const dir = path.dirname(require.resolve(`${font.package}/package.json`));
  return font.css.map((file) => path.join(dir, file));
}

/** CSS font-family value for the stack. */
export const fontFamilyValue = (stack: FontFamily[]): string => [...stack.map((f) => `'${f.family}'`), 'serif'].join(', ');

interface FaceRule {
  css: string;
  /** [start, end] code point ranges; empty means every character. */
  ranges: [number, number][];
}

/** A CSS unicode-range ("U+0000-00FF, U+0131, U+02??") as [start, end] code point pairs; [] for none. */
export function parseUnicodeRange(range: string | undefined): [number, number][] {
  if (!range) return [];
  return range
    .split(',')
    .map((r) => r.trim().replace(/^U\+/i, ''))
    .filter(Boolean)
    .map((r): [number, number] => {
      const [a, b] = r.split('-');
      if (a!.includes('?')) return [parseInt(a!.replace(/\?/g, '0'), 16), parseInt(a!.replace(/\?/g, 'F'), 16)];
      return [parseInt(a!, 16), parseInt(b ?? a!, 16)];
    });
}

const faceCache = new Map<string, FaceRule[]>();

function faceRules(cssFile: string): FaceRule[] {
  let rules = faceCache.get(cssFile);
  if (rules) return rules;
  const dir = path.dirname(cssFile);
  const text = readFileSync(cssFile, 'utf8');
  rules = [...text.matchAll(/@font-face\s*{[^}]*}/g)].map(([block]) => {
    const css = block.replace(/url\((['"]?)\.\/([^)'"]+)\1\)/g, (_, _q: string, rel: string) => `url("${pathToFileURL(path.join(dir, rel)).href}")`);
    const ranges = parseUnicodeRange(/unicode-range:\s*([^;]+);/.exec(block)?.[1]);
    return { css, ranges };
  });
  faceCache.set(cssFile, rules);
  return rules;
}

/**
 * The @font-face rules a document needs: only the faces whose unicode-range covers a character
 * of `text`. Declaring every subset of the CJK families costs Chromium about half a second per
 * document, even when the text never uses them.
 */
export function fontFaceCss(stack: FontFamily[], text: string): string {
  // A rebuild renders every part again, nearly all of them unchanged: their rules are kept, by
  // the text's hash (the walk over every subset of the CJK families costs tens of ms a part).
  const key = `${stack.map((f) => f.package).join(',')}\0${createHash('sha1').update(text).digest('hex')}`;
  const known = faceCssCache.get(key);
  if (known !== undefined) return known;
  const css = selectFaces(stack, text);
  if (faceCssCache.size >= 500) faceCssCache.delete(faceCssCache.keys().next().value!);
  faceCssCache.set(key, css);
  return css;
}

const faceCssCache = new Map<string, string>();

function selectFaces(stack: FontFamily[], text: string): string {
  const used = codePointsOf(text);
  /** Whether any used code point lies in [a, b]: binary search for the first one ≥ a. */
  const usedIn = ([a, b]: [number, number]): boolean => {
    let lo = 0;
    let hi = used.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (used[mid]! < a) lo = mid + 1;
      else hi = mid;
    }
    return lo < used.length && used[lo]! <= b;
  };
  const out: string[] = [];
  for (const font of stack) {
    for (const file of fontCssFiles(font)) {
      for (const rule of faceRules(file)) {
        if (rule.ranges.length === 0 || rule.ranges.some(usedIn)) out.push(rule.css);
      }
    }
  }
  return out.join('\n');
}

/**
 * The distinct code points of `text`, ascending. A document's text runs to hundreds of thousands
 * of characters: one flag per code point and a loop over UTF-16 units, not a Set of strings.
 */
function codePointsOf(text: string): Int32Array {
  const seen = new Uint8Array(0x110000);
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    let c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const low = text.charCodeAt(i + 1);
      if (low >= 0xdc00 && low <= 0xdfff) {
        c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
        i++;
      }
    }
    if (seen[c] === 0) {
      seen[c] = 1;
      count++;
    }
  }
  const points = new Int32Array(count);
  for (let c = 0, k = 0; k < count; c++) if (seen[c] === 1) points[k++] = c;
  return points;
}

/**
 * The math face's @font-face rule. Fontsource calls its one file "latin", but the file holds the
 * whole font (some 3,000 characters: Greek, operators, arrows, math alphanumerics); the Latin-only
 * unicode-range it declares would keep Chromium from using it for ω or ∑, so the range is dropped.
 */
export function mathFontFaceCss(): string {
  return fontCssFiles(MATH_FONT)
    .flatMap((file) => faceRules(file))
    .map((rule) => rule.css.replace(/\s*unicode-range:[^;]+;/, ''))
    .join('\n');
}
