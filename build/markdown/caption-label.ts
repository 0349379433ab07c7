/**
 * What a numbered element's caption starts with ("Figure 3.2."), for the plugins that write
 * captions (figures, tables, listings, diagrams) and equation numbers. The numbers come from the
 * model's numbering pass, handed to the renderer through markdown-it's env.
 */
import type { MarkdownIt } from 'markdown-it';

export interface CaptionEnv {
  /** "Figure 3.2", "(3.4)", or undefined for an element without a number. */
  captionLabel?: (id: string) => string | undefined;
  /** Between the label and the caption's text: ". " in English, ": " in German. */
  captionSeparator?: string;
}

/** `<span class="caption-label">Figure 3.2.</span> `, or '' when the element has no number. */
export function captionLabelHtml(md: MarkdownIt, env: unknown, id: string | null | undefined): string {
  const e = (env ?? {}) as CaptionEnv;
  const label = id ? e.captionLabel?.(id) : undefined;
  if (!label) return '';
  const separator = e.captionSeparator ?? '. ';
  return `<span class="caption-label">${md.utils.escapeHtml(label + separator.trimEnd())}</span>${separator.endsWith(' ') ? ' ' : ''}`;
}
