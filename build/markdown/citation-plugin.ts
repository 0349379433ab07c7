/**
 * `[@key]` cites a bibliography entry. markdown-it has no citation syntax of its own, so this
 * small inline rule turns the bracket into a `citation` token that the renderer resolves.
 */
import type { MarkdownIt } from 'markdown-it';
import type { StateInline } from 'markdown-it';

const CITATION = /^\[@([A-Za-z0-9][\w:.-]*)\]/;

export function citationPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('link', 'citation', (state: StateInline, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */) return false;
    const match = CITATION.exec(state.src.slice(state.pos));
    if (!match) return false;
    if (!silent) {
      const token = state.push('citation', 'a', 0);
      token.meta = { key: match[1] };
    }
    state.pos += match[0].length;
    return true;
  });
}
