/**
 * Soft hyphens inserted at build time from TeX patterns (the hyphen package), because headless
 * Chromium on Linux has no hyphenation dictionaries. Only the PDFs get them; e-readers hyphenate
 * themselves, and soft hyphens in an EPUB would break search and text-to-speech.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

type HyphenateHtml = (html: string, options?: { minWordLength?: number }) => string;

const cache = new Map<string, HyphenateHtml | null>();

/** The hyphenator for a BCP 47 tag, or null where the language has none (CJK, unknown). */
export function hyphenatorFor(language: string): HyphenateHtml | null {
  const tag = language.toLowerCase();
  if (cache.has(tag)) return cache.get(tag)!;
  const primary = tag.split('-')[0]!;
  const candidates = [tag, primary === 'en' ? 'en-us' : primary, primary];
  let found: HyphenateHtml | null = null;
  if (!['zh', 'ja', 'ko'].includes(primary)) {
    for (const name of candidates) {
      try {
        const mod = require(`hyphen/${name}`) as { hyphenateHTMLSync: HyphenateHtml };
        found = skippingVerbatim((html) => mod.hyphenateHTMLSync(html, { minWordLength: 6 }));
        break;
      } catch {
        // try the next, shorter tag
      }
    }
  }
  cache.set(tag, found);
  return found;
}

/**
 * Code, keyboard input, sample output, math and SVG are never hyphenated: a soft hyphen in
 * `return` or inside a MathML token would print, or change what the reader copies. Nor are web
 * and mail addresses: a hyphen at the end of a line would read as part of the address.
 */
const PROTECTED = new RegExp(
  [
    String.raw`<(pre|code|kbd|samp|math|svg)\b[^>]*>[\s\S]*?<\/\1>`,
    // Addresses shown in print, and references ("Figure 3.2" never breaks).
    String.raw`<(span|a)\b[^>]*class="(?:print-url[^"]*|xref)"[^>]*>[\s\S]*?<\/\2>`,
    // A paragraph too long to justify (parse.ts) is set ragged-right, and not hyphenated either:
    // hundreds of thousands of break points would cost more than they give.
    String.raw`<(p)\b[^>]*class="long-paragraph"[^>]*>[\s\S]*?<\/\3>`,
    String.raw`<[^>]+>`, // any other tag: not protected, but never searched for addresses inside
    String.raw`(?:https?:\/\/|mailto:|www\.)[^\s<]+`,
    String.raw`[\w.+-]+@[\w-]+(?:\.[\w-]+)+`,
  ].join('|'),
  'g',
);

function skippingVerbatim(hyphenate: HyphenateHtml): HyphenateHtml {
  return (html) => {
    let out = '';
    let last = 0;
    for (const match of html.matchAll(PROTECTED)) {
      if (match[0].startsWith('<') && match[1] === undefined && match[2] === undefined && match[3] === undefined) continue;
      out += hyphenate(html.slice(last, match.index)) + match[0];
      last = match.index + match[0].length;
    }
    return last === 0 ? hyphenate(html) : out + hyphenate(html.slice(last));
  };
}
