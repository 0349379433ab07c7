/**
 * Renders a parsed section to HTML fragments: its title, its body and its notes. Internal links
 * stay as "#id"; each output format resolves them to its own documents later.
 */
import type { MarkdownIt } from 'markdown-it';
import type { Token } from 'markdown-it';
import { attr, type ParsedSection } from './parse.ts';
import { sanitizeRawHtml, wellFormed } from './sanitize.ts';

export interface RenderContext {
  /** Id prefix for this section's notes: note-<sectionId>-<n>. */
  sectionId: string;
  /** Label and target id of a bibliography entry. Unknown keys were rejected before rendering. */
  citation(key: string): { label: string; id: string };
  /** The href an image gets in the book's HTML, from the src written in the Markdown. */
  imageHref(src: string): string;
  /** The same for an <img src> in raw HTML; undefined when the book cannot show it. */
  rawImageHref?(src: string): string | undefined;
}

export interface RenderedNote {
  number: number;
  id: string;
  /** Ids of the places in the text that refer to this note (usually one). */
  refIds: string[];
  html: string;
}

export interface RenderedSection {
  titleHtml: string;
  bodyHtml: string;
  notes: RenderedNote[];
}

export const noteId = (sectionId: string, n: number): string => `note-${sectionId}-${n}`;
export const noteRefId = (sectionId: string, n: number, sub: number): string =>
  `noteref-${sectionId}-${n}${sub > 0 ? `-${sub + 1}` : ''}`;

export function renderSection(md: MarkdownIt, parsed: ParsedSection, ctx: RenderContext): RenderedSection {
  const rules = md.renderer.rules;
  const saved = { ...rules };
  const env = { ...parsed.env };
  try {
    rules.footnote_ref = (tokens, idx) => {
      const meta = tokens[idx]!.meta as { id: number; subId: number };
      const n = meta.id + 1;
      return `<sup class="noteref-mark"><a class="noteref" epub:type="noteref" role="doc-noteref" id="${noteRefId(
        ctx.sectionId,
        n,
        meta.subId,
      )}" href="#${noteId(ctx.sectionId, n)}">${n}</a></sup>`;
    };
    rules.footnote_anchor = () => '';
    rules.citation = (tokens, idx) => {
      const { label, id } = ctx.citation((tokens[idx]!.meta as { key: string }).key);
      return `<a class="citation" href="#${id}">${md.utils.escapeHtml(label)}</a>`;
    };
    // Only the author's raw HTML is filtered; the builder's own markup is not.
    const rawImage = (src: string): string | undefined => ctx.rawImageHref?.(src);
    rules.html_block = (tokens, idx, _o, e) => {
      const token = tokens[idx]!;
      const offset = (e as { bodyLine?: number }).bodyLine ?? 1;
      return sanitizeRawHtml(token.content, rawImage, token.map ? token.map[0] + offset : undefined);
    };
    rules.html_inline = (tokens, idx) => sanitizeRawHtml(tokens[idx]!.content, rawImage);
    const defaultImage = saved.image!;
    rules.image = (tokens, idx, options, e, self) => {
      const token = tokens[idx]!;
      token.attrSet('src', ctx.imageHref(attr(token, 'src') ?? ''));
      return defaultImage(tokens, idx, options, e, self);
    };

    const tokens = parsed.tokens;
    for (const heading of parsed.headings) tokens[heading.tokenIndex]!.attrSet('id', heading.id);

    const split = tokens.findIndex((t) => t.type === 'footnote_block_open');
    const body = (split < 0 ? tokens : tokens.slice(0, split)).filter((_, i, all) => !isTitleToken(all, i));
    const bodyHtml = wellFormed(md.renderer.render(body, md.options, env));
    const titleHtml = wellFormed(md.renderer.renderInline(parsed.titleTokens ?? [], md.options, env)) ||
      md.utils.escapeHtml(parsed.title ?? '');

    const notes: RenderedNote[] = [];
    if (split >= 0) {
      let open = -1;
      for (let i = split; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token.type === 'footnote_open') open = i;
        if (token.type === 'footnote_close' && open >= 0) {
          const meta = tokens[open]!.meta as { id: number };
          const n = meta.id + 1;
          const count = parsed.env.footnotes?.list?.[meta.id]?.count ?? 1;
          notes.push({
            number: n,
            id: noteId(ctx.sectionId, n),
            refIds: Array.from({ length: Math.max(1, count) }, (_, sub) => noteRefId(ctx.sectionId, n, sub)),
            html: wellFormed(md.renderer.render(tokens.slice(open + 1, i), md.options, env)),
          });
          open = -1;
        }
      }
    }
    return { titleHtml, bodyHtml, notes };
  } finally {
    for (const key of Object.keys(rules)) if (!(key in saved)) delete rules[key];
    Object.assign(rules, saved);
  }
}

/** The # title is set by the templates, not repeated in the body. */
function isTitleToken(tokens: Token[], i: number): boolean {
  const isTitleOpen = (t: Token | undefined): boolean =>
    t?.type === 'heading_open' && (t.meta as { isTitle?: boolean } | null)?.isTitle === true;
  if (isTitleOpen(tokens[i])) return true;
  if (isTitleOpen(tokens[i - 1])) return true; // its inline content
  return tokens[i]?.type === 'heading_close' && isTitleOpen(tokens[i - 2]);
}
