/**
 * Book content is trusted less than templates. The author's raw HTML (markdown-it's html_block
 * and html_inline tokens, and nothing else) may use ordinary inline and block markup; scripts,
 * frames, forms, styles, event handlers and remote resources are removed. The builder's own
 * output (highlighted code, MathML, SVG, figures) never passes through this filter.
 *
 * Raw HTML arrives in pieces (`<sup>`, text, `</sup>` are three tokens), so the filter works tag by
 * tag and does not balance: `wellFormed()` balances the whole rendered fragment afterwards.
 */
import { Parser } from 'htmlparser2';
import sanitizeHtml from 'sanitize-html';

const ALLOWED_TAGS = new Set([
  'a', 'abbr', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'cite', 'code', 'col', 'colgroup',
  'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
  'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section',
  'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u',
  'ul', 'var', 'wbr',
]);
/** Dropped with everything inside them, not only their tags. */
const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'noscript', 'template', 'iframe', 'object', 'title', 'svg', 'math', 'head']);
const VOID = new Set(['br', 'hr', 'img', 'wbr', 'col', 'source', 'input', 'meta', 'link', 'area', 'base', 'embed', 'param', 'track']);

const GLOBAL_ATTRIBUTES = ['id', 'class', 'lang', 'dir', 'title', 'role', 'epub:type', 'aria-label', 'aria-hidden'];
const ATTRIBUTES: Record<string, string[]> = {
  a: ['href'],
  img: ['src', 'alt', 'width', 'height'],
  td: ['colspan', 'rowspan'],
  th: ['colspan', 'rowspan', 'scope'],
  ol: ['start', 'type'], // no boolean attributes: the EPUB is XML
  time: ['datetime'],
};
/**
 * Tags kept under another name: a closed <details> prints nothing of its content, so it becomes a
 * plain box; align="center" (obsolete, invalid in the EPUB) becomes a class the stylesheets set.
 */
const RENAMED: Record<string, { tag: string; className: string }> = {
  details: { tag: 'div', className: 'details' },
  summary: { tag: 'p', className: 'summary' },
};
const SAFE_HREF = /^(?:https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))/i;

/** The raw image sources met in a raw HTML fragment are rewritten by this (see model). */
export type RawImageHref = (src: string) => string | undefined;

/** One raw-HTML token, filtered tag by tag; `imageHref` resolves an <img src>, undefined drops the image. */
export function sanitizeRawHtml(html: string, imageHref: RawImageHref = () => undefined, line?: number): string {
  let out = '';
  let dropping = 0;
  /** Depth of open elements, so the top-level ones get the source line. */
  let depth = 0;
  const parser = new Parser(
    {
      onopentag(name, attribs) {
        if (dropping > 0 || DROPPED_WITH_CONTENT.has(name)) {
          if (!VOID.has(name)) dropping++;
          return;
        }
        if (!ALLOWED_TAGS.has(name)) return;
        const kept: string[] = [];
        const classes = [RENAMED[name]?.className, /^(left|right|center|justify)$/i.test(attribs.align ?? '') ? `align-${attribs.align!.toLowerCase()}` : undefined];
        const extraClass = classes.filter(Boolean).join(' ');
        if (extraClass) attribs = { ...attribs, class: `${attribs.class ?? ''} ${extraClass}`.trim() };
        for (const [key, value] of Object.entries(attribs)) {
          if (!GLOBAL_ATTRIBUTES.includes(key) && !(ATTRIBUTES[name] ?? []).includes(key)) continue;
          if (key === 'href' && !SAFE_HREF.test(value.trim())) continue;
          let v = value;
          if (name === 'img' && key === 'src') {
            const resolved = imageHref(value);
            if (resolved === undefined) return; // an image the book cannot show is dropped (the model reported it)
            v = resolved;
          }
          kept.push(` ${key}="${escapeAttribute(v)}"`);
        }
        if (name === 'img' && !('src' in attribs)) return;
        const tag = RENAMED[name]?.tag ?? name;
        if (line !== undefined && depth === 0) kept.push(` data-line="${line}"`);
        if (!VOID.has(name)) depth++;
        out += VOID.has(name) ? `<${tag}${kept.join('')}/>` : `<${tag}${kept.join('')}>`;
      },
      ontext(text) {
        if (dropping === 0) out += escapeText(text);
      },
      onclosetag(name, isImplied) {
        if (dropping > 0) {
          if (!VOID.has(name)) dropping--;
          return;
        }
        if (isImplied || VOID.has(name) || !ALLOWED_TAGS.has(name)) return;
        depth = Math.max(0, depth - 1);
        out += `</${RENAMED[name]?.tag ?? name}>`;
      },
    },
    { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: false, recognizeSelfClosing: true },
  );
  parser.write(html);
  parser.end();
  return out;
}

const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string): string => escapeText(s).replace(/"/g, '&quot;');

/**
 * Balances a rendered fragment (an author's `<b>` never closed, a `</div>` with no opening) and
 * writes it as XHTML, for the EPUB. Every tag and attribute is kept: this is not a filter.
 */
const BALANCE: sanitizeHtml.IOptions = {
  allowedTags: false,
  allowedAttributes: false,
  allowVulnerableTags: true,
  allowedSchemes: ['https', 'http', 'mailto', 'file', 'data'],
  selfClosing: ['br', 'hr', 'img', 'wbr', 'col', 'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'use', 'stop', 'mspace', 'mprescripts', 'none'],
  parser: { lowerCaseAttributeNames: false, lowerCaseTags: false },
  disallowedTagsMode: 'discard',
};

export function wellFormed(html: string): string {
  return sanitizeHtml(html, BALANCE).trim();
}

/**
 * Whole-fragment filter for the short Markdown texts of book.yaml (credits, the back-cover blurb),
 * which hold no builder markup at all.
 */
const STRICT: sanitizeHtml.IOptions = {
  allowedTags: [...ALLOWED_TAGS].filter((t) => !RENAMED[t]),
  allowedAttributes: { '*': GLOBAL_ATTRIBUTES, ...ATTRIBUTES },
  allowedSchemes: ['https', 'http', 'mailto'],
  allowedSchemesByTag: { img: [] },
  allowProtocolRelative: false,
  selfClosing: ['br', 'hr', 'img', 'wbr', 'col'],
  parser: { lowerCaseAttributeNames: false },
  disallowedTagsMode: 'discard',
  exclusiveFilter: (frame) => frame.tag === 'img',
};

export function sanitizeFragment(html: string): string {
  return sanitizeHtml(html, STRICT).trim();
}
