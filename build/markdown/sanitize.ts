/**
 * Book content is trusted less than templates. Raw HTML in a chapter may use ordinary inline and
 * block markup; scripts, frames, forms, styles, event handlers and remote resources are removed.
 * The output is well-formed XHTML, so the EPUB can use it as it is.
 */
import sanitizeHtml from 'sanitize-html';

const OPTIONS: sanitizeHtml.IOptions = {
  allowedTags: [
    'a', 'abbr', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup',
    'dd', 'del', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
    'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section',
    'small', 'span', 'strong', 'sub', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u',
    'ul', 'var', 'wbr',
  ],
  allowedAttributes: {
    '*': ['id', 'class', 'lang', 'dir', 'title', 'role', 'epub:type', 'aria-label', 'aria-hidden'],
    a: ['href'],
    img: ['src', 'alt', 'width', 'height'],
    td: ['colspan', 'rowspan', 'style'],
    th: ['colspan', 'rowspan', 'scope', 'style'],
    ol: ['start', 'type'], // no boolean attributes: the EPUB is XML
    time: ['datetime'],
  },
  // markdown-it writes table alignment as style="text-align:…"; nothing else may style.
  allowedStyles: { td: { 'text-align': [/^(left|right|center)$/] }, th: { 'text-align': [/^(left|right|center)$/] } },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  selfClosing: ['br', 'hr', 'img', 'wbr', 'col'],
  parser: { lowerCaseAttributeNames: false },
  disallowedTagsMode: 'discard',
  // Images come only through Markdown's ![alt](path), which the model checks and rewrites to
  // "images/…"; a raw <img> pointing anywhere else is dropped.
  exclusiveFilter: (frame) => frame.tag === 'img' && !/^images\/[^/]+$/.test(frame.attribs.src ?? ''),
};

export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, OPTIONS).trim();
}
