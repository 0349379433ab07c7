/**
 * Index marks, as Asciidoctor writes them: `((term))` shows the term and indexes it;
 * `(((primary, secondary)))` indexes without showing anything. Quotes keep a comma inside a term:
 * `((("Chintala, Soumith", PyTorch)))`. Each mark becomes an empty anchor (or the shown term)
 * with an id, `ix-<section>-<n>`, that the index points at: pages in print, links in the EPUB.
 */
import type { MarkdownIt, StateCore, Token } from 'markdown-it';

function textToken(state: StateCore, content: string): Token {
  const token = new state.Token('text', '', 0);
  token.content = content;
  return token;
}

export interface IndexMark {
  /** Primary term, then sub-entries: ["Chintala, Soumith", "PyTorch"]. */
  terms: string[];
  /** Line in the Markdown file. */
  line: number;
  /** In a note: it prints with the notes, at the back of the PDFs. */
  inNote: boolean;
}

export interface IndexEnv {
  /** Set by the parse stage: the marks in document order. */
  indexMarks?: IndexMark[];
  /** Set by the renderer: the id prefix of this section's marks ("ix-intro"). */
  indexIdPrefix?: string;
  /** Counts the marks rendered, so the n-th mark gets the n-th id. */
  indexRendered?: number;
}

export const indexMarkId = (prefix: string, n: number): string => `${prefix}-${n}`;

/** Splits "a, "b, c", d" at commas outside quotes, trimming each term and its quotes. */
export function splitTerms(text: string): string[] {
  const terms: string[] = [];
  let current = '';
  let quoted = false;
  for (const ch of text) {
    if (ch === '"') quoted = !quoted;
    else if (ch === ',' && !quoted) {
      terms.push(current);
      current = '';
    } else current += ch;
  }
  terms.push(current);
  return terms.map((t) => t.trim()).filter(Boolean);
}

const MARK = /\(\(\((?!\()([^\n]+?)\)\)\)|\(\((?!\()([^()\n]+?)\)\)/g;

export function indexPlugin(md: MarkdownIt): void {
  // markdown-it's text rule does not stop at "(", so the marks are found in the text tokens once
  // the inline parse is done (a mark in code, math or a URL is never a text token, and is left).
  md.core.ruler.after('inline', 'index_marks', (state) => {
    for (const block of state.tokens) {
      if (block.type !== 'inline' || !block.children || !block.content.includes('((')) continue;
      const children: Token[] = [];
      for (const token of block.children) {
        if (token.type !== 'text' || !token.content.includes('((')) {
          children.push(token);
          continue;
        }
        let last = 0;
        for (const match of token.content.matchAll(MARK)) {
          const concealed = match[1] !== undefined;
          const terms = concealed ? splitTerms(match[1]!) : [match[2]!.trim()];
          if (terms.length === 0) continue;
          if (match.index > last) children.push(textToken(state, token.content.slice(last, match.index)));
          const mark = new state.Token('index_mark', 'span', 0);
          mark.meta = { terms, visible: !concealed };
          mark.content = concealed ? '' : terms[0]!;
          children.push(mark);
          last = match.index + match[0].length;
        }
        if (last === 0) children.push(token);
        else if (last < token.content.length) children.push(textToken(state, token.content.slice(last)));
      }
      block.children = children;
    }
  });

  md.renderer.rules.index_mark = (tokens, idx, _options, rawEnv) => {
    const env = (rawEnv ?? {}) as IndexEnv;
    const token = tokens[idx]!;
    env.indexRendered = (env.indexRendered ?? 0) + 1;
    const id = indexMarkId(env.indexIdPrefix ?? 'ix', env.indexRendered);
    return token.content
      ? `<span class="index-term" id="${id}">${md.utils.escapeHtml(token.content)}</span>`
      : `<span class="index-mark" id="${id}"></span>`;
  };
}
