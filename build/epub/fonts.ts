/**
 * The book's typeface for the EPUB, subset to the characters the book uses (harfbuzz through
 * subset-font) and written as TrueType, which every reading system takes (Kobo reads no WOFF2).
 * Only Latin-script books embed it: CJK faces would add megabytes, and every reader has one.
 * The code face is embedded in every book that has code, subset to the characters of its code,
 * and the math face in every book that has formulas, subset to theirs.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { Parser } from 'htmlparser2';
import subsetFont from 'subset-font';
import { CODE_FONT, MATH_FONT, fontStackFor, type FontFamily } from '../fonts.ts';

const require = createRequire(import.meta.url);

export interface EpubFont {
  href: string;
  family: string;
  weight: number;
  style: 'normal' | 'italic';
  /** The text face, the face of pre, code, kbd and samp, or the face of MathML. */
  role: 'text' | 'code' | 'math';
  data: Buffer;
}

/** The faces the EPUB stylesheet uses: regular, italic, and bold (the family's semibold). */
const FACES = [
  { file: '400-normal', weight: 400, style: 'normal' },
  { file: '400-italic', weight: 400, style: 'italic' },
  { file: '600-normal', weight: 700, style: 'normal' },
] as const;

export async function epubFonts(language: string, text: string): Promise<EpubFont[]> {
  const font = fontStackFor(language)[0]!;
  if (font.cjk) return [];
  const chars = [...new Set(text)].join('');
  return Promise.all(
    FACES.map(async (face) => {
      const source = await readFile(fontFile(font, 'latin', face.file));
      const data = await subsetFont(source, chars, { targetFormat: 'sfnt' });
      return {
        href: `fonts/${font.family.toLowerCase().replace(/\s+/g, '-')}-${face.weight}-${face.style}.ttf`,
        family: font.family,
        weight: face.weight,
        style: face.style,
        role: 'text' as const,
        data,
      };
    }),
  );
}

function fontFile(font: FontFamily, subset: string, face: string): string {
  const dir = path.dirname(require.resolve(`${font.package}/package.json`));
  const slug = font.package.split('/')[1]!;
  return path.join(dir, 'files', `${slug}-${subset}-${face}.woff2`);
}

/**
 * The code faces the EPUB stylesheet uses: regular, bold (keywords, code in headings) and italic
 * (comments); bold italic is left to the reading system.
 */
const CODE_FACES = [
  { file: '400-normal', weight: 400, style: 'normal' },
  { file: '700-normal', weight: 700, style: 'normal' },
  { file: '400-italic', weight: 400, style: 'italic' },
] as const;
/** Drawn by the stylesheet, not written in the text: the continuation mark and line numbers. */
const CODE_GENERATED = '↪0123456789 ';
/**
 * The Bitstream Vera licence asks that its notice travel with every copy of the font: the name
 * table's licence description and URL (ids 13 and 14), which harfbuzz drops by default, are kept.
 */
const LICENCE_NAME_IDS = [13, 14];

/** The code face subset to `chars` (see codeCharacters), or nothing when the book has no code. */
export async function epubCodeFonts(chars: string): Promise<EpubFont[]> {
  if (!chars) return [];
  const text = [...new Set(chars + CODE_GENERATED)].join('');
  return Promise.all(
    CODE_FACES.map(async (face) => {
      const source = await readFile(fontFile(CODE_FONT, 'latin', face.file));
      const data = await subsetFont(source, text, { targetFormat: 'sfnt', preserveNameIds: LICENCE_NAME_IDS });
      return {
        href: `fonts/${CODE_FONT.family.toLowerCase().replace(/\s+/g, '-')}-${face.weight}-${face.style}.ttf`,
        family: CODE_FONT.family,
        weight: face.weight,
        style: face.style,
        role: 'code' as const,
        data,
      };
    }),
  );
}

const CODE_ELEMENTS = new Set(['pre', 'code', 'kbd', 'samp']);

/**
 * Every character set in the code face in the fragments, entities decoded: inside pre, code, kbd
 * and samp, and inside SVG labels of class svg-code (see markdown/inline-svg.ts).
 */
export function codeCharacters(htmls: string[]): string {
  const chars = new Set<string>();
  for (const html of htmls) {
    /** Names of the open elements that set the code face, innermost last. */
    const open: string[] = [];
    const parser = new Parser({
      onopentag(name, attribs) {
        if (CODE_ELEMENTS.has(name) || /\bsvg-code\b/.test(attribs.class ?? '')) open.push(name);
      },
      onclosetag(name) {
        if (open[open.length - 1] === name) open.pop();
      },
      ontext(text) {
        if (open.length > 0) for (const ch of text) chars.add(ch);
      },
    });
    parser.write(html);
    parser.end();
  }
  chars.delete('\n');
  return [...chars].sort().join('');
}

/**
 * MathML's automatic italic: a one-letter <mi>x</mi> is drawn as U+1D465 (MathML Core's
 * text-transform: math-auto), a character that is not in the text. The whole Latin and Greek
 * italic alphabets are kept (about 110 glyphs): cheaper than mapping letter by letter.
 */
const MATH_ITALIC_RANGES: [number, number][] = [
  [0x1d434, 0x1d467], // Latin italic A–z (its h is U+210E)
  [0x210e, 0x210e],
  [0x1d6a4, 0x1d6a5], // dotless i and j
  [0x1d6e2, 0x1d71b], // Greek italic, with ∂ ϵ ϑ ϰ ϕ ϱ ϖ
];

/**
 * The math face, Noto Sans Math, subset to the characters of the formulas (see mathCharacters),
 * or nothing when the book has none. Many reading systems have no math font with a MATH table of
 * their own (Linux and Android ones), and without one radicals and tall brackets do not stretch;
 * harfbuzz keeps the MATH table and the stretched glyphs it points to. The OFL asks that its
 * notice travel with the font, as for the code face.
 */
export async function epubMathFonts(chars: string): Promise<EpubFont[]> {
  if (!chars) return [];
  const italic = MATH_ITALIC_RANGES.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => String.fromCodePoint(a + k)));
  // The radical of <msqrt> and <mroot> is drawn from U+221A, which is not in the text either.
  const text = [...new Set([...chars, ...italic, '√'])].join('');
  const source = await readFile(fontFile(MATH_FONT, 'latin', '400-normal'));
  const data = await subsetFont(source, text, { targetFormat: 'sfnt', preserveNameIds: LICENCE_NAME_IDS });
  return [{ href: 'fonts/noto-sans-math-400-normal.ttf', family: MATH_FONT.family, weight: 400, style: 'normal', role: 'math', data }];
}

/** Every character drawn in MathML in the fragments, entities decoded; the TeX annotations are never drawn. */
export function mathCharacters(htmls: string[]): string {
  const chars = new Set<string>();
  for (const html of htmls) {
    if (!html.includes('<math')) continue;
    let depth = 0;
    let annotation = 0;
    const parser = new Parser({
      onopentag(name) {
        if (name === 'math') depth++;
        if (name === 'annotation' || name === 'annotation-xml') annotation++;
      },
      onclosetag(name) {
        if (name === 'math') depth--;
        if (name === 'annotation' || name === 'annotation-xml') annotation--;
      },
      ontext(text) {
        if (depth > 0 && annotation === 0) for (const ch of text) chars.add(ch);
      },
    });
    parser.write(html);
    parser.end();
  }
  for (const ch of [...chars]) if (/\s/.test(ch)) chars.delete(ch);
  return [...chars].sort().join('');
}
