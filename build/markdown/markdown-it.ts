/** The one configured markdown-it instance every book is parsed with. */
import MarkdownIt, { type MarkdownIt as Markdown } from 'markdown-it';
import footnote from 'markdown-it-footnote';
import attrs from 'markdown-it-attrs';
import { citationPlugin } from './citation-plugin.ts';
import { sourceLinesPlugin } from './source-lines.ts';

/** Typographer's quotes by language: double open, double close, single open, single close. */
const QUOTES: Record<string, string | string[]> = {
  en: '“”‘’',
  fr: ['«\u202F', '\u202F»', '‹\u202F', '\u202F›'],
  de: '„“‚‘',
  es: '«»“”',
  it: '«»“”',
  pt: '«»“”',
  ru: '«»„“',
  pl: '„”«»',
  nl: '“”‘’',
  ja: '「」『』',
  zh: '“”‘’',
  ko: '“”‘’',
};

export function quotesFor(language: string): string | string[] {
  return QUOTES[language.toLowerCase().split('-')[0] ?? 'en'] ?? QUOTES.en!;
}

export function createMarkdown(language = 'en'): Markdown {
  const md = new MarkdownIt({
    quotes: quotesFor(language),
    // Raw HTML is parsed, and each raw token cleaned by sanitize.ts: authors may use inline and
    // block markup, but never scripts, frames, styles or event handlers.
    html: true,
    xhtmlOut: true, // the EPUB needs well-formed XHTML
    typographer: true,
    linkify: false,
  });
  md.use(footnote);
  md.use(attrs, {
    leftDelimiter: '{',
    rightDelimiter: '}',
    allowedAttributes: ['id', 'class', 'lang', 'dir', 'title', 'width'],
  });
  md.use(citationPlugin);
  // Last: it marks the blocks every other rule has made.
  md.use(sourceLinesPlugin);
  return md;
}
