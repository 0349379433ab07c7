/**
 * Turns the SVG Mermaid drew into markup that is valid inside an EPUB's XHTML (EPUBCheck 4.2.6,
 * epubcheck-ts, Ace) and inside the print documents, next to other diagrams:
 *
 * - ids: Mermaid keeps counters across the diagrams of a page (actor0, actor1… go on from one
 *   sequence diagram to the next), so its ids depend on what else was drawn, and two diagrams in
 *   one document could share one. Every id is renamed after the diagram and its place in the
 *   drawing (`<diagram id>-<n>`, keeping a last word such as `-arrowhead`, which Mermaid's own
 *   stylesheet selects by), and every reference to it (href, url(#…), aria-*) follows.
 * - its <style>: every selector is scoped to the diagram's <svg> id, so it can style nothing else
 *   in the document; at-rules (animations) are dropped: nothing moves on paper.
 * - the <svg>: role="img" with a <title> (the caption) that names it, instead of Mermaid's
 *   `graphics-document` role, which EPUBCheck 4.2.6 refuses; a width and height from its
 *   viewBox, scaled so that its 16px labels print at 9pt (the stylesheets scale it down further
 *   to the text block); no inline max-width.
 * - <rect> elements without width or height get "0", their meaning, which EPUBCheck 4.2.6 wants written.
 * - Mermaid's bookkeeping attributes (data-* but those its stylesheet selects, name,
 *   aria-roledescription) are dropped.
 *
 * A <foreignObject> (an HTML label) is not removed silently: finishSvg reports it, and the stage
 * turns that into an error naming the diagram.
 */
import { DomUtils, parseDocument } from 'htmlparser2';
import type { ChildNode, Element } from 'domhandler';

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';

/** The id every diagram is drawn with in the browser; the cleanup renames it. */
export const DRAWING_ID = 'ebookmermaid';
/** Mermaid lays out its labels at 16px; ×0.75 prints them at 12px = 9pt, the size of captions. */
export const SVG_SCALE = 0.75;
/**
 * How the labels are set, in the page that measures them and in the drawing itself (its first
 * style rule), so that the book's own settings (old-style figures, ligatures, spacing in the
 * print stylesheet), inherited by the <svg>, cannot make a label wider than its box.
 */
export const LABEL_TEXT_SETTINGS =
  'font-kerning:normal;font-variant:normal;font-feature-settings:normal;letter-spacing:normal;word-spacing:normal;text-rendering:auto;hyphens:none';

export interface FinishOptions {
  /** The diagram's id in the book (Diagram.id): the <svg>'s id and the prefix of every id in it. */
  id: string;
  /** The accessible name (the caption), for a drawing without a <title> of its own (Mermaid's accTitle). */
  title: string | undefined;
}

export interface FinishedSvg {
  svg: string;
  /** Its size as written (CSS px), before the stylesheets fit it to the text block. */
  width: number;
  height: number;
  /** What could not be made valid, and would be lost or unreadable, as sentences: the stage's errors. */
  problems: string[];
}

