/**
 * Callouts: GitHub's alerts (`> [!NOTE]`, `[!TIP]`, `[!IMPORTANT]`, `[!WARNING]`, `[!CAUTION]`,
 * parsed by markdown-it-github-alerts) and fenced blocks (`::: note` … `:::`, parsed by
 * markdown-it-container) come out as one markup, whatever their syntax:
 *
 *   <div class="callout callout-note" role="note"><p class="callout-title">Note</p>…</div>
 *
 * The title is the book language's word for the kind (labels.ts), or the author's own: the text
 * after the marker (`> [!WARNING] Back up first`, which markdown-it-github-alerts allows though
 * GitHub does not), or after the name (`::: warning Back up first`, Docusaurus's
 * `:::warning[Back up first]`, Pandoc's `::: {.warning title="Back up first"}`).
 *
 * Roles: `note` for a note, DPUB-ARIA's `doc-tip` for a tip and `doc-notice` for the three that
 * warn. No `epub:type` is written: Ace flags an epub:type whose matching role is missing, and the
 * role alone is what assistive technology reads.
 *
 * A fenced block of any other name (`::: sidebar`) is not dropped: it becomes a plain
 * `<div class="sidebar">`, as Pandoc's fenced divs do, its title (if any) as its first paragraph.
 */
import type { MarkdownIt, StateCore, Token } from 'markdown-it';
import githubAlerts from 'markdown-it-github-alerts';
import container from 'markdown-it-container';
import { CALLOUT_KINDS, calloutTitlesFor, type CalloutKind } from '../render/labels.ts';

/** Other tools' names for the five kinds (VitePress, Docusaurus, Quarto's `callout-` classes). */
const ALIASES: Record<string, CalloutKind> = { info: 'note', hint: 'tip', danger: 'caution', attention: 'warning' };

const ROLES: Record<CalloutKind, string> = {
  note: 'note',
  tip: 'doc-tip',
  important: 'doc-notice',
  warning: 'doc-notice',
  caution: 'doc-notice',
};

/**
 * Characters of content above which a callout may break across pages. A short one moves whole to
 * the next page; a long one would leave most of a page empty, so it breaks like text.
 */
export const SHORT_CALLOUT = 700;

/** What the core rule leaves on a callout_open token for the renderer. */
interface CalloutMeta {
  kind?: CalloutKind;
  /** The title as written (Markdown inline), or the localized word. */
  title?: string;
}

/** `note`, `{.note #id title="…"}`, `note[Title]` or `note Title`: the fenced block's name and the rest. */
interface FenceInfo {
  name: string;
  id?: string;
  classes: string[];
  title?: string;
}

const NAME = /^[A-Za-z][\w-]*/;

