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
import { xmlIdOf } from './labels-plugin.ts';

const ALLOWED_TAGS = new Set([
  'a', 'abbr', 'aside', 'b', 'bdi', 'bdo', 'blockquote', 'br', 'caption', 'center', 'cite', 'code', 'col', 'colgroup',
  'dd', 'del', 'details', 'dfn', 'div', 'dl', 'dt', 'em', 'figcaption', 'figure', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'hr',
  'i', 'img', 'ins', 'kbd', 'li', 'mark', 'ol', 'p', 'pre', 'q', 'rp', 'rt', 'ruby', 's', 'samp', 'section',
  'small', 'span', 'strong', 'sub', 'summary', 'sup', 'table', 'tbody', 'td', 'tfoot', 'th', 'thead', 'time', 'tr', 'u',
  'ul', 'var', 'wbr',
]);
/** Dropped with everything inside them, not only their tags. */
export const DROPPED_WITH_CONTENT = new Set(['script', 'style', 'textarea', 'noscript', 'template', 'iframe', 'object', 'title', 'svg', 'math', 'head']);
const VOID = new Set(['br', 'hr', 'img', 'wbr', 'col', 'source', 'input', 'meta', 'link', 'area', 'base', 'embed', 'param', 'track']);
/** What the author sees on GitHub and would miss in the book: removing it is said, with the line. */
const REMOVED_VISIBLY: Record<string, string> = {
  script: 'books do not run code',
  style: "the book's stylesheets set the look",
  iframe: 'a book cannot show another page; link to it instead',
  object: 'a book cannot embed it; use an image',
  embed: 'a book cannot embed it; use an image',
  video: 'a book cannot play it; use an image and a link',
  audio: 'a book cannot play it; link to it instead',
  canvas: 'it is drawn by a script',
  textarea: 'a book has no forms',
  input: 'a book has no forms',
  button: 'a book has no forms',
  select: 'a book has no forms',
  svg: 'save the drawing as an .svg file in the book and show it as an image',
  math: 'write the formula in TeX instead, between $ signs ($$ for a display equation)',
};
/** Elements whose end tag HTML lets authors leave out: not reported when left open. */
const OPTIONAL_END = new Set(['p', 'li', 'dt', 'dd', 'tr', 'td', 'th', 'thead', 'tbody', 'tfoot', 'rt', 'rp', 'colgroup', 'caption']);

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
 * plain box; <center> (obsolete, invalid in the EPUB) and align="center" become a class the
 * stylesheets set.
 */
