/**
 * `[@key]` cites a bibliography entry and `[@fig:name]` refers to a labelled figure, table,
 * listing, equation or section (pandoc-crossref's syntax). Several may share a bracket,
 * `[@a; @b]` or `[@fig:a; @fig:b]`, and a citation may carry a locator, `[@key, p. 12]`.
 * markdown-it has no such syntax, so this inline rule turns the bracket into a `citation` token
 * that the parse stage checks and the renderer resolves. Mixing citations and references in one
 * bracket is an error, reported by the parse stage with the line.
 */
import type { MarkdownIt } from 'markdown-it';
import type { StateInline } from 'markdown-it';
import { isLabel } from './labels-plugin.ts';

export interface CitationItem {
  key: string;
  /** "p. 12", "chap. 3": printed after the label. */
  locator?: string;
}

export interface CitationMeta {
  items: CitationItem[];
  /** References to labels, citations of the bibliography, or both (an error). */
  kind: 'citation' | 'crossref' | 'mixed';
}

const KEY = String.raw`@([A-Za-z0-9][\w:.-]*?)`;
const ITEM = new RegExp(String.raw`^\s*${KEY}\s*(?:,\s*([^;\]]*?))?\s*$`);
const BRACKET = /^\[(@[^\]\n]*)\]/;

export function citationPlugin(md: MarkdownIt): void {
  md.inline.ruler.before('link', 'citation', (state: StateInline, silent: boolean) => {
    if (state.src.charCodeAt(state.pos) !== 0x5b /* [ */ || state.src.charCodeAt(state.pos + 1) !== 0x40 /* @ */) return false;
    const match = BRACKET.exec(state.src.slice(state.pos));
    if (!match) return false;
    const items: CitationItem[] = [];
    for (const part of match[1]!.split(';')) {
      const item = ITEM.exec(part);
      if (!item) return false; // not our syntax: left as text (and as a link, if it is one)
      items.push(item[2] ? { key: item[1]!, locator: item[2] } : { key: item[1]! });
    }
    if (!silent) {
      const refs = items.filter((i) => isLabel(i.key)).length;
      const token = state.push('citation', 'a', 0);
      const meta: CitationMeta = { items, kind: refs === 0 ? 'citation' : refs === items.length ? 'crossref' : 'mixed' };
      token.meta = meta as unknown as Record<string, unknown>; // markdown-it types meta loosely
    }
    state.pos += match[0].length;
    return true;
  });
}
