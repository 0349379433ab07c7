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
import subsetFont from 'subset-font';
import { CODE_FONT, MATH_FONT, fontStackFor, type FontFamily } from '../fonts.ts';
import { CODE_GENERATED, LICENCE_NAME_IDS, mathFaceCharacters } from '../font-characters.ts';

// Moved to build/font-characters.ts, which the web edition shares; kept here for existing imports.
export { codeCharacters, mathCharacters } from '../font-characters.ts';

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

/**
 * The math face, Noto Sans Math, subset to the characters of the formulas (see mathCharacters),
 * or nothing when the book has none. Many reading systems have no math font with a MATH table of
 * their own (Linux and Android ones), and without one radicals and tall brackets do not stretch;
 * harfbuzz keeps the MATH table and the stretched glyphs it points to. The OFL asks that its
 * notice travel with the font, as for the code face.
 */
export async function epubMathFonts(chars: string): Promise<EpubFont[]> {
  if (!chars) return [];
  const text = mathFaceCharacters(chars);
  const source = await readFile(fontFile(MATH_FONT, 'latin', '400-normal'));
  const data = await subsetFont(source, text, { targetFormat: 'sfnt', preserveNameIds: LICENCE_NAME_IDS });
  return [{ href: 'fonts/noto-sans-math-400-normal.ttf', family: MATH_FONT.family, weight: 400, style: 'normal', role: 'math', data }];
}