const RENAMED: Record<string, { tag: string; className: string }> = {
  details: { tag: 'div', className: 'details' },
  summary: { tag: 'p', className: 'summary' },
  center: { tag: 'div', className: 'align-center' },
  // One set of classes for an author's <figure> and an implicit one (figure-plugin.ts).
  figure: { tag: 'figure', className: 'figure' },
};
const SAFE_HREF = /^(?:https?:|mailto:|#|[^:/?#]*(?:[/?#]|$))/i;

/** The raw image sources met in a raw HTML fragment are rewritten by this (see model). */
export type RawImageHref = (src: string) => string | undefined;

export interface RawImage {
  src: string;
  alt: string;
  width: string | undefined;
  height: string | undefined;
}

export interface RawHtmlHooks {
  /** Resolves an <img src>: the href to write, or undefined to drop the image (the model has reported it). */
  imageHref?: RawImageHref;
  /** Markup drawn in place of an <img> (an inline SVG, which is the builder's, not filtered), or undefined. */
  inlineImage?(image: RawImage): string | undefined;
  /** Something was changed in a way the author would notice; `line` is the Markdown file's, when known. */
  warn?(message: string, line: number | undefined): void;
  /** The number a <figcaption> of the figure with this id starts with (builder markup), or ''. */
  captionLabel?(figureId: string): string;
}

interface OpenElement {
  name: string;
  /** Written to the output (allowed), as opposed to skipped or dropped. */
  emitted: boolean;
  /** Dropped with its content. */
  dropped: boolean;
  line: number | undefined;
  /** Its id, for a <figure>: a caption inside gets the figure's number. */
  id?: string;
}

/**
 * The author's raw HTML, token by token, for one rendered fragment. Raw HTML arrives in pieces: a
 * `<div align="center">` block, then Markdown, then a `</div>` block, or `<sup>`, text, `</sup>`
 * as three inline tokens. The filter remembers which raw elements are open between tokens, so a
 * closing tag in a later token still closes its element (a parser fed one token alone would drop
 * it, and everything after would end up inside the div). It does not balance: `wellFormed()`
 * balances the whole rendered fragment afterwards.
 */
export class RawHtmlFilter {
  private open: OpenElement[] = [];

  constructor(private readonly hooks: RawHtmlHooks = {}) {}

  /**
   * One raw token. `line` is the file line it starts on; for a block token (html_block) its
   * top-level elements are marked with it (data-line).
   */
  write(html: string, line?: number, block = false): string {
    const { imageHref = () => undefined, inlineImage, warn, captionLabel } = this.hooks;
    // The elements still open are opened again, silently, so the parser knows what closes what.
    const prefix = this.open.map((e) => `<${e.name}>`).join('');
    const previous = this.open;
    const stack: OpenElement[] = [];
    let synthetic = 0;
    let ending = false;
    let out = '';
    const lineAt = (index: number): number | undefined => {
      if (line === undefined) return undefined;
      const before = html.slice(0, Math.max(0, index - prefix.length));
      return line + (before.match(/\n/g)?.length ?? 0);
    };
    const dropping = (): boolean => stack.some((e) => e.dropped);
    const topLevel = (): boolean => block && !stack.some((e) => e.emitted);
    const parser = new Parser(
      {
        onopentag(name, attribs) {
          if (parser.startIndex < prefix.length) {
            // Re-opened from an earlier token: its state, no output.
            const again = previous[synthetic++];
            if (again && !VOID.has(name)) stack.push(again);
            return;
          }
          const at = lineAt(parser.startIndex);
          const entry: OpenElement = { name, emitted: false, dropped: false, line: at, id: attribs.id ? xmlIdOf(attribs.id) : undefined };
          const push = (): void => {
            if (!VOID.has(name)) stack.push(entry);
          };
          if (dropping()) {
            entry.dropped = true;
            return push();
          }
          if (REMOVED_VISIBLY[name]) warn?.(`raw <${name}> removed: ${REMOVED_VISIBLY[name]}`, at);
          if (DROPPED_WITH_CONTENT.has(name)) {
            entry.dropped = true;
            return push();
          }
          if (!ALLOWED_TAGS.has(name)) return push();
          const renamed = RENAMED[name];
          const classes = [renamed?.className, /^(left|right|center|justify)$/i.test(attribs.align ?? '') ? `align-${attribs.align!.toLowerCase()}` : undefined];
          const extraClass = classes.filter(Boolean).join(' ');
          if (extraClass) attribs = { ...attribs, class: `${attribs.class ?? ''} ${extraClass}`.trim() };
          // Top-level blocks carry their line, and so does every image, for the layout's messages.
          const dataLine = at !== undefined && (topLevel() || name === 'img') ? ` data-line="${at}"` : '';
          if (name === 'img') {
            // An image without a source or without alt text was reported as an error by the model.
            const src = attribs.src;
            if (src === undefined) return;
            const inline = inlineImage?.({ src, alt: attribs.alt ?? '', width: attribs.width, height: attribs.height });
            if (inline !== undefined) {
              out += dataLine ? inline.replace(/^<svg\b/, `<svg${dataLine}`) : inline;
              return;
            }
            const href = imageHref(src);
            if (href === undefined) return;
            attribs = { ...attribs, src: href };
          }
          const kept: string[] = [];
          for (const [key, value] of Object.entries(attribs)) {
            if (!GLOBAL_ATTRIBUTES.includes(key) && !(ATTRIBUTES[name] ?? []).includes(key)) continue;
            if (key === 'href' && !SAFE_HREF.test(value.trim())) continue;
            if (name === 'img' && (key === 'width' || key === 'height')) continue; // see imageSize
            // Labels (id="fig:x", href="#fig:x") become XML ids, as in the Markdown (labels-plugin.ts).
            const v = key === 'id' ? xmlIdOf(value) : key === 'href' ? value.replace(/#(.*)$/, (_, f: string) => `#${xmlIdOf(f)}`) : value;
            kept.push(` ${key}="${escapeAttribute(v)}"`);
          }
          if (name === 'img') kept.push(...imageSize(attribs.width, attribs.height));
          const tag = renamed?.tag ?? name;
          entry.emitted = true;
          push();
          out += VOID.has(name) ? `<${tag}${kept.join('')}${dataLine}/>` : `<${tag}${kept.join('')}${dataLine}>`;
          if (name === 'figcaption') {
            const figure = [...stack].reverse().find((e) => e.name === 'figure' && e.emitted);
            if (figure?.id) out += captionLabel?.(figure.id) ?? '';
          }
        },
        ontext(text) {
          if (!dropping()) out += escapeText(text);
        },
        onclosetag(name, isImplied) {
          // At the end of the token, elements still open stay open for the next one.
          if (ending || VOID.has(name)) return;
          const entry = stack.pop();
          if (!entry || !entry.emitted || isImplied) return;
          out += `</${RENAMED[name]?.tag ?? name}>`;
        },
      },
      { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: false, recognizeSelfClosing: true },
    );
    parser.write(prefix + html);
    ending = true;
    parser.end();
    this.open = stack;
    return out;
  }

  /** At the end of the fragment: elements the author opened and never closed are reported (wellFormed closes them). */
  finish(): void {
    for (const e of this.open) {
      if (e.emitted && !OPTIONAL_END.has(e.name)) {
        this.hooks.warn?.(`raw <${e.name}> is never closed; it is closed at the end of the chapter (add </${e.name}>)`, e.line);
      }
    }
    this.open = [];
  }
}

/** One raw-HTML token, filtered on its own; `imageHref` resolves an <img src>, undefined drops the image. */
export function sanitizeRawHtml(html: string, imageHref: RawImageHref = () => undefined, line?: number): string {
  return new RawHtmlFilter({ imageHref }).write(html, line, line !== undefined);
}

/**
 * width/height of an image, as XHTML allows them: a number of CSS pixels ("400", "400px"); any
 * other length (60%, 3in) goes into style, which the EPUB accepts where the attribute would not.
 */
export function imageSize(width: string | undefined, height: string | undefined): string[] {
  return imageSizeAttributes(width, height).map(([name, value]) => ` ${name}="${escapeAttribute(value)}"`);
}

export function imageSizeAttributes(width: string | undefined, height: string | undefined): [string, string][] {
  const out: [string, string][] = [];
  const style: string[] = [];
  for (const [name, value] of [['width', width], ['height', height]] as const) {
    const v = value?.trim();
    if (!v) continue;
    if (/^\d+(\.\d+)?(px)?$/.test(v)) out.push([name, String(Math.round(parseFloat(v)))]);
    else if (/^\d+(\.\d+)?(%|em|rem|in|cm|mm|pt)$/.test(v)) style.push(`${name}:${v}`);
  }
  if (style.length) out.push(['style', style.join(';')]);
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
  allowedTags: [...ALLOWED_TAGS].filter((t) => !RENAMED[t] || RENAMED[t].tag === t),
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
