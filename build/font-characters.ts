/**
 * Which characters each face of a book must hold, found from the rendered HTML: the code face's
 * (inside pre, code, kbd, samp and SVG labels set in it) and the math face's (MathML, without the
 * TeX annotations). Shared by the outputs that subset fonts (EPUB, web), so both subset alike.
 */
import { Parser } from 'htmlparser2';

/** Drawn by the stylesheets, not written in the text: the continuation mark and line numbers. */
export const CODE_GENERATED = '↪0123456789 ';

/**
 * The Bitstream Vera licence and the OFL ask that their notice travel with every copy of the
 * font: the name table's licence description and URL (ids 13 and 14), which harfbuzz drops by
 * default, are kept.
 */
export const LICENCE_NAME_IDS = [13, 14];

const CODE_ELEMENTS = new Set(['pre', 'code', 'kbd', 'samp']);
/** A fragment without any of these sets nothing in the code face. */
const CODE_MARKS = /<(?:pre|code|kbd|samp)\b|svg-code/i;

/**
 * Every character set in the code face in the fragments, entities decoded: inside pre, code, kbd
 * and samp, and inside SVG labels of class svg-code (see markdown/inline-svg.ts).
 */
export function codeCharacters(htmls: string[]): string {
  const chars = new Set<string>();
  for (const html of htmls) {
    // Most fragments of a prose book hold no code: not parsed at all (a book's HTML takes a
    // third of a second to parse).
    if (!CODE_MARKS.test(html)) continue;
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
 * What the math face is subset to for formulas holding `chars`: those, the italic alphabets, and
 * the radical of <msqrt> and <mroot>, drawn from U+221A, which is not in the text either.
 */
export function mathFaceCharacters(chars: string): string {
  const italic = MATH_ITALIC_RANGES.flatMap(([a, b]) => Array.from({ length: b - a + 1 }, (_, k) => String.fromCodePoint(a + k)));
  return [...new Set([...chars, ...italic, '√'])].join('');
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
