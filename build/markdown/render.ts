/**
 * Renders a parsed section to HTML fragments: its title, its body and its notes. Internal links
 * stay as "#id"; each output format resolves them to its own documents later.
 */
import type { MarkdownIt } from 'markdown-it';
import type { Token } from 'markdown-it';
import { attr, type ParsedSection } from './parse.ts';
import { imageSizeAttributes, RawHtmlFilter, wellFormed } from './sanitize.ts';
import { repairNesting } from './repair-html.ts';
import { breakableUrl, type PrintUrls, type PrintUrlsEnv } from './print-urls.ts';
import type { CitationMeta } from './citation-plugin.ts';
import { citationHtml } from './references.ts';
import { captionLabelHtml, type CaptionEnv } from './caption-label.ts';
import type { IndexEnv } from './index-plugin.ts';

export interface RenderContext {
  /** Id prefix for this section's notes: note-<sectionId>-<n>. */
  sectionId: string;
  /** Label and target id of a bibliography entry. Unknown keys were rejected before rendering. */
  citation(key: string): { label: string; id: string };
  /** The href an image gets in the book's HTML, from the src written in the Markdown. */
  imageHref(src: string): string;
  /** The same for an <img src> in raw HTML; undefined when the book cannot show it. */
  rawImageHref?(src: string): string | undefined;
  /**
   * Markup drawn in place of an image, Markdown or raw (an SVG, inline, so that it is set in the
   * book's fonts), or undefined to keep an <img>. `idPrefix` is unique in the section.
   */
  inlineImage?(image: { src: string; alt: string; width?: string; height?: string; idPrefix: string }): string | undefined;
  /** Something in the author's HTML had to be changed in a way they would see; `line` in their file. */
  warn?(message: string, line: number | undefined): void;
  /** Set for the print flavour: how external links show their address (print-urls.ts). */
  printUrls?: PrintUrls;
  /** The markup of a reference to labels (`[@fig:a; @fig:b]`), from the numbering pass. */
  reference?(labels: string[]): string;
  /** "Figure 3.2", "(3.4)": what the caption of the element with this id starts with. */
  captionLabel?(id: string): string | undefined;
  /** Between a caption's number and its text (". " in English). */
  captionSeparator?: string;
  /** Ids of this section's index marks start with this ("ix-intro"). */
  indexIdPrefix?: string;
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

type MarkdownEnvWithUrls = ParsedSection['env'] & PrintUrlsEnv;

export const noteId = (sectionId: string, n: number): string => `note-${sectionId}-${n}`;
export const noteRefId = (sectionId: string, n: number, sub: number): string =>
  `noteref-${sectionId}-${n}${sub > 0 ? `-${sub + 1}` : ''}`;

export function renderSection(md: MarkdownIt, parsed: ParsedSection, ctx: RenderContext): RenderedSection {
  const rules = md.renderer.rules;
  const saved = { ...rules };
  const noteRef = (n: number, sub: number): string =>
    `<sup class="noteref-mark"><a class="noteref" epub:type="noteref" role="doc-noteref" id="${noteRefId(ctx.sectionId, n, sub)}" href="#${noteId(ctx.sectionId, n)}">${n}</a></sup>`;
  const authorNoteCount = parsed.env.footnotes?.list?.length ?? 0;
  const env: MarkdownEnvWithUrls & CaptionEnv & IndexEnv = {
    ...parsed.env,
    printUrls: ctx.printUrls,
    authorNoteCount,
    noteRef: (n) => noteRef(n, 0),
    urlNotes: [],
    captionLabel: ctx.captionLabel,
    captionSeparator: ctx.captionSeparator,
    indexIdPrefix: ctx.indexIdPrefix,
    indexRendered: 0,
  };
  try {
    rules.footnote_ref = (tokens, idx) => {
      const meta = tokens[idx]!.meta as { id: number; subId: number };
      return noteRef(meta.id + 1, meta.subId);
    };
    rules.footnote_anchor = () => '';
    rules.citation = (tokens, idx) => {
      const meta = tokens[idx]!.meta as unknown as CitationMeta;
      if (meta.kind === 'crossref') return ctx.reference?.(meta.items.map((i) => i.key)) ?? '';
      return citationHtml(meta.items, ctx.citation, md.utils.escapeHtml);
    };
    // Only the author's raw HTML is filtered; the builder's own markup is not. One filter per
    // fragment (body, title, each note): it follows raw elements left open from token to token.
    let svgCount = 0;
    const inlineImage = (image: { src: string; alt: string; width?: string | undefined; height?: string | undefined }): string | undefined => {
      const drawn = ctx.inlineImage?.({ ...image, idPrefix: `${ctx.sectionId}-svg${svgCount + 1}` });
      if (drawn !== undefined) svgCount++;
      return drawn;
    };
    const newFilter = (): RawHtmlFilter =>
      new RawHtmlFilter({ imageHref: (src) => ctx.rawImageHref?.(src), inlineImage, warn: ctx.warn, captionLabel: (id) => captionLabelHtml(md, env, id) });
    let filter = newFilter();
    rules.html_block = (tokens, idx, _o, e) => {
      const token = tokens[idx]!;
      const offset = (e as { bodyLine?: number }).bodyLine ?? 1;
      return filter.write(token.content, token.map ? token.map[0] + offset : undefined, true);
    };
    rules.html_inline = (tokens, idx) => {
      const token = tokens[idx]!;
      return filter.write(token.content, (token.meta as { line?: number } | null)?.line, false);
    };
    /** Balanced, then with invalid nesting repaired (repair-html.ts). */
    const finish = (html: string): string => {
      filter.finish();
      filter = newFilter();
      const balanced = wellFormed(html);
      const repaired = repairNesting(balanced);
      for (const r of repaired.repairs) ctx.warn?.(r.message, r.line);
      return repaired.changed ? wellFormed(repaired.html) : balanced;
    };
    const defaultImage = saved.image!;
    rules.image = (tokens, idx, options, e, self) => {
      const token = tokens[idx]!;
      const src = attr(token, 'src') ?? '';
      const alt = self.renderInlineAsText(token.children ?? [], options, e);
      const inline = inlineImage({ src, alt, width: attr(token, 'width'), height: attr(token, 'height') });
      if (inline !== undefined) return inline;
      token.attrSet('src', ctx.imageHref(src));
      // width=60% ({width=60%}) is not an XHTML width: as the raw-HTML filter does, into style.
      const size = imageSizeAttributes(attr(token, 'width'), attr(token, 'height'));
      token.attrs = (token.attrs ?? []).filter(([name]) => name !== 'width' && name !== 'height');
      for (const [name, value] of size) token.attrSet(name, value);
      return defaultImage(tokens, idx, options, e, self);
    };

    const tokens = parsed.tokens;
    for (const heading of parsed.headings) tokens[heading.tokenIndex]!.attrSet('id', heading.id);

    const split = tokens.findIndex((t) => t.type === 'footnote_block_open');
    const body = (split < 0 ? tokens : tokens.slice(0, split)).filter((_, i, all) => !isTitleToken(all, i));
    const bodyHtml = finish(md.renderer.render(body, md.options, env));
    const titleHtml = finish(md.renderer.renderInline(parsed.titleTokens ?? [], md.options, env)) ||
      md.utils.escapeHtml(parsed.title ?? '');

    const notes: RenderedNote[] = [];
    const urlNotes = [...(env.urlNotes ?? [])];
    // Links inside notes print their address inline: a note of a note helps no one.
    if (env.printUrls === 'notes') env.printUrls = 'inline';
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
            html: finish(md.renderer.render(tokens.slice(open + 1, i), md.options, env)),
          });
          open = -1;
        }
      }
    }
    urlNotes.forEach((url, k) => {
      const n = authorNoteCount + k + 1;
      notes.push({
        number: n,
        id: noteId(ctx.sectionId, n),
        refIds: [noteRefId(ctx.sectionId, n, 0)],
        html: `<p><a href="${md.utils.escapeHtml(url)}" class="print-url-note">${breakableUrl(url, md.utils.escapeHtml)}</a></p>`,
      });
    });
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
