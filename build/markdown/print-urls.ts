/**
 * A reader of the paper book cannot follow a link, so the print flavour of the HTML shows where
 * each external link goes (`print.urls` in book.yaml): `inline` puts the address after the link
 * text, smaller and breakable after "/" and before "."; `notes` makes it an endnote of the
 * chapter; `off` leaves links as they are. An address is not repeated when the link text already
 * is the address. The EPUB and the web keep live links and get none of this.
 */
import type { MarkdownIt, Token } from 'markdown-it';

export type PrintUrls = 'inline' | 'notes' | 'off';

export interface PrintUrlsEnv {
  /** Set only when rendering the print flavour. */
  printUrls?: PrintUrls;
  /** With `notes`: the addresses met, in order; renderSection turns them into notes. */
  urlNotes?: string[];
  /** Notes the author wrote in this file: address notes are numbered after them. */
  authorNoteCount?: number;
  /** Makes the reference mark of note `n` (the same markup as the author's notes). */
  noteRef?: (n: number) => string;
}

const EXTERNAL = /^(?:https?:|mailto:)/i;

/** The address as printed: no "mailto:", a break allowed after "/" and before ".". */
export function breakableUrl(url: string, escape: (s: string) => string): string {
  const shown = url.replace(/^mailto:/i, '');
  return shown
    .split(/(?<=\/)(?!\/)|(?=\.)/)
    .map(escape)
    .join('<wbr/>');
}

/** "https://www.example.org/a/" and "www.example.org/a" say the same. */
const comparable = (s: string): string =>
  s.trim().toLowerCase().replace(/^mailto:/, '').replace(/^https?:\/\//, '').replace(/^www\./, '').replace(/\/+$/, '');

export function printUrlsPlugin(md: MarkdownIt): void {
  const fallback = md.renderer.rules.link_close ?? ((tokens, idx, options, _env, self) => self.renderToken(tokens, idx, options));
  md.renderer.rules.link_close = (tokens, idx, options, rawEnv, self) => {
    const closing = fallback(tokens, idx, options, rawEnv, self);
    const env = (rawEnv ?? {}) as PrintUrlsEnv;
    if (!env.printUrls || env.printUrls === 'off') return closing;
    const open = openingOf(tokens, idx);
    const href = String(open?.attrGet('href') ?? '');
    if (!open || !EXTERNAL.test(href)) return closing;
    const text = tokens
      .slice(tokens.indexOf(open) + 1, idx)
      .map((t) => (t.type === 'text' || t.type === 'code_inline' ? t.content : ''))
      .join('');
    if (comparable(text) === comparable(href)) return closing;
    if (env.printUrls === 'inline') {
      return `${closing}<span class="print-url"> (${breakableUrl(href, md.utils.escapeHtml)})</span>`;
    }
    env.urlNotes ??= [];
    env.urlNotes.push(href);
    return `${closing}${env.noteRef?.((env.authorNoteCount ?? 0) + env.urlNotes.length) ?? ''}`;
  };
}

function openingOf(tokens: Token[], closeIndex: number): Token | undefined {
  let depth = 0;
  for (let i = closeIndex - 1; i >= 0; i--) {
    if (tokens[i]!.type === 'link_close') depth++;
    if (tokens[i]!.type === 'link_open') {
      if (depth === 0) return tokens[i];
      depth--;
    }
  }
  return undefined;
}