export function parseFenceInfo(info: string): FenceInfo | undefined {
  const text = info.trim();
  if (text.startsWith('{')) {
    const end = text.indexOf('}');
    if (end < 0) return undefined;
    const inside = text.slice(1, end);
    const fence: FenceInfo = { name: '', classes: [] };
    for (const m of inside.matchAll(/([.#])([A-Za-z][\w:.-]*)|(\w[\w-]*)=(?:"([^"]*)"|'([^']*)'|(\S+))/g)) {
      if (m[1] === '.') fence.classes.push(m[2]!);
      else if (m[1] === '#') fence.id = m[2]!;
      else if (m[3] === 'title') fence.title = m[4] ?? m[5] ?? m[6];
    }
    const rest = text.slice(end + 1).trim();
    if (rest && fence.title === undefined) fence.title = rest;
    fence.name = fence.classes.shift() ?? '';
    return fence.name ? fence : undefined;
  }
  const name = NAME.exec(text)?.[0];
  if (!name) return undefined;
  let rest = text.slice(name.length).trim();
  const bracketed = /^\[(.*)\]$/.exec(rest);
  if (bracketed) rest = bracketed[1]!.trim();
  return { name, classes: [], title: rest || undefined };
}

export function kindOf(name: string): CalloutKind | undefined {
  const lower = name.toLowerCase().replace(/^callout-/, '');
  if ((CALLOUT_KINDS as readonly string[]).includes(lower)) return lower as CalloutKind;
  return ALIASES[lower];
}

export function calloutPlugin(md: MarkdownIt, options: { language?: string } = {}): void {
  const titles = calloutTitlesFor(options.language ?? 'en');
  // No icons: the package's octicons are <svg> without xmlns, invalid in the EPUB's XHTML.
  md.use(githubAlerts, { icons: {}, titles });
  // One container for every name: the kinds become callouts, any other name a plain div.
  md.use(container, 'fenced_div', { validate: (params: string) => parseFenceInfo(params) !== undefined });

  md.core.ruler.after('github-alerts', 'callouts', (state: StateCore) => {
    repairAlertNesting(state.tokens);
    const tokens = state.tokens;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (token.type === 'alert_open') {
        const meta = token.meta as { type: string; title: string };
        const kind = kindOf(meta.type) ?? 'note';
        markCallout(tokens, i, kind, meta.title);
      } else if (token.type === 'container_fenced_div_open') {
        const fence = parseFenceInfo(token.info)!;
        // Read here, so markdown-it-attrs does not read `{.note #id}` a second time.
        token.info = '';
        const kind = kindOf(fence.name);
        if (fence.id) token.attrSet('id', fence.id);
        if (kind) {
          markCallout(tokens, i, kind, fence.title ?? titles[kind]);
          for (const c of fence.classes) token.attrJoin('class', c);
        } else {
          // Not a callout: the author's own div, kept with its classes and its title.
          token.type = 'callout_open';
          token.meta = { title: fence.title } satisfies CalloutMeta;
          token.attrJoin('class', [fence.name, ...fence.classes].join(' '));
          closeOf(tokens, i).type = 'callout_close';
        }
      }
    }
  });

  md.renderer.rules.callout_open = (tokens, idx, options, env, self) => {
    const token = tokens[idx]!;
    const { kind, title } = (token.meta ?? {}) as CalloutMeta;
    // The title is parsed on its own, without the chapter's notes: markdown-it-footnote would
    // otherwise append the chapter's whole note list to it.
    const titleHtml = title ? md.renderInline(title, { ...(env as object), footnotes: undefined }) : '';
    const titleClass = kind ? 'callout-title' : 'div-title';
    return `<div${self.renderAttrs(token)}>\n${titleHtml ? `<p class="${titleClass}">${titleHtml}</p>\n` : ''}`;
  };
  md.renderer.rules.callout_close = () => '</div>\n';
}

function markCallout(tokens: Token[], open: number, kind: CalloutKind, title: string): void {
  const token = tokens[open]!;
  const close = closeOf(tokens, open);
  token.type = 'callout_open';
  token.tag = 'div';
  token.meta = { kind, title } satisfies CalloutMeta;
  token.attrJoin('class', `callout callout-${kind}`);
  let length = 0;
  for (let k = open + 1; k < tokens.length && tokens[k] !== close; k++) length += tokens[k]!.content.length;
  if (length > SHORT_CALLOUT) token.attrJoin('class', 'callout-long');
  token.attrSet('role', ROLES[kind]);
  close.type = 'callout_close';
  close.tag = 'div';
}

/** The token closing the block opened at `open` (same level, nesting -1). */
function closeOf(tokens: Token[], open: number): Token {
  const level = tokens[open]!.level;
  for (let k = open + 1; k < tokens.length; k++) {
    if (tokens[k]!.level === level && tokens[k]!.nesting === -1) return tokens[k]!;
  }
  return tokens[tokens.length - 1]!;
}

/**
 * markdown-it-github-alerts closes an alert at the first blockquote_close after it, which is the
 * inner one when the alert holds a quotation: pair every opening with its own closing again.
 */
function repairAlertNesting(tokens: Token[]): void {
  const open: Token[] = [];
  for (const token of tokens) {
    if (token.type === 'blockquote_open' || token.type === 'alert_open') open.push(token);
    else if (token.type === 'blockquote_close' || token.type === 'alert_close') {
      const opener = open.pop();
      const alert = opener?.type === 'alert_open';
      token.type = alert ? 'alert_close' : 'blockquote_close';
      token.tag = alert ? 'div' : 'blockquote';
    }
  }
}
