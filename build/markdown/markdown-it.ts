/** The one configured markdown-it instance every book is parsed with. */
import MarkdownIt, { type MarkdownIt as Markdown } from 'markdown-it';
import footnote from 'markdown-it-footnote';
import { noteDefinitionsPlugin } from './note-definitions.ts';
import attrs from 'markdown-it-attrs';
import { citationPlugin } from './citation-plugin.ts';
import { codePlugin } from './code-plugin.ts';
import { calloutPlugin } from './callout-plugin.ts';
import { tableCaptionPlugin } from './table-caption-plugin.ts';
import { sourceLinesPlugin } from './source-lines.ts';
import { labelsPlugin } from './labels-plugin.ts';
import { indexPlugin } from './index-plugin.ts';
import { printUrlsPlugin } from './print-urls.ts';
import { figurePlugin } from './figure-plugin.ts';
import { mathPlugin } from './math-plugin.ts';
import { diagramPlugin } from './diagram-plugin.ts';

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

export interface MarkdownOptions {
  /** book.yaml code.tabWidth. */
  tabWidth?: number;
}

export function createMarkdown(language = 'en', options: MarkdownOptions = {}): Markdown {
  const md = new MarkdownIt({
    quotes: quotesFor(language),
    // Raw HTML is parsed, and each raw token cleaned by sanitize.ts: authors may use inline and
    // block markup, but never scripts, frames, styles or event handlers.
    html: true,
    xhtmlOut: true, // the EPUB needs well-formed XHTML
    typographer: true,
    // GitHub links bare addresses (https://…, www.…); bare domains and e-mail addresses stay text.
    linkify: true,
  });
  md.linkify.set({ fuzzyLink: false, fuzzyEmail: false });
  md.use(footnote);
  // Right after it: the line of every note definition, and a note defined twice.
  md.use(noteDefinitionsPlugin);
  md.use(attrs, {
    leftDelimiter: '{',
    rightDelimiter: '}',
    // filename, startFrom and caption are read by the code plugin (Quarto's and pandoc's names).
    allowedAttributes: ['id', 'class', 'lang', 'dir', 'title', 'width', 'filename', 'startFrom', 'caption'],
  });
  md.use(citationPlugin);
  // After attrs, before the code plugin: a ```mermaid fence is a diagram, not code.
  md.use(diagramPlugin);
  md.use(codePlugin, { tabWidth: options.tabWidth });
  md.use(printUrlsPlugin);
  // After attrs: a caption's {#id} moves to its table once markdown-it-attrs has read it.
  md.use(tableCaptionPlugin);
  md.use(calloutPlugin, { language });
  // After attrs: an image alone in its paragraph becomes a figure, {width=…} staying on the image.
  md.use(figurePlugin);
  // $…$ and $$…$$ TeX math, compiled to MathML at parse time (a TeX error is reported with its line).
  md.use(mathPlugin);
  // ((term)) and (((primary, secondary))): index marks.
  md.use(indexPlugin);
  // After every plugin that sets ids: labels ({#fig:x}) are listed and made XML ids (fig-x).
  md.use(labelsPlugin);
  // Last: it marks the blocks every other rule has made.
  md.use(sourceLinesPlugin);
  return md;
}
