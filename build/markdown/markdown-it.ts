/** The one configured markdown-it instance every book is parsed with. */
import MarkdownIt, { type MarkdownIt as Markdown } from 'markdown-it';
import footnote from 'markdown-it-footnote';
import attrs from 'markdown-it-attrs';
import { citationPlugin } from './citation-plugin.ts';

export function createMarkdown(): Markdown {
  const md = new MarkdownIt({
    // Raw HTML is parsed, then cleaned by sanitize.ts: authors may use inline and block
    // markup, but never scripts, frames, styles or event handlers.
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
  return md;
}
