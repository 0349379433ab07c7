/**
 * The book's typeface for the EPUB, subset to the characters the book uses (harfbuzz through
 * subset-font) and written as TrueType, which every reading system takes (Kobo reads no WOFF2).
 * Only Latin-script books embed it: CJK faces would add megabytes, and every reader has one.
 */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import subsetFont from 'subset-font';
import { fontStackFor, type FontFamily } from '../fonts.ts';

const require = createRequire(import.meta.url);

export interface EpubFont {
  href: string;
  family: string;
  weight: number;
  style: 'normal' | 'italic';
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
