/**
 * The plain text of the book's HTML: for the landing page's word count and reading time, and for
 * the search index, one document per part of a section between its headings.
 */
import { Parser } from 'htmlparser2';

/** Never read aloud as words: TeX sources of formulas, styles, and what a drawing draws. */
const NEVER = new Set(['annotation', 'annotation-xml', 'style', 'script', 'title', 'desc']);
/** Not prose: not counted as words read (code is searchable, but scanned, not read). */
const NOT_PROSE = new Set(['pre', 'svg', 'math']);
const BLOCKS = /^(p|h[1-6]|li|dt|dd|td|th|tr|div|pre|figcaption|blockquote|section|aside|table|br|caption)$/;

export interface TextPart {
  /** The id of the heading that opens the part; undefined for the part before the first one. */
  anchor: string | undefined;
  /** The heading's text. */
  heading: string | undefined;
  text: string;
}

/**
 * Splits a section's HTML at its h2 and h3 headings (those with an id) into parts of plain text,
 * and counts its words of prose.
 */
export function textParts(html: string): { parts: TextPart[]; words: number } {
  const parts: TextPart[] = [{ anchor: undefined, heading: undefined, text: '' }];
  let words = '';
  let skip = 0;
  let prose = 0;
  let heading: { anchor: string; text: string; depth: number } | undefined;
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        depth++;
        if (NEVER.has(name)) skip++;
        if (NOT_PROSE.has(name)) prose++;
        if ((name === 'h2' || name === 'h3') && attribs.id && skip === 0) {
          heading = { anchor: attribs.id, text: '', depth };
          parts.push({ anchor: attribs.id, heading: '', text: '' });
        }
        if (BLOCKS.test(name)) add(' ');
      },
      onclosetag(name) {
        if (heading && depth === heading.depth) {
          parts[parts.length - 1]!.heading = heading.text.replace(/\s+/g, ' ').trim();
          heading = undefined;
        }
        depth--;
        if (NEVER.has(name)) skip--;
        if (NOT_PROSE.has(name)) prose--;
        if (BLOCKS.test(name)) add(' ');
      },
      ontext(text) {
        if (skip > 0) return;
        // A heading's words are its part's title, not its text (they count as words all the same).
        if (heading) {
          heading.text += text;
          if (prose === 0) words += text;
        } else add(text);
      },
    },
    { decodeEntities: true },
  );
  function add(text: string): void {
    parts[parts.length - 1]!.text += text;
    if (prose === 0) words += text;
  }
  parser.write(html);
  parser.end();
  for (const part of parts) part.text = part.text.replace(/\s+/g, ' ').trim();
  return { parts: parts.filter((p) => p.text || p.heading), words: countWords(words) };
}

/** Words of prose: runs of letters or digits (an ideograph counts as one word, as readers count them). */
export function countWords(text: string): number {
  const ideographs = text.match(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu)?.length ?? 0;
  const rest = text.replace(/[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu, ' ');
  return ideographs + (rest.match(/[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*/gu)?.length ?? 0);
}

/**
 * Minutes to read that many words silently: 238 words a minute for non-fiction in English
 * (Brysbaert 2019's meta-analysis), 260 characters a minute (counted as words above) for CJK.
 */
export const readingMinutes = (words: number, cjk: boolean): number => Math.max(1, Math.round(words / (cjk ? 260 : 238)));
