/**
 * Implicit figures, by Pandoc's rule: an image alone in its paragraph is a figure with a caption.
 *
 *   ![A heat map of requests by hour](images/heat.png)            caption = the alt text
 *   ![A heat map of requests by hour](images/heat.png "Traffic")   caption = the title
 *
 * With a title, the alt text stays the image's description for screen readers and the title is
 * the caption. When the caption is the alt text, the caption is hidden from screen readers
 * (aria-hidden), as Pandoc and VFM do, so it is not read twice. `{width=60%}` after the image
 * (markdown-it-attrs) stays on the image. The figure keeps the paragraph's source line, and has
 * the same class as an author's raw `<figure>` (sanitize.ts), so the two look the same.
 */
import { captionLabelHtml } from './caption-label.ts';
import type { MarkdownIt, StateCore, Token } from 'markdown-it';

export const FIGURE_CLASS = 'figure';

interface CaptionMeta {
  figure: Token;
  sameAsAlt: boolean;
}

export function figurePlugin(md: MarkdownIt): void {
  const rule = (state: StateCore): void => {
    const tokens = state.tokens;
    for (let i = 0; i + 2 < tokens.length; i++) {
      const open = tokens[i]!;
      const inline = tokens[i + 1]!;
      const close = tokens[i + 2]!;
      // A tight list item's paragraph is hidden: the image is part of the item, not a figure.
      if (open.type !== 'paragraph_open' || open.hidden || inline.type !== 'inline' || close.type !== 'paragraph_close') continue;
      const children = (inline.children ?? []).filter((c) => !(c.type === 'text' && !c.content.trim()) && c.type !== 'softbreak');
      const image = children[0];
      if (children.length !== 1 || image?.type !== 'image') continue;
      const alt = altText(image);
      if (!alt) continue; // no figure without a description; the model reports the missing alt
      const title = image.attrGet('title');
      const caption = title ? String(title) : alt;

      open.type = 'figure_open';
      open.tag = 'figure';
      open.attrJoin('class', FIGURE_CLASS);
      // A label ({#fig:x} after the image) names the figure, which carries the number.
      const id = image.attrGet('id');
      if (id !== null) {
        open.attrSet('id', String(id));
        image.attrs = (image.attrs ?? []).filter(([name]) => name !== 'id');
      }
      close.type = 'figure_close';
      close.tag = 'figure';
      inline.children = [image];
      // The caption is shown once: the title is not repeated as a tooltip.
      if (title) image.attrs = (image.attrs ?? []).filter(([name]) => name !== 'title');

      const captionOpen = new state.Token('figcaption_open', 'figcaption', 1);
      captionOpen.block = true;
      captionOpen.meta = { figure: open, sameAsAlt: caption === alt };
      const captionInline = new state.Token('inline', '', 0);
      captionInline.content = caption;
      captionInline.map = inline.map;
      const label = new state.Token('figure_caption_label', '', 0);
      label.meta = { figure: open, sameAsAlt: caption === alt };
      const textEnd = new state.Token('figure_caption_text_close', '', 0);
      textEnd.meta = label.meta;
      captionInline.children = [label, ...(title ? [textToken(state, caption)] : (image.children ?? []).map((c) => copy(state, c))), textEnd];
      const captionClose = new state.Token('figcaption_close', 'figcaption', -1);
      captionClose.block = true;
      tokens.splice(i + 2, 0, captionOpen, captionInline, captionClose);
      i += 4;
    }
  };
  // The number ("Figure 3.2.") comes from the model's numbering pass, known when rendering. A
  // caption that only repeats the alt text is hidden from screen readers (they read the alt),
  // but its number is not.
  const numbered = (meta: CaptionMeta, env: unknown): string => {
    const id = meta.figure.attrGet('id');
    return captionLabelHtml(md, env, id === null ? undefined : String(id));
  };
  md.renderer.rules.figcaption_open = (tokens, idx, _options, env) => {
    const meta = tokens[idx]!.meta as unknown as CaptionMeta; // set by the rule above
    return meta.sameAsAlt && !numbered(meta, env) ? '<figcaption aria-hidden="true">' : '<figcaption>';
  };
  md.renderer.rules.figure_caption_label = (tokens, idx, _options, env) => {
    const meta = tokens[idx]!.meta as unknown as CaptionMeta; // set by the rule above
    const label = numbered(meta, env);
    return label && meta.sameAsAlt ? `${label}<span aria-hidden="true">` : label;
  };
  md.renderer.rules.figure_caption_text_close = (tokens, idx, _options, env) => {
    const meta = tokens[idx]!.meta as unknown as CaptionMeta; // set by the rule above
    return numbered(meta, env) && meta.sameAsAlt ? '</span>' : '';
  };
  // After markdown-it-attrs has moved {width=…} onto the image and removed it from the text, and
  // before the typographer, which then gives the caption its quotes and dashes.
  try {
    md.core.ruler.after('curly_attributes', 'implicit_figures', rule);
  } catch {
    md.core.ruler.before('linkify', 'implicit_figures', rule);
  }
}

function altText(image: Token): string {
  return (image.children ?? [])
    .map((c) => (c.type === 'text' || c.type === 'code_inline' ? c.content : c.type === 'softbreak' ? ' ' : ''))
    .join('')
    .trim();
}

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

function copy(state: StateCore, token: Token): Token {
  const clone = new state.Token(token.type, token.tag, token.nesting);
  Object.assign(clone, token, { attrs: token.attrs ? token.attrs.map(([k, v]) => [k, v]) : null, children: token.children?.map((c) => copy(state, c)) ?? null });
  return clone;
}
