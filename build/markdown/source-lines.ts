/**
 * Marks every top-level block of the rendered HTML with the line of the Markdown file it comes
 * from (`data-line`), so that what only the layout can find (an element wider than the page, an
 * image that failed to load) is reported at the author's line. The EPUB drops the attribute.
 */
import type { MarkdownIt } from 'markdown-it';

export interface SourceLinesEnv {
  /** Line of the file on which the parsed body starts (after the front matter). */
  bodyLine?: number;
}

export const DATA_LINE = 'data-line';

export function sourceLinesPlugin(md: MarkdownIt): void {
  md.core.ruler.push('source_lines', (state) => {
    const offset = (state.env as SourceLinesEnv).bodyLine ?? 1;
    for (const token of state.tokens) {
      if (!token.map || token.nesting < 0 || token.type === 'inline') continue;
      if (token.type === 'html_block') continue; // raw HTML carries its line through the sanitizer
      if (token.attrGet(DATA_LINE) === null) token.attrSet(DATA_LINE, String(token.map[0] + offset));
    }
  });
}

/** Removes the source-line marks, for outputs that have no use for them (the EPUB). */
export const stripSourceLines = (html: string): string => html.replace(/ data-line="\d+"/g, '');