export function finishSvg(raw: string, options: FinishOptions): FinishedSvg {
  const doc = parseDocument(raw, { xmlMode: true, decodeEntities: true });
  const root = doc.children.find((n): n is Element => n.type === 'tag' && n.name === 'svg');
  if (!root) throw new Error('Mermaid returned no <svg> element');
  const problems = new Set<string>();

  // Ids in document order, renamed after the diagram.
  const ids = new Map<string, string>();
  let count = 0;
  walk(root, (el) => {
    const id = el.attribs.id;
    if (id === undefined || ids.has(id)) return;
    ids.set(id, el === root ? options.id : `${options.id}-${++count}${lastWord(id)}`);
  });
  /** A reference's new target: the renamed element, or, for one Mermaid names but never drew (its stylesheet's gradient), a name of this diagram's too. */
  const target = (id: string): string | undefined =>
    ids.get(id) ?? (id.startsWith(DRAWING_ID) ? `${options.id}${id.slice(DRAWING_ID.length)}` : undefined);
  const rename = (value: string): string =>
    value.replace(/url\(\s*(['"]?)#([^)'"]+)\1\s*\)/g, (whole, _q: string, id: string) => {
      const to = target(id);
      return to === undefined ? whole : `url(#${to})`;
    });
  // Mermaid's bookkeeping attributes go, except those its stylesheet selects by ([data-look="neo"]).
  const styleText = DomUtils.findAll((el) => el.name === 'style', [root]).map((el) => DomUtils.textContent(el)).join('');
  const selected = new Set([...styleText.matchAll(/\[(data-[\w-]+)/g)].map((m) => m[1]!));

  /** Each <style>'s new text (scoped, renamed), written out by serialize. */
  const styles = new Map<Element, string>();
  let hasTitle = false;
  let usesXlink = false;
  walk(root, (el) => {
    if (el.name === 'foreignObject') problems.add('its labels are drawn as HTML (a <foreignObject>), which e-readers and PDF tools do not show; use a diagram type that sets them as text (flowchart, sequence, class, state…) and no "htmlLabels" in its %%{init}%% line');
    if (el.name === 'title' && el.parent === root) hasTitle = true;
    const kept: Record<string, string> = {};
    for (const [key, value] of Object.entries(el.attribs)) {
      if ((key.startsWith('data-') && !selected.has(key)) || key === 'name' || key === 'aria-roledescription') continue;
      if (key === 'id') kept.id = ids.get(value) ?? value;
      else if (key === 'href' || key === 'xlink:href') {
        const to = value.startsWith('#') ? target(value.slice(1)) : undefined;
        if (to === undefined) continue; // a link out of the drawing: nothing to follow on paper
        kept['xlink:href'] = `#${to}`;
        usesXlink = true;
      } else if (key === 'aria-labelledby' || key === 'aria-describedby') {
        kept[key] = value.split(/\s+/).map((id) => ids.get(id) ?? id).join(' ');
      } else if (key === 'style') {
        const style = rename(value).replace(/^[\s;]+|[\s;]+$/g, '');
        if (style) kept.style = style;
      } else kept[key] = rename(value);
    }
    if (el.name === 'rect') {
      kept.width ??= '0';
      kept.height ??= '0';
    }
    el.attribs = kept;
    if (el.name === 'style') {
      const css = el.children.map((c) => (c.type === 'text' ? c.data : c.type === 'cdata' ? c.children.map((t) => (t.type === 'text' ? t.data : '')).join('') : '')).join('');
      styles.set(el, `#${options.id}{${LABEL_TEXT_SETTINGS}}${rename(scopeCss(css, options.id))}`);
    }
  });

  if (!hasTitle && options.title === undefined) problems.add('it has no accessible name for readers who cannot see it; give its fence a caption="…" (this diagram type ignores accTitle)');
  // The <svg> itself.
  const box = (root.attribs.viewBox ?? '').split(/[\s,]+/).map(Number);
  const attrs: [string, string][] = [
    ['xmlns', SVG_NS],
    ...(usesXlink ? ([['xmlns:xlink', XLINK_NS]] as [string, string][]) : []),
    ['id', options.id],
    ['class', ['mermaid', ...(root.attribs.class ?? '').split(/\s+/).filter(Boolean)].join(' ')],
    ['role', 'img'],
  ];
  const titleId = `${options.id}-title`;
  if (!hasTitle && options.title !== undefined) attrs.push(['aria-labelledby', titleId]);
  else if (root.attribs['aria-labelledby']) attrs.push(['aria-labelledby', root.attribs['aria-labelledby']]);
  if (root.attribs['aria-describedby']) attrs.push(['aria-describedby', root.attribs['aria-describedby']]);
  const sized = box.length === 4 && box.every(Number.isFinite) && box[2]! > 0 && box[3]! > 0;
  const width = sized ? round(box[2]! * SVG_SCALE) : 0;
  const height = sized ? round(box[3]! * SVG_SCALE) : 0;
  if (sized) attrs.push(['width', String(width)], ['height', String(height)], ['viewBox', box.map(round).join(' ')]);
  const title = !hasTitle && options.title !== undefined ? `<title id="${titleId}">${escapeText(options.title)}</title>` : '';
  const svg = `<svg${attrs.map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`).join('')}>${title}${root.children.map((c) => serialize(c, styles)).join('')}</svg>`;
  return { svg, width, height, problems: [...problems] };
}

/** The last word of an id, kept after renaming ("…-arrowhead"): Mermaid's CSS selects [id$="-arrowhead"]. */
function lastWord(id: string): string {
  const word = /[-_]([A-Za-z]+)$/.exec(id)?.[1];
  return word && word !== DRAWING_ID ? `-${word}` : '';
}

function walk(el: Element, visit: (el: Element) => void): void {
  visit(el);
  for (const child of el.children) if (child.type === 'tag') walk(child, visit);
}

/**
 * Mermaid's stylesheet with every selector under `#id` (Mermaid writes most of them so already,
 * for the id it drew with) and no at-rules. The CSS is Mermaid's own minified output: rules and
 * at-rule blocks, braces balanced, no comments.
 */
export function scopeCss(css: string, id: string): string {
  const out: string[] = [];
  let i = 0;
  while (i < css.length) {
    const open = css.indexOf('{', i);
    if (open < 0) break;
    const prelude = css.slice(i, open).trim();
    let depth = 1;
    let k = open + 1;
    while (k < css.length && depth > 0) {
      if (css[k] === '{') depth++;
      else if (css[k] === '}') depth--;
      k++;
    }
    const body = css.slice(open + 1, k - 1);
    i = k;
    if (prelude.startsWith('@') || !prelude) continue;
    const selectors = splitSelectors(prelude).map((s) => {
      const own = new RegExp(`^#${DRAWING_ID}(?![\\w-])`);
      return own.test(s) ? s.replace(own, `#${id}`) : `#${id} ${s}`;
    });
    out.push(`${selectors.join(',')}{${body}}`);
  }
  return out.join('');
}

/** Splits a selector list at its top-level commas (not those inside :is(…) or [attr="a,b"]). */
function splitSelectors(prelude: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quote = '';
  let start = 0;
  for (let k = 0; k < prelude.length; k++) {
    const c = prelude[k]!;
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") quote = c;
    else if (c === '(' || c === '[') depth++;
    else if (c === ')' || c === ']') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(prelude.slice(start, k).trim());
      start = k + 1;
    }
  }
  parts.push(prelude.slice(start).trim());
  return parts.filter(Boolean);
}

function serialize(node: ChildNode, styles: Map<Element, string>): string {
  if (node.type === 'text') return escapeText(node.data);
  if (node.type === 'cdata') return node.children.map((c) => serialize(c, styles)).join('');
  if (node.type !== 'tag') return ''; // comments, processing instructions
  const el = node;
  const attrs = Object.entries(el.attribs)
    .map(([k, v]) => ` ${k}="${escapeAttribute(v)}"`)
    .join('');
  const style = styles.get(el);
  const inner = style !== undefined ? escapeText(style) : el.children.map((c) => serialize(c, styles)).join('');
  return inner ? `<${el.name}${attrs}>${inner}</${el.name}>` : `<${el.name}${attrs}/>`;
}

const round = (x: number): number => Math.round(x * 100) / 100;
const escapeText = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeAttribute = (s: string): string => escapeText(s).replace(/"/g, '&quot;');
