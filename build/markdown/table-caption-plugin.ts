/**
 * Tables: captions by Pandoc's rule, header cells that say what they head, and a wrapper.
 *
 * - A paragraph starting `Table:` (or `table:`, or `: `) just before or just after a table is its
 *   caption (Pandoc's MANUAL, "Table captions"); the one before wins, as in Pandoc, and a
 *   paragraph after one table and before the next captions the first. A label at the end of the
 *   caption (`{#tbl:name}`, pandoc-crossref's spelling) names the table: markdown-it-attrs puts it
 *   on the caption, and this plugin moves it, and any class, to the <table>, where labels-plugin.ts
 *   makes it an XML id (tbl-name) and numbering finds it.
 * - Header cells get `scope="col"` (Ace, and screen readers reading a cell's header); short body
 *   cells the class `short-cell`, which keeps them on one line (see SHORT_CELL).
 * - Every Markdown table is wrapped in `<div class="table-wrap">`: the EPUB scrolls a table too
 *   wide for the screen inside it rather than the whole page; the print stylesheet leaves it
 *   inert. The table itself keeps its `data-line`, for the layout's messages.
 */
import { captionLabelHtml } from './caption-label.ts';
import type { MarkdownIt, StateCore, Token } from 'markdown-it';

const CAPTION = /^(?:[Tt]able:\s*|:\s+)(?=\S)/;

export function tableCaptionPlugin(md: MarkdownIt): void {
  // Before inline parsing, so the caption's text is parsed (emphasis, code, {#id}) as a caption.
  md.core.ruler.after('block', 'table_caption', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const table = tokens[i]!;
      if (table.type !== 'table_open') continue;
      for (let k = i + 1; k < tokens.length && tokens[k]!.type !== 'table_close'; k++) {
        const cell = tokens[k]!;
        if (cell.type === 'th_open') cell.attrSet('scope', 'col');
        if (cell.type === 'td_open' && isShort(tokens[k + 1]?.content ?? '')) cell.attrJoin('class', 'short-cell');
      }
      const before = i >= 3 && isCaption(tokens, i - 3, table.level) ? i - 3 : -1;
      if (before >= 0) {
        const caption = tokens.splice(before, 3);
        i -= 3;
        tokens.splice(i + 1, 0, ...asCaption(caption, table.level));
        continue;
      }
      const close = closeOf(tokens, i);
      if (close >= 0 && isCaption(tokens, close + 1, table.level)) {
        const caption = tokens.splice(close + 1, 3);
        tokens.splice(i + 1, 0, ...asCaption(caption, table.level));
      }
    }
  });

  // After markdown-it-attrs (pushed, so it runs after every rule registered before it): the
  // The caption starts with the table's number ("Table 3.1."), from the model's numbering pass.
  md.renderer.rules.caption_open = (tokens, idx, options, env, self) => {
    let table = idx - 1;
    while (table >= 0 && tokens[table]!.type !== 'table_open') table--;
    const id = table >= 0 ? tokens[table]!.attrGet('id') : null;
    return self.renderToken(tokens, idx, options) + captionLabelHtml(md, env, id === null ? undefined : String(id));
  };
  // caption's {#id} and {.class} belong to the table.
  md.core.ruler.push('table_caption_attrs', (state: StateCore) => {
    const tokens = state.tokens;
    for (let i = 1; i < tokens.length; i++) {
      const caption = tokens[i]!;
      const table = tokens[i - 1]!;
      if (caption.type !== 'caption_open' || table.type !== 'table_open' || !caption.attrs) continue;
      for (const [name, value] of caption.attrs) {
        if (name === 'class') table.attrJoin('class', value);
        else table.attrSet(name, value);
      }
      caption.attrs = null;
    }
  });

  // tabindex: a table wider than the reader's screen scrolls, and a scrolling box must take the
  // keyboard's focus to be scrolled without a mouse (Ace: scrollable-region-focusable).
  md.renderer.rules.table_open = (tokens, idx, options, _env, self) =>
    `<div class="table-wrap" tabindex="0">\n${self.renderToken(tokens, idx, options)}`;
  md.renderer.rules.table_close = (tokens, idx, options, _env, self) => `${self.renderToken(tokens, idx, options)}</div>\n`;
}

/**
 * Characters under which a body cell is kept on one line. Auto table layout gives a column of short
 * entries little more than its longest word, so "November 2025" would otherwise break after
 * "November" beside a column of long sentences; header cells may still wrap.
 */
export const SHORT_CELL = 16;

function isShort(markdown: string): boolean {
  // Markup is not text; a CJK character is about twice as wide as a Latin letter.
  const text = markdown.replace(/[`*_\\]/g, '').replace(/[\u3000-\u9fff\uac00-\ud7af\uff00-\uffef]/g, 'xx').trim();
  return text.length > 0 && [...text].length <= SHORT_CELL;
}

function isCaption(tokens: Token[], at: number, level: number): boolean {
  const open = tokens[at];
  const inline = tokens[at + 1];
  return (
    open?.type === 'paragraph_open' &&
    open.level === level &&
    !open.hidden &&
    inline?.type === 'inline' &&
    CAPTION.test(inline.content) &&
    tokens[at + 2]?.type === 'paragraph_close'
  );
}

/** The paragraph's three tokens, made a caption inside the table. */
function asCaption(paragraph: Token[], tableLevel: number): Token[] {
  const [open, inline, close] = paragraph as [Token, Token, Token];
  open.type = 'caption_open';
  open.tag = 'caption';
  close.type = 'caption_close';
  close.tag = 'caption';
  inline.content = inline.content.replace(CAPTION, '');
  open.level = close.level = tableLevel + 1;
  inline.level = tableLevel + 2;
  return [open, inline, close];
}

function closeOf(tokens: Token[], open: number): number {
  for (let k = open + 1; k < tokens.length; k++) if (tokens[k]!.type === 'table_close' && tokens[k]!.level === tokens[open]!.level) return k;
  return -1;
}
