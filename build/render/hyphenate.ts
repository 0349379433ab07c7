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
        found = (html) => mod.hyphenateHTMLSync(html, { minWordLength: 6 });
        break;
      } catch {
        // try the next, shorter tag
      }
    }
  }
  cache.set(tag, found);
  return found;
}
